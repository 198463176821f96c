"""Profiles shared by several benchmarks in one run (built once, removed at exit)."""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from benchmarks.profile_factory import build_profile

ROOT = Path(__file__).resolve().parent.parent


@cache
def million_row_profile() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="exposure-bench-"))
    atexit.register(shutil.rmtree, folder, True)
    return build_profile(folder / "profile", holding_rows=1_000_000)


def run_probe(*args: str, timeout: float = 300) -> tuple[float, int]:
    """Run benchmarks.gui_probe; returns (seconds until 'shown', peak RSS kB)."""
    marks, rss = probe_marks(*args, timeout=timeout)
    return marks["shown"], rss


def probe_marks(*args: str, timeout: float = 300) -> tuple[dict[str, float], int]:
    """Run benchmarks.gui_probe; returns (seconds from launch to each mark it printed,
    'shown', 'store open' and 'figures', with 'cpu': the CPU seconds it had used when
    shown; and the peak RSS in kB)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.gui_probe", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    marks: dict[str, float] = {}
    rss = None
    assert proc.stdout is not None
    for line in proc.stdout:
        word = line.strip()
        if word in ("shown", "store open", "figures") and word not in marks:
            marks[word] = time.perf_counter() - start
        elif line.startswith("rss "):
            rss = int(line.split()[1])
        elif line.startswith("cpu "):
            marks["cpu"] = float(line.split()[1])
    proc.wait(timeout)
    if proc.returncode != 0 or "shown" not in marks or rss is None:
        raise RuntimeError(f"probe {args} failed: {proc.stderr.read()[-2000:] if proc.stderr else ''}")
    return marks, rss
