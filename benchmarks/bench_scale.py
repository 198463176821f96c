"""3. Scale: refreshing the overview costs what current holdings cost, not history.

Exposure and warnings as of now on a profile with 1,000,000 history rows,
divided by the same on a profile with 10,000 rows (same accounts and assets),
best of twelve each, timed in turns. Goal: <= 1.2.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.profile_factory import build_profile
from benchmarks.result import Figure
from benchmarks.timing import best_of
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.risk_service import warnings_as_of
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore

ROUNDS = 6


def _overview(store: ProfileStore, settings: Settings) -> None:
    """What the window's refresh computes: the exposure once, then the warnings from it."""
    moment = utc_now()
    report = exposure_as_of(store, settings, moment)
    warnings_as_of(store, settings, moment, report=report)


def run(big_rows: int = 1_000_000) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        small = build_profile(Path(tmp) / "small", holding_rows=10_000)
        big = build_profile(Path(tmp) / "big", holding_rows=big_rows)
        settings = Settings()
        times = {"small": float("inf"), "big": float("inf")}
        with ProfileStore.open(small) as small_store, ProfileStore.open(big) as big_store:
            stores = {"small": small_store, "big": big_store}
            for store in stores.values():
                _overview(store, settings)  # warm caches (catalogue, events)
            # in turns, so a slower spell of a shared machine hits both alike
            for _ in range(ROUNDS):
                for name, store in stores.items():
                    times[name] = min(times[name],
                                      best_of(lambda s=store: _overview(s, settings), repeat=2))
    ratio = times["big"] / times["small"]
    return [
        Figure(
            "3. overview refresh, 1M vs 10k history rows",
            ratio,
            "x",
            "<= 1.2",
            ratio <= 1.2,
            f"{times['big'] * 1000:.1f} ms vs {times['small'] * 1000:.1f} ms",
        )
    ]
