"""The GUI's door to the risk engine's warnings.

Pages ask this module for a warning's counterparty, level, reasons and cited
events, and for the warnings in the order the overview shows them.

Threading: GUI thread (reads the GUI's store).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from exposure_app.domain.exposure import ExposureReport
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.scoring import Level
from exposure_app.risk.warnings import RiskWarning, warning_order
from exposure_app.services import risk_service
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


def warnings_as_of(store: ProfileStore, settings: Settings, as_of: datetime,
                   report: ExposureReport | None = None) -> tuple[RiskWarning, ...]:
    """The warnings as of ``as_of``, most severe first.

    ``report``: the exposure report as of ``as_of``, if already computed.
    """
    return risk_service.warnings_as_of(store, settings, as_of, report=report).warnings


def warning_counterparty(warning: RiskWarning) -> str:
    return warning.counterparty


def warning_name(warning: RiskWarning) -> str:
    return warning.name or warning.counterparty


def warning_level(warning: RiskWarning) -> Level:
    return warning.level


_ZERO_SHARE = re.compile(r"(?<![\d.])0\.0%")


def warning_reasons(warning: RiskWarning) -> tuple[str, ...]:
    """The engine's reasons; a share that rounds to "0.0%" reads "less than 0.1%" (a tiny
    exposure is said to be tiny, not shown as nothing)."""
    return tuple(_ZERO_SHARE.sub("less than 0.1%", r) for r in warning.reasons)


def warning_events(warning: RiskWarning) -> tuple[RiskEvent, ...]:
    return warning.events


# "see the self-custody checklist: exposure-app checklist binance" (the engine's words
# for the CLI); in the window the card's own Checklist button opens that plan.
_CLI_CHECKLIST = re.compile(
    r"\s*[;:,]?\s*(?:see the self-custody checklist:?\s*)?`?exposure-app checklist"
    r"(?: [\w.-]+)?`?", re.IGNORECASE)


def gui_words(text: str) -> str:
    """Engine text fit for the window: no CLI commands (the GUI links to its pages)."""
    if not _CLI_CHECKLIST.search(text):
        return text.strip()
    return _CLI_CHECKLIST.sub("; the Checklist button opens the plan", text).strip() + "."


def warning_action(warning: RiskWarning) -> str:
    return gui_words(warning.action)


def warning_at_stake(warning: RiskWarning) -> Decimal:
    """What the user stands to lose with this warning: its exposure value."""
    return warning.exposure.value


def warning_share(warning: RiskWarning) -> Decimal:
    return warning.exposure.share


def in_shown_order(warnings: Sequence[RiskWarning]) -> tuple[RiskWarning, ...]:
    """Warnings in the risk engine's one order (level, then value at stake), the
    order the CLI prints too."""
    return warning_order(warnings)


TINY_SHARE = Decimal("0.01")
"""Below this share of net worth an exposure is worded as tiny on the warning cards."""


def is_tiny_exposure(warning: RiskWarning) -> bool:
    return warning_at_stake(warning) > 0 and warning_share(warning) < TINY_SHARE
