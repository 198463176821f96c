"""2. Start-up: process start to main window shown, 1,000,000-row profile vs a bare window.

The bare window is a QMainWindow with one pyqtgraph plot: the floor of any
Qt + pyqtgraph app. Goal: ratio <= 1.5. Best of five runs each.
"""

from __future__ import annotations

from benchmarks.result import Figure
from benchmarks.shared import million_row_profile, run_probe


def run() -> list[Figure]:
    profile = million_row_profile()
    run_probe("app", str(profile))  # warm the OS file cache for both
    run_probe("bare")
    app = min(run_probe("app", str(profile))[0] for _ in range(5))
    bare = min(run_probe("bare")[0] for _ in range(5))
    ratio = app / bare
    return [Figure("2. start-up to window shown, 1M rows vs bare window", ratio, "x", "<= 1.5",
                   ratio <= 1.5, f"{app * 1000:.0f} ms vs {bare * 1000:.0f} ms")]
