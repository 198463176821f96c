"""7. Bundle size: the one-folder PyInstaller build for this platform.

Uses ``dist/exposure-app`` if a build is there (``make package``) and it is
newer than everything in ``packaging/``, else builds it (about three minutes;
fifteen the first time on Linux, which compiles numpy without BLAS). Goal on
Linux: under 150 MB, counted as ``tests/test_packaging.py`` counts it (regular
files, symlinks not followed). The detail names the largest parts, so a
figure over the goal says where to look.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks.result import Figure

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "exposure-app"
PACKAGING = ROOT / "packaging"


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in _files(folder)) / 1e6


def is_stale(bundle: Path, sources: Path = PACKAGING) -> bool:
    """No bundle, or one built before a file of ``sources`` changed (documentation aside)."""
    executables = [p for p in bundle.glob("exposure-app*") if p.is_file()]
    if not executables:
        return True
    built = min(p.stat().st_mtime for p in executables)
    return any(p.stat().st_mtime > built for p in _files(sources) if p.suffix != ".md")


def largest_parts(bundle: Path, count: int = 4) -> list[tuple[str, float]]:
    """The ``count`` largest top-level parts of ``_internal`` (or files beside it), in MB."""
    sizes: Counter[str] = Counter()
    for path in _files(bundle):
        parts = path.relative_to(bundle).parts
        key = parts[1] if parts[0] == "_internal" and len(parts) > 1 else parts[0]
        sizes[key] += path.stat().st_size
    return [(name, size / 1e6) for name, size in sizes.most_common(count)]


def run() -> list[Figure]:
    if is_stale(BUNDLE):
        subprocess.run([sys.executable, str(PACKAGING / "build.py")], check=True, cwd=ROOT)
    size = _size_mb(BUNDLE)
    parts = ", ".join(f"{name} {mb:.1f}" for name, mb in largest_parts(BUNDLE))
    return [Figure("7. one-folder bundle size (Linux)", size, "MB", "< 150 MB", size < 150,
                   f"{BUNDLE.relative_to(ROOT)}; largest: {parts}")]
