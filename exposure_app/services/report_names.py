"""The reports the app can write, by name, with a one-line description each.

Kept apart from :mod:`exposure_app.services.reports` (which writes them and
imports every report's data source) so that a page can label its Export…
button without loading all of that while the window is being opened.
"""

from __future__ import annotations

REPORTS: dict[str, str] = {
    "exposure": "per counterparty: direct, affiliated, total, share, level",
    "holdings": "every holding of each account's latest snapshot (or all snapshots)",
    "history": "one row per day per custodian",
    "warnings": "the current warnings with cited events and sources",
    "checklist": "the self-custody plan with progress",
    "events": "the risk event history (shipped, yours, derived)",
    "suggestions": "events suggested from news, with their evidence and review status",
}
