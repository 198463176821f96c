"""8. Backtest: the whole 2014-2025 replay of the shipped catalogue.

Every custodial counterparty, every day, health assessed from what was public
that day, then ``score_high`` calibrated on the years before 2022 and the
record evaluated (``exposure-app risk backtest``). Goal: under 60 s on 2 cores.
"""

from __future__ import annotations

import time

from benchmarks.result import Figure
from exposure_app.services.risk_service import catalogue_backtest
from exposure_app.services.settings import Settings


def run() -> list[Figure]:
    start = time.perf_counter()
    result = catalogue_backtest(Settings())
    elapsed = time.perf_counter() - start
    overall = result.periods[-1]
    detail = (f"{result.custodians} custodians, {overall.failures} failures, "
              f"{overall.control_days} control days")
    return [Figure("backtest replay 2014-2025", elapsed, "s", "< 60 s", elapsed < 60, detail)]
