"""6. Memory: peak RSS of the GUI on the 1,000,000-row profile after a sync.

The sync is real (an in-process Binance emulator through ccxt, which the
bare window never loads). Compared with the bare QMainWindow + one
pyqtgraph plot. Goal: less than 200 MB above it.
"""

from __future__ import annotations

from benchmarks.result import Figure
from benchmarks.shared import million_row_profile, run_probe


def run() -> list[Figure]:
    profile = million_row_profile()
    _, app_kb = run_probe("app", str(profile), "--sync")
    _, bare_kb = run_probe("bare")
    extra = (app_kb - bare_kb) / 1024
    return [Figure("6. peak RSS after a sync, above the bare window", extra, "MB", "< 200 MB",
                   extra < 200, f"{app_kb / 1024:.0f} MB vs {bare_kb / 1024:.0f} MB")]
