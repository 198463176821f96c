"""3. Scale: refreshing the overview costs what current holdings cost, not history.

Exposure and warnings as of now on a profile with 1,000,000 history rows,
divided by the same on a profile with 10,000 rows (same accounts and assets).
Goal: <= 1.2.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.profile_factory import build_profile
from benchmarks.result import Figure
from benchmarks.timing import best_of
from exposure_app.services.portfolio import exposure_as_of
from exposure_app.services.risk_service import warnings_as_of
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


def _overview(store: ProfileStore, settings: Settings) -> None:
    exposure_as_of(store, settings)
    warnings_as_of(store, settings)


def run(big_rows: int = 1_000_000) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        small = build_profile(Path(tmp) / "small", holding_rows=10_000)
        big = build_profile(Path(tmp) / "big", holding_rows=big_rows)
        settings = Settings()
        times = {}
        for name, folder in (("small", small), ("big", big)):
            with ProfileStore.open(folder) as store:
                _overview(store, settings)  # warm caches (catalogue, events)
                times[name] = best_of(lambda s=store: _overview(s, settings), repeat=7)
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
