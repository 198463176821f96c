"""2. Start-up: process start to main window shown, 1,000,000-row profile vs bare windows.

What "shown" means, the same for the app and both yardsticks: the process has
started, built its window, shown it, and the window's first frame has been
painted (the probe prints ``shown`` from the window's first ``UpdateRequest``,
once it is handled). For the app that frame is its real window as the user
sees it then: title, navigation with every page's name, menus, toolbar and
status bar, with the page area saying "Opening the profile…" and the actions
that need the store disabled; the profile is locked, but its store is not
opened yet and no figure is on screen. The app takes the path
``exposure-app --data-dir DIR`` takes (``ui.app.show_profile_window``).

Two more marks follow on the same runs, so that moving work after the first
frame cannot hide it: "store open" (the store checked, opened and migrated,
logins moved to the keyring, the actions enabled: the window can be used) and
"figures" (the first refresh, exposure, warnings and reminders of the 1M-row
profile, handed to the page on screen: the numbers are there to read). A CPU
row compares the CPU time each process had used when shown (user + system,
from the probe itself): on a shared machine it moves less than the wall
clock, which other processes' load stretches.

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
    app_runs, open_runs, figures_runs, bare_runs, plain_runs = [], [], [], [], []
    app_cpu, plain_cpu = [], []
    for _ in range(RUNS):
        marks, _rss = probe_marks("app", str(profile))
        app_runs.append(marks["shown"])
        open_runs.append(marks["store open"])
        figures_runs.append(marks["figures"])
        app_cpu.append(marks["cpu"])
        plain_marks, _rss = probe_marks("plain")
        plain_runs.append(plain_marks["shown"])
        plain_cpu.append(plain_marks["cpu"])
        bare_runs.append(run_probe("bare")[0])
    app, store_open, figures = min(app_runs), min(open_runs), min(figures_runs)
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
        Figure("2. start-up to store open (window usable), 1M rows vs plain QMainWindow",
               store_open / plain, "x", "-", None,
               f"{store_open * 1000:.0f} ms vs {plain * 1000:.0f} ms, best of {RUNS}"),
        Figure("2. start-up to first figures on screen, 1M rows vs plain QMainWindow",
               figures / plain, "x", "-", None,
               f"{figures * 1000:.0f} ms vs {plain * 1000:.0f} ms, best of {RUNS}"),
    ]
