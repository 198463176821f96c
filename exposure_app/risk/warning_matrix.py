"""The warning level: a custodian's health crossed with the user's exposure to it.

Exposure bands (share of net worth exposed: held there, its own tokens held
anywhere, stablecoins it issues):

* ``minor``: under ``minor_exposure_share`` (1%);
* ``ordinary``: up to ``custodian_share_warning`` (25%);
* ``large``: above it; ``very_large``: from twice it (50%).

| health \\ exposure | minor  | ordinary | large        | very large   |
|---|---|---|---|---|
| normal            | -      | -        | low (≤ cap)  | cap (medium) |
| watch             | info   | medium   | medium       | medium       |
| distressed        | medium | high     | high         | high         |
| failed            | high   | high     | high         | high         |

* ``failed`` and the user still holds assets *there* (not only its tokens):
  ``critical``, in every band.
* ``normal`` with some evidence: at least ``info`` (score >= ``score_info``),
  and ``low`` outside the minor band when score >= ``score_low``.
* ``cap`` = ``concentration_cap`` (``medium`` by default): concentration alone
  never goes above it; ``high`` needs distress, ``critical`` a failure.

Every row and every column is non-decreasing, so more exposure or worse
health never lowers the level (property-tested).
"""

from __future__ import annotations

from enum import IntEnum

from exposure_app.risk.health import Health, HealthState
from exposure_app.risk.scoring import Level, RiskParameters


class Band(IntEnum):
    MINOR = 0
    ORDINARY = 1
    LARGE = 2
    VERY_LARGE = 3


def exposure_band(share: float, params: RiskParameters) -> Band:
    if share >= 2 * params.custodian_share_warning:
        return Band.VERY_LARGE
    if share > params.custodian_share_warning:
        return Band.LARGE
    if share >= params.minor_exposure_share:
        return Band.ORDINARY
    return Band.MINOR


_L, _M, _H = Level.LOW, Level.MEDIUM, Level.HIGH
MATRIX: dict[HealthState, tuple[Level | None, ...]] = {
    HealthState.NORMAL: (None, None, _L, _M),
    HealthState.WATCH: (Level.INFO, _M, _M, _M),
    HealthState.DISTRESSED: (_M, _H, _H, _H),
    HealthState.FAILED: (_H, _H, _H, _H),
}


def warning_level(health: Health, band: Band, *, holds_directly: bool,
                  params: RiskParameters) -> Level | None:
    """The level for a custodian in ``health`` with exposure in ``band`` (None: no warning)."""
    return matrix_level(health.state, health.score, band, holds_directly=holds_directly,
                        params=params)


def matrix_level(state: HealthState, score: float, band: Band, *, holds_directly: bool,
                 params: RiskParameters) -> Level | None:
    """:func:`warning_level` from the state and score alone (the backtest's fast path)."""
    if state is HealthState.FAILED and holds_directly:
        return Level.CRITICAL
    level = MATRIX[state][band]
    if state is HealthState.NORMAL:
        if level is not None and level.rank > params.concentration_cap.rank:
            level = params.concentration_cap
        if score >= params.score_low and band >= Band.ORDINARY:
            level = Level.LOW if level is None else Level.highest(level, Level.LOW)
        elif (score >= params.score_info and band >= Band.ORDINARY) or (
                score >= params.score_low):
            level = Level.INFO if level is None else level
    return level
