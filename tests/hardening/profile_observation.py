"""What a profile holds, read through the repositories and services, as plain JSON.

Used by ``make_v1_fixture.py`` (to record what the release-1 profile held
when it was written) and by ``test_upgrade_release1.py`` (to read the same
profile after loading and migrating it). ``AS_OF`` is fixed so the exposure
is computed for the same moment both times.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from exposure_app.domain.timeutil import parse_instant
from exposure_app.risk.events import Origin
from exposure_app.services import exposure_as_of, risk_service
from exposure_app.services.settings import Settings
from exposure_app.storage.checklist import ChecklistRepository, ReminderRepository
from exposure_app.storage.store import ProfileStore


def plain(value: Any) -> Any:
    """Dataclasses, enums, Decimals and datetimes as JSON values (Decimal as its text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    return value


def observe(store: ProfileStore, settings: Settings, as_of: str) -> dict[str, Any]:
    moment = parse_instant(as_of)
    accounts = store.accounts.list()
    snapshots = {}
    for account in accounts:
        rows = []
        for snap in store.snapshots.list_for_account(account.id):
            rows.append({"snapshot": plain(snap), "holdings": plain(store.snapshots.holdings(snap.id))})
        snapshots[account.name] = rows
    prices = {f"{asset}/{quote}": plain(store.prices.latest(asset, quote, moment))
              for asset, quote in store.db.execute(
                  "SELECT DISTINCT asset, quote FROM prices ORDER BY asset, quote")}
    checklist = ChecklistRepository(store)
    plans = []
    for plan in checklist.plans():
        plans.append({"plan": plain(plan), "items": plain(checklist.items(plan.id)),
                      "progress": plain(checklist.progress(plan.id))})
    reminders = ReminderRepository(store)
    report = exposure_as_of.exposure_as_of(store, settings, moment)
    warnings = risk_service.warnings_as_of(store, settings, moment)
    return {
        "accounts": plain(accounts),
        "states": plain(store.snapshots.states(accounts, moment)),
        "snapshots": snapshots,
        "prices": prices,
        "user_events": plain(store.risk.list(origin=Origin.USER)),
        "checklist": plans,
        "reminder_intervals": plain(reminders.intervals()),
        "withdrawal_tests": plain(reminders.tests()),
        "exposure": plain(report),
        "warnings": plain(warnings),
    }
