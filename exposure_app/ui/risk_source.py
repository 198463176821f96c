"""The GUI's door to the risk engine's warnings.

Keeps every page independent of the engine's exact record types: pages ask
this module for a warning's counterparty, level, reasons and cited events.

Threading: GUI thread (reads the GUI's store).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

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


def warning_reasons(warning: object) -> tuple[str, ...]:
    return tuple(str(r) for r in getattr(warning, "reasons", ()) or ())


def warning_events(warning: object) -> tuple[object, ...]:
    return tuple(getattr(warning, "events", ()) or ())


def warning_action(warning: object) -> str:
    return str(getattr(warning, "action", "") or getattr(warning, "suggested_action", "") or "")
