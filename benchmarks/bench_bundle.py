"""7. Bundle size: the one-folder PyInstaller build for this platform.

Uses ``dist/exposure-app`` if a build is there (``make package``), else builds
it (about two minutes; ten the first time on Linux, which compiles numpy without
BLAS). Goal on Linux: under 150 MB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.result import Figure

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "exposure-app"


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def run() -> list[Figure]:
    if not BUNDLE.is_dir():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
    size = _size_mb(BUNDLE)
    return [Figure("7. one-folder bundle size (Linux)", size, "MB", "< 150 MB", size < 150,
                   str(BUNDLE.relative_to(ROOT)))]
