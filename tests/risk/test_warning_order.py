"""The one order warnings are shown in: level first, then value at stake, then id."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.risk.scoring import Level
from exposure_app.risk.warnings import RiskWarning, WarningExposure, warning_order


def _warning(counterparty: str, level: Level, value: str) -> RiskWarning:
    v = Decimal(value)
    return RiskWarning(counterparty=counterparty, name=counterparty.title(), level=level,
                       score=0.0, exposure=WarningExposure(v, Decimal("0.1"), v, Decimal(0)),
                       reasons=(), events=(), action="")


def test_a_high_warning_about_little_sits_above_a_medium_one_about_much():
    warnings = [_warning("big", Level.MEDIUM, "90000"), _warning("small", Level.HIGH, "119"),
                _warning("failed", Level.CRITICAL, "5"), _warning("bigger", Level.MEDIUM, "95000"),
                _warning("also-big", Level.MEDIUM, "90000")]
    ordered = [w.counterparty for w in warning_order(warnings)]
    assert ordered == ["failed", "small", "bigger", "also-big", "big"]
