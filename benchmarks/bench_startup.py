"""2. Start-up: process start to main window shown, 1,000,000-row profile vs bare windows.

What "shown" means, the same for the app and both yardsticks: the process has
started, built its window, called ``show()`` and entered the event loop (the
probe prints ``shown`` from the first zero-timer; the first frame is painted
right after). For the app that window is its real one: profile locked and
checked, store opened and migrated, navigation, menus, toolbar, status bar,
with the page area saying "Reading the portfolio…". The app reads its figures
just after that first frame, so a second row, "figures", times launch until
the first refresh (exposure, warnings, reminders of the 1M-row profile) has
been handed to the page on screen: that is when the numbers are there to read.
A third row compares the CPU time each process had used when shown (user +
system, from the probe itself): on a shared machine it moves less than the
wall clock, which other processes' load stretches.

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
from benchmarks.shared import ROOT, million_row_profile, probe_marks, run_probe

RUNS = 8


def run() -> list[Figure]:
    compileall.compile_dir(ROOT / "exposure_app", quiet=1)
    profile = million_row_profile()
    run_probe("app", str(profile))  # warm the OS file cache for both
    run_probe("bare")
    run_probe("plain")
    # alternate them, so a slower spell of a shared machine hits all alike
    app_runs, figures_runs, bare_runs, plain_runs = [], [], [], []
    app_cpu, plain_cpu = [], []
    for _ in range(RUNS):
        marks, _rss = probe_marks("app", str(profile))
        app_runs.append(marks["shown"])
        figures_runs.append(marks["figures"])
        app_cpu.append(marks["cpu"])
        plain_marks, _rss = probe_marks("plain")
        plain_runs.append(plain_marks["shown"])
        plain_cpu.append(plain_marks["cpu"])
        bare_runs.append(run_probe("bare")[0])
    app, figures = min(app_runs), min(figures_runs)
    bare, plain = min(bare_runs), min(plain_runs)
    cpu, plain_cpu_best = min(app_cpu), min(plain_cpu)
    return [
        Figure("2. start-up to window shown, 1M rows vs plain QMainWindow", app / plain, "x",
               "<= 1.3", app / plain <= 1.3,
               f"{app * 1000:.0f} ms vs {plain * 1000:.0f} ms, best of {RUNS}"),
        Figure("2. start-up to window shown, 1M rows vs QMainWindow + pyqtgraph plot",
               app / bare, "x", "<= 1.5", app / bare <= 1.5,
               f"{app * 1000:.0f} ms vs {bare * 1000:.0f} ms, best of {RUNS}"),
        Figure("2. CPU time to window shown, 1M rows vs plain QMainWindow",
               cpu / plain_cpu_best, "x", "-", None,
               f"{cpu * 1000:.0f} ms vs {plain_cpu_best * 1000:.0f} ms of CPU, best of {RUNS}"),
        Figure("2. start-up to first figures on screen, 1M rows vs plain QMainWindow",
               figures / plain, "x", "-", None,
               f"{figures * 1000:.0f} ms vs {plain * 1000:.0f} ms, best of {RUNS}"),
    ]
