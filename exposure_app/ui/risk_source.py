"""The GUI's door to the risk engine's warnings.

Keeps every page independent of the engine's exact record types: pages ask
this module for a warning's counterparty, level, reasons and cited events.

Threading: GUI thread (reads the GUI's store).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


def _risk_service():
    try:
        from exposure_app.services import risk_service
    except ModuleNotFoundError as exc:
        if exc.name != "exposure_app.services.risk_service":
            raise
        return None
    return risk_service


def warnings_as_of(store: ProfileStore, settings: Settings, as_of: datetime,
                   report: object | None = None) -> Sequence[object]:
    """The warnings as of ``as_of``, most severe first (empty without an engine).

    ``report``: the exposure report as of ``as_of``, if already computed.
    """
    service = _risk_service()
    if service is None:
        return ()
    result = service.warnings_as_of(store, settings, as_of, report=report)
    return tuple(getattr(result, "warnings", result))


def warning_counterparty(warning: object) -> str:
    return str(getattr(warning, "counterparty", "") or "")


def warning_name(warning: object) -> str:
    return str(getattr(warning, "name", None) or warning_counterparty(warning))


def warning_level(warning: object) -> object:
    return getattr(warning, "level", None)


_ZERO_SHARE = re.compile(r"(?<![\d.])0\.0%")


def warning_reasons(warning: object) -> tuple[str, ...]:
    """The engine's reasons; a share that rounds to "0.0%" reads "less than 0.1%" (a tiny
    exposure is said to be tiny, not shown as nothing)."""
    return tuple(_ZERO_SHARE.sub("less than 0.1%", str(r))
                 for r in getattr(warning, "reasons", ()) or ())


def warning_events(warning: object) -> tuple[object, ...]:
    return tuple(getattr(warning, "events", ()) or ())


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


def warning_action(warning: object) -> str:
    action = str(getattr(warning, "action", "") or getattr(warning, "suggested_action", "") or "")
    return gui_words(action)


def warning_at_stake(warning: object) -> Decimal:
    """What the user stands to lose with this warning: its exposure value (zero if none)."""
    exposure = getattr(warning, "exposure", None)
    value = getattr(exposure, "value", None) if exposure is not None else None
    return value if isinstance(value, Decimal) else Decimal(0)


def warning_share(warning: object) -> Decimal | None:
    exposure = getattr(warning, "exposure", None)
    value = getattr(exposure, "share", None) if exposure is not None else None
    return Decimal(str(value)) if value is not None else None


def _level_rank(warning: object) -> int:
    rank = getattr(warning_level(warning), "rank", 0)
    return rank if isinstance(rank, int) else 0


def by_value_at_stake(warnings: Sequence[object]) -> tuple[object, ...]:
    """Warnings ordered by what the user stands to lose, most first.

    Why: a ``medium`` warning about 119 USD must not sit above a ``high`` or
    ``low`` one about a quarter of the net worth. Equal values keep the more
    severe level first, then the name.
    """
    return tuple(sorted(warnings, key=lambda w: (-warning_at_stake(w), -_level_rank(w),
                                                  warning_name(w))))


TINY_SHARE = Decimal("0.01")
"""Below this share of net worth an exposure is worded as tiny on the warning cards."""


def is_tiny_exposure(warning: object) -> bool:
    share = warning_share(warning)
    return share is not None and warning_at_stake(warning) > 0 and share < TINY_SHARE
