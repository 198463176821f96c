"""Accounts with their kind, custodian, status, last sync, coverage and key permissions.

Threading: GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtGui import QBrush, QColor

from exposure_app.domain.balances import KeyPermissions, PermissionLevel
from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.labels import account_kind_label, coverage_label
from exposure_app.domain.models import AccountKind
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.formatting import format_last_good, last_good_age
from exposure_app.ui.models.freshness_model import (
    STATE_COLOURS,
    STATE_LABELS,
    freshness_rows,
)
from exposure_app.ui.models.table_model import Column, RowTableModel, TableColumns, time_key

PERMISSION_TEXT = {
    PermissionLevel.READ_ONLY: "Read-only",
    PermissionLevel.TRADE: "Can trade!",
    PermissionLevel.WITHDRAW: "Can withdraw!",
    PermissionLevel.UNKNOWN: "Unknown",
}


@dataclass(frozen=True, slots=True)
class AccountRow:
    account_id: int
    name: str
    kind: AccountKind
    counterparty: str
    exchange_id: str
    state: str
    detail: str
    last_sync: datetime | None
    coverage: tuple[str, ...]
    permissions: KeyPermissions | None
    coverage_text: str = "—"    # labels.coverage_label: wallets read, the watched address,
    #                             or "entered by hand" (a hand-recorded account's "main")


def account_rows(store: ProfileStore, report: ExposureReport, directory: CounterpartyDirectory,
                 live_status: dict[int, str] | None = None) -> list[AccountRow]:
    fresh = {r.account_id: r for r in freshness_rows(report, live_status)}
    rows = []
    for state in report.accounts:
        account = state.account
        f = fresh[account.id]
        permissions = None
        repo = getattr(store, "exchange_state", None)
        if account.kind is AccountKind.EXCHANGE_API and repo is not None:
            found = repo.permissions(account.id)
            permissions = found[0] if found else None
        rows.append(AccountRow(
            account.id, account.name, account.kind,
            directory.name(account.counterparty) if account.counterparty else "—",
            account.exchange_id or "", f.state, f.detail, f.last_good,
            state.snapshot.coverage if state.snapshot else (), permissions,
            coverage_label(account, state.snapshot),
        ))
    return rows


def _permissions_text(r: AccountRow) -> str:
    if r.kind is not AccountKind.EXCHANGE_API:
        return "—"
    return PERMISSION_TEXT[r.permissions.level] if r.permissions else "Not checked yet"


def _status_text(r: AccountRow) -> str:
    return STATE_LABELS[r.state] if r.state != "syncing" else f"Syncing: {r.detail}"


class AccountsModel(RowTableModel):
    class Columns(TableColumns):
        NAME = Column("Account", lambda r: r.name)
        KIND = Column("Kind", lambda r: account_kind_label(r.kind))
        COUNTERPARTY = Column("Custodian", lambda r: r.counterparty)
        STATUS = Column("Status", _status_text)
        LAST_SYNC = Column("Last good data", sort=lambda r: time_key(r.last_sync))
        PERMISSIONS = Column("Key permissions", _permissions_text)
        COVERAGE = Column("Coverage (wallets read)", lambda r: r.coverage_text)

    #: the instant ages count from: ``None`` for now (live), else the window's as-of date
    as_of: datetime | None = None

    def display(self, r: AccountRow, c) -> str:
        if c == self.Columns.LAST_SYNC:
            return format_last_good(r.last_sync, self.as_of)
        return super().display(r, c)

    def short(self, r: AccountRow, c):
        # what a column too narrow for the whole text shows (the tooltip has the whole)
        if c == self.Columns.LAST_SYNC and r.last_sync is not None:
            return last_good_age(r.last_sync, self.as_of)          # "652 days ago"
        if c == self.Columns.STATUS and r.state == "syncing":
            return STATE_LABELS[r.state]                             # "Syncing…"
        return None

    def foreground(self, r: AccountRow, c):
        if c == self.Columns.STATUS:
            return QBrush(QColor(STATE_COLOURS[r.state]))
        if c == self.Columns.PERMISSIONS and r.permissions is not None and \
                r.permissions.is_dangerous:
            return QBrush(QColor("#d93025"))
        return None

    def tooltip(self, r: AccountRow, c):
        # the page narrows these columns to fit its width: the tooltip has the whole text
        if c in (self.Columns.NAME, self.Columns.KIND, self.Columns.COUNTERPARTY,
                 self.Columns.LAST_SYNC):
            return self.display(r, c)
        if c == self.Columns.PERMISSIONS and r.permissions is not None:
            if r.permissions.is_dangerous:
                return ("This key can move funds. Exposure only reads balances: replace it with a "
                        "read-only key.")
            return r.permissions.detail or None
        if c == self.Columns.STATUS:
            status = _status_text(r)
            return status if not r.detail or r.detail in status else f"{status}: {r.detail}"
        if c == self.Columns.COVERAGE and r.coverage_text != "—":
            return r.coverage_text
        return None
