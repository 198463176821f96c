"""2. Start-up: process start to main window shown, 1,000,000-row profile vs bare windows.

Two yardsticks: the plain window, an empty QMainWindow (the floor of any Qt
window; the app no longer loads pyqtgraph at start, so this is the fair one),
goal ratio <= 1.3; and the earlier bare window, a QMainWindow with one
pyqtgraph plot, goal ratio <= 1.5. Best of eight runs each, taken in turns.

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
    run_probe("plain")
    # alternate them, so a slower spell of a shared machine hits all alike
    app_runs, bare_runs, plain_runs = [], [], []
    for _ in range(RUNS):
        app_runs.append(run_probe("app", str(profile))[0])
        plain_runs.append(run_probe("plain")[0])
        bare_runs.append(run_probe("bare")[0])
    app, bare, plain = min(app_runs), min(bare_runs), min(plain_runs)
    return [
        Figure("2. start-up to window shown, 1M rows vs plain QMainWindow", app / plain, "x",
               "<= 1.3", app / plain <= 1.3,
               f"{app * 1000:.0f} ms vs {plain * 1000:.0f} ms, best of {RUNS}"),
        Figure("2. start-up to window shown, 1M rows vs QMainWindow + pyqtgraph plot",
               app / bare, "x", "<= 1.5", app / bare <= 1.5,
               f"{app * 1000:.0f} ms vs {bare * 1000:.0f} ms, best of {RUNS}"),
    ]
