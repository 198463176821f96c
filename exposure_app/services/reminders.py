"""Withdrawal-test reminders: prove, now and then, that a custodian still pays out.

Rules (also in ``docs/reports.md``):

* Every custodian that holds something for you has a schedule: every
  ``Settings.withdrawal_test_interval_days`` days (default 90; 0 turns all
  reminders off), or a per-custodian interval (0 = off for that custodian).
* The next test is due ``interval`` days after the last recorded test, or,
  if none was ever recorded, after the account was added to Exposure (or the
  first snapshot that showed holdings there, if that is later). Why the
  added-at time: history imported back to 2022 does not mean the user has
  owed a test since 2022; and a new account is not nagged on day one.
* The user records the result: ``worked``, ``delayed`` or ``failed``. A
  ``failed`` test becomes an unresolved ``withdrawal_halt`` user event; a
  ``delayed`` one a ``withdrawal_halt`` event resolved on the day of the test
  (the money arrived, late). Both feed the risk engine like any user event.
  A ``worked`` test resolves, on its day, the events of earlier failed tests
  at that custodian: withdrawals work again, as far as the user can tell.
* A custodian whose withdrawals are blocked (an unresolved halt or
  insolvency, or defunct: ``risk.withdrawal_blocks``) is never due: no test
  can be made there, and its checklist items ask for a claim instead. Its
  reminder says why. The user's own failed test does not count here: trying
  again is how the user learns that withdrawals work again.
* Proof of Keys day (3 January, the anniversary of Bitcoin's genesis block): when the
  ``proof_of_keys_reminder`` setting is on, :func:`proof_of_keys_prompt` offers, from
  3 to 9 January each year, to withdraw what can be withdrawn and verify it arrived
  (a checklist withdrawal with a watched destination is ticked when it does).
* Time comes from an injectable clock (``now``) so tests use a fixed one.

Threading: every function runs on the thread that owns ``store``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.models import AccountState
from exposure_app.domain.timeutil import ensure_utc, from_storage, to_storage, utc_now
from exposure_app.risk.events import format_published
from exposure_app.services.risk_service import (
    add_user_event,
    edit_user_event,
    withdrawals_blocked,
)
from exposure_app.services.settings import Settings
from exposure_app.storage.checklist import TEST_RESULTS, ReminderRepository, WithdrawalTest
from exposure_app.storage.store import ProfileStore

log = logging.getLogger(__name__)

#: Ids of the events made from the user's failed or delayed test withdrawals.
TEST_EVENT_PREFIX = "user.withdrawal-test."


class ReminderError(ValueError):
    """Bad input for a reminder or test result; the message says why."""


@dataclass(frozen=True, slots=True)
class Reminder:
    """The withdrawal-test schedule of one custodian as of ``now``."""

    counterparty: str
    name: str
    interval_days: int
    custom_interval: bool
    last_test: WithdrawalTest | None
    anchor: datetime
    due_at: datetime | None
    now: datetime
    withdrawals_blocked: str = ""
    """Why no test can be made there now (empty when withdrawals are expected to work)."""

    @property
    def enabled(self) -> bool:
        return self.interval_days > 0

    @property
    def is_due(self) -> bool:
        return (not self.withdrawals_blocked and self.due_at is not None
                and self.due_at <= self.now)

    @property
    def overdue_days(self) -> int:
        if not self.is_due or self.due_at is None:
            return 0
        return (self.now - self.due_at).days

    @property
    def message(self) -> str:
        last = ("never tested" if self.last_test is None else
                f"last test {self.last_test.tested_at:%Y-%m-%d} ({self.last_test.result})")
        if self.withdrawals_blocked:
            return (f"{self.name}: no test withdrawal is possible; withdrawals are blocked: "
                    f"{self.withdrawals_blocked}")
        if not self.enabled:
            return f"{self.name}: withdrawal-test reminder off ({last})"
        if self.is_due:
            return (f"{self.name}: time for a small test withdrawal ({last}; "
                    f"due {self.due_at:%Y-%m-%d})")
        return f"{self.name}: next test withdrawal due {self.due_at:%Y-%m-%d} ({last})"


def _held_custodians(store: ProfileStore, directory: CounterpartyDirectory, now: datetime,
                     states: Iterable[AccountState] | None = None) -> dict[str, datetime]:
    """Custodians holding something now -> when the reminder clock starts there.

    Per account: the first snapshot that showed holdings, or when the account
    was added if that is later (imported history is older than the account);
    per custodian the earliest of its accounts.

    ``states`` (the as-of view the caller already has, e.g. the GUI's) saves
    reading every account's snapshot again; only one index query per account
    is left.
    """
    if states is None:
        states = store.snapshots.states(store.accounts.list(), now)
    out: dict[str, datetime] = {}
    for state in states:
        account = state.account
        if not account.is_custodial or not account.counterparty:
            continue
        if state.snapshot is None or not any(h.total > 0 for h in state.snapshot.holdings):
            continue
        cp = directory.resolve(account.counterparty)
        row = store.db.execute(
            "SELECT min(s.taken_at) FROM snapshots s WHERE s.account_id = ? AND s.usable = 1 "
            "AND s.taken_at <= ? AND EXISTS (SELECT 1 FROM holdings h WHERE h.snapshot_id = s.id)",
            [account.id, to_storage(now)],
        ).fetchone()
        first = from_storage(row[0]) if row and row[0] else state.snapshot.taken_at
        if account.created_at is not None:
            first = max(first, min(ensure_utc(account.created_at), now))
        out[cp] = min(out.get(cp, first), first)
    return out


def reminders(store: ProfileStore, settings: Settings, *, now: datetime | None = None,
              directory: CounterpartyDirectory | None = None,
              states: Iterable[AccountState] | None = None) -> list[Reminder]:
    """Every held custodian's schedule, due ones first (most overdue first), then by name.

    ``states``: the accounts as of ``now`` if the caller has them already.
    """
    now = ensure_utc(now or utc_now())
    directory = directory or store.risk.directory()
    repo = ReminderRepository(store)
    overrides = repo.intervals()
    last_tests = repo.last_tests()
    default = settings.withdrawal_test_interval_days
    held = _held_custodians(store, directory, now, states)
    # the user's own failed tests do not count: trying again is how they learn (module doc)
    blocked = (withdrawals_blocked(store, now, directory, ignore_ids_starting=TEST_EVENT_PREFIX)
               if held else {})
    out = []
    for cp, first_held in held.items():
        custom = overrides.get(cp)
        interval = default if custom is None else custom
        last = last_tests.get(cp)
        if last is not None and last.tested_at > now:
            last = None
        anchor = last.tested_at if last is not None else first_held
        due_at = anchor + timedelta(days=interval) if interval > 0 else None
        out.append(Reminder(cp, directory.name(cp), interval, custom is not None, last, anchor,
                            due_at, now, blocked.get(cp, "")))
    out.sort(key=lambda r: (not r.is_due, r.due_at or datetime.max.replace(tzinfo=now.tzinfo),
                            r.name.lower()))
    return out


def due_reminders(store: ProfileStore, settings: Settings, *, now: datetime | None = None,
                  directory: CounterpartyDirectory | None = None,
                  states: Iterable[AccountState] | None = None) -> list[Reminder]:
    """The reminders due now (for the overview and the tray notification)."""
    return [r for r in reminders(store, settings, now=now, directory=directory, states=states)
            if r.is_due]


def set_interval(store: ProfileStore, counterparty: str, days: int | None, *,
                 directory: CounterpartyDirectory | None = None, now: datetime | None = None) -> str:
    """Per-custodian interval in days (0 = off, ``None`` = back to the default)."""
    directory = directory or store.risk.directory()
    if days is not None and not 0 <= days <= 3650:
        raise ReminderError("the interval must be between 0 (off) and 3650 days")
    cp = directory.resolve(counterparty)
    ReminderRepository(store).set_interval(cp, days, now=now)
    return cp


def record_test(
    store: ProfileStore, counterparty: str, result: str, *, tested_at: datetime | None = None,
    asset: str | None = None, network: str | None = None, note: str = "",
    now: datetime | None = None, directory: CounterpartyDirectory | None = None,
) -> WithdrawalTest:
    """Record a test result; ``failed``/``delayed`` also add a user event (see module doc)."""
    directory = directory or store.risk.directory()
    now = ensure_utc(now or utc_now())
    tested_at = ensure_utc(tested_at or now)
    if result not in TEST_RESULTS:
        raise ReminderError(f"result must be one of {', '.join(TEST_RESULTS)}")
    if tested_at > now + timedelta(minutes=5):
        raise ReminderError("a test cannot be recorded in the future")
    if len(note) > 2000:
        raise ReminderError("a note can be at most 2000 characters")
    cp = directory.resolve(counterparty)
    repo = ReminderRepository(store)
    with store.transaction():
        test_id = repo.record_test(cp, tested_at, result, asset=asset, network=network,
                                   note=note.strip(), now=now)
        event_id = None
        if result in ("failed", "delayed"):
            event_id = _record_event(store, directory, cp, test_id, tested_at, result, asset, note)
            if event_id is not None:
                repo.set_event_id(test_id, event_id)
        else:
            _resolve_failed_tests(store, cp, tested_at)
    for test in repo.tests(cp):
        if test.id == test_id:
            return test
    raise AssertionError("recorded test not found")  # pragma: no cover


def _resolve_failed_tests(store: ProfileStore, cp: str, tested_at: datetime) -> None:
    """A test that worked resolves the open events of earlier failed tests at ``cp``."""
    day = tested_at.astimezone(UTC).date()
    for event in store.risk.list(counterparty=cp):
        if (event.id.startswith(f"{TEST_EVENT_PREFIX}{cp}.") and event.resolved is None
                and event.date <= day):
            edit_user_event(store, event.id, {"resolved": {
                "date": day.isoformat(), "note": "a later test withdrawal worked"}})


def event_for_test(directory: CounterpartyDirectory, cp: str, test_id: int, tested_at: datetime,
                   result: str, asset: str | None, note: str) -> dict[str, Any]:
    """The user event (in the shared events schema) for a failed or delayed test."""
    name = directory.name(cp)
    what = f"{asset} " if asset else ""
    day = tested_at.date().isoformat()
    event: dict[str, Any] = {
        "id": f"{TEST_EVENT_PREFIX}{cp}.{test_id}",
        "date": day,
        "published": format_published(tested_at.astimezone(UTC).replace(microsecond=0)),
        "counterparty": cp,
        "category": "withdrawal_halt",
        "title": (f"My test withdrawal {what}from {name} failed" if result == "failed"
                  else f"My test withdrawal {what}from {name} was delayed"),
        "summary": (f"A small test withdrawal recorded on {day} "
                    + ("did not go through." if result == "failed" else "arrived late.")
                    + (f" Note: {note.strip()}" if note.strip() else "")),
        "sources": [],   # filled in by _record_event
    }
    if result == "delayed":
        event["resolved"] = {"date": day, "note": "the withdrawal arrived late"}
    return event


def _record_event(store: ProfileStore, directory: CounterpartyDirectory, cp: str, test_id: int,
                  tested_at: datetime, result: str, asset: str | None, note: str) -> str | None:
    """Add the user event through the risk engine (same validation as any user event).

    The events schema needs a source URL: the custodian's website from the
    catalogue (where the test was made). A custodian without one gets no
    event (logged); the test itself is still recorded.
    """
    event = event_for_test(directory, cp, test_id, tested_at, result, asset, note)
    counterparty = directory.get(cp)
    if counterparty is None or not counterparty.website:
        log.warning("no website for %s: the %s withdrawal test is recorded without an event", cp, result)
        return None
    event["sources"] = [counterparty.website]
    return add_user_event(store, event).id


PROOF_OF_KEYS_DAYS = 7
"""How many days from 3 January the Proof of Keys prompt stays up."""


def proof_of_keys_prompt(settings: Settings, *, now: datetime | None = None) -> str | None:
    """The yearly Proof of Keys prompt, if the setting is on and it is that week."""
    if not settings.proof_of_keys_reminder:
        return None
    today = ensure_utc(now or utc_now()).date()
    start = today.replace(month=1, day=3)
    if not start <= today < start + timedelta(days=PROOF_OF_KEYS_DAYS):
        return None
    return (f"Proof of Keys day ({start:%d %B %Y}): withdraw what you can from custodians to a "
            "wallet whose keys you hold, and verify it arrived (give the checklist item a "
            "watched destination and a sync ticks it).")
