"""Per-account freshness for the overview: last good sync, stale or failed, why.

Threading: GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtGui import QBrush, QColor

from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.labels import (
    account_kind_label,
    coverage_label,
    wallet_label,
    wallet_list,
)
from exposure_app.domain.models import AccountKind, SnapshotStatus
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.ui.formatting import format_last_good
from exposure_app.ui.models.table_model import Column, RowTableModel, TableColumns, time_key


@dataclass(frozen=True, slots=True)
class FreshnessRow:
    account_id: int
    account: str
    kind: AccountKind
    state: str          # ok, partial, stale, failed, never, syncing
    last_good: datetime | None
    detail: str


def _synced(account) -> bool:
    """Read by a sync (an exchange account or a watched address), not recorded by hand."""
    return account.kind is AccountKind.EXCHANGE_API or is_watch_only(account)


def freshness_rows(report: ExposureReport, live_status: dict[int, str] | None = None,
                   ) -> list[FreshnessRow]:
    live_status = live_status or {}
    rows = []
    for state in report.accounts:
        account = state.account
        snapshot = state.snapshot
        detail = ""
        if snapshot is None:
            if state.stale_reason:
                status = "failed"
            else:   # a hand-recorded account is never "synced": it is just empty
                status = "never" if account.kind is AccountKind.EXCHANGE_API else "empty"
            detail = state.stale_reason or (
                "not synced yet" if account.kind is AccountKind.EXCHANGE_API else
                "no holdings recorded yet: add them on the Holdings page")
        elif state.is_stale:
            status = "stale"
            detail = f"last sync failed: {state.stale_reason}"
        elif snapshot.status is SnapshotStatus.PARTIAL:
            status = "partial"
            detail = "missing: " + "; ".join(f"{wallet_label(w)} ({why})"
                                             for w, why in snapshot.missing.items())
        else:
            status = "ok" if _synced(account) else "manual"
            if account.kind is AccountKind.EXCHANGE_API:
                detail = "wallets: " + wallet_list(snapshot.coverage) if snapshot.coverage else ""
            else:   # not "wallets: main": a watched address's source, or how it was recorded
                detail = coverage_label(account, snapshot)
        if account.id in live_status:
            status, detail = "syncing", live_status[account.id]
        rows.append(FreshnessRow(account.id, account.name, account.kind, status,
                                 snapshot.taken_at if snapshot else None, detail))
    return rows


STATE_COLOURS = {"ok": "#2e9d5b", "manual": "#5b7fa6", "partial": "#d49a00", "stale": "#e8710a",
                 "failed": "#d93025", "never": "#8a94a6", "empty": "#8a94a6",
                 "syncing": "#5b7fa6"}
STATE_LABELS = {"ok": "Up to date", "manual": "Recorded by hand", "partial": "Partial",
                "stale": "Stale", "failed": "Failed", "never": "Never synced",
                "empty": "Nothing recorded yet", "syncing": "Syncing…"}
AS_OF_LABELS = {"ok": "Synced", "syncing": "Synced"}
"""In an as-of view "Up to date" would be a claim about today; the state is the capture's."""


class FreshnessModel(RowTableModel):
    class Columns(TableColumns):
        ACCOUNT = Column("Account", lambda r: r.account)
        KIND = Column("Kind", lambda r: account_kind_label(r.kind))
        STATE = Column("Status")              # the words depend on the as-of date
        LAST_GOOD = Column("Last good data", sort=lambda r: time_key(r.last_good))
        DETAIL = Column("Detail", lambda r: r.detail)

    #: the instant ages count from: ``None`` for now (live), else the window's as-of date
    as_of: datetime | None = None

    def display(self, r: FreshnessRow, c) -> str:
        if c == self.Columns.LAST_GOOD:
            return format_last_good(r.last_good, self.as_of)
        if c == self.Columns.STATE:
            return (AS_OF_LABELS if self.as_of is not None else {}).get(r.state,
                                                                        STATE_LABELS[r.state])
        return super().display(r, c)

    def foreground(self, r: FreshnessRow, c):
        if c == self.Columns.STATE:
            return QBrush(QColor(STATE_COLOURS[r.state]))
        return None

    def tooltip(self, r: FreshnessRow, c):
        if c == self.Columns.ACCOUNT:
            return r.account   # the full name of an elided one
        if c == self.Columns.LAST_GOOD:
            return self.display(r, c) if r.last_good else None   # the age and the instant
        return r.detail or None
