"""The one registration point for risk signals.

Each signal is a small module exposing ``SIGNAL`` (see
:class:`~exposure_app.risk.signals.base.Signal`): a name, the categories its
evidence carries (severity and half-life per category live in
:mod:`exposure_app.risk.categories`) and a pure ``evidence`` function.
:func:`exposure_app.risk.health.assess_health` iterates :data:`SIGNALS`; a new
signal is added here and nowhere else.

Price signals (own-token drawdown, depeg: :mod:`exposure_app.risk.price_signals`)
and withdrawal friction are detected by pure functions over cached data and
arrive as derived events, so :mod:`.own_events` scores them.
"""

from __future__ import annotations

from exposure_app.risk.signals import contagion, own_events
from exposure_app.risk.signals.base import Evidence, RiskInputs, Signal

SIGNALS: tuple[Signal, ...] = (
    own_events.SIGNAL,
    contagion.SIGNAL,
)

__all__ = ["SIGNALS", "Evidence", "RiskInputs", "Signal"]
