"""2. Start-up: process start to main window shown, 1,000,000-row profile vs a bare window.

The bare window is a QMainWindow with one pyqtgraph plot: the floor of any
Qt + pyqtgraph app. Goal: ratio <= 1.5. Best of eight runs each, taken in turns.

The app's own modules are byte-compiled first, as they are in any installed
copy (pip compiles on install, the bundle ships bytecode): a development
checkout run with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile about
a hundred modules from source on every start, which the bare window, made
only of installed packages, never does.
"""

from __future__ import annotations

import compileall

from benchmarks.result import Figure
from benchmarks.shared import ROOT, million_row_profile, run_probe

RUNS = 8


def run() -> list[Figure]:
    compileall.compile_dir(ROOT / "exposure_app", quiet=1)
    profile = million_row_profile()
    run_probe("app", str(profile))  # warm the OS file cache for both
    run_probe("bare")
    # alternate the two, so a slower spell of a shared machine hits both alike
    app_runs, bare_runs = [], []
    for _ in range(RUNS):
        app_runs.append(run_probe("app", str(profile))[0])
        bare_runs.append(run_probe("bare")[0])
    app, bare = min(app_runs), min(bare_runs)
    ratio = app / bare
    return [Figure("2. start-up to window shown, 1M rows vs bare window", ratio, "x", "<= 1.5",
                   ratio <= 1.5, f"{app * 1000:.0f} ms vs {bare * 1000:.0f} ms, best of {RUNS}")]
