"""The ``exposure``, ``holdings`` and ``history`` reports: columns and rows.

Each report is a list of :class:`~exposure_app.reports.csv_safe.Column` and a
generator of rows (typed values; :mod:`csv_safe` formats them). Generators
never build the whole report in memory: ``holdings`` reads one account's latest
snapshot at a time, its full history and ``history`` come from the store
through a cursor, row by row. Holdings are read through the store's
repositories; only :func:`all_holdings_cells`, the export's fast path, builds
its lines in SQL.

Threading: run on the thread that owns the store passed in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.models import Holding
from exposure_app.domain.money import round_money, share, to_text
from exposure_app.domain.timeutil import to_storage
from exposure_app.reports.csv_safe import (
    Column,
    Kind,
    PreformattedLines,
    format_cell,
    money_or_none,
    neutralise,
)
from exposure_app.storage.store import ProfileStore

T, D, TM, B, DT = Kind.TEXT, Kind.DECIMAL, Kind.TIME, Kind.BOOL, Kind.DATE

EXPOSURE_COLUMNS = (
    Column("as_of", TM, "the instant the figures are for"),
    Column("base_currency", T, "currency of every value column"),
    Column("group", T, "custodian, or issuer (stablecoin issuers, exposed through their coins)"),
    Column("counterparty", T, "counterparty id"),
    Column("name", T, "display name"),
    Column("direct", D, "value it holds for you (custodians; empty for issuers)"),
    Column("affiliated", D, "value of its own tokens held elsewhere (custodians; empty for issuers)"),
    Column("total", D, "direct + affiliated (issuers: value of their coins held anywhere)"),
    Column("share", D, "total as a fraction of net worth (0.25 = 25%)"),
    Column("level", T, "current warning level (info, low, medium, high, critical) or empty"),
    Column("accounts", T, "your accounts at this custodian, separated by '; '"),
)


def exposure_rows(report: ExposureReport, levels: Mapping[str, str]) -> Iterator[tuple]:
    cur = report.base_currency
    for c in report.counterparties:
        yield (report.as_of, cur, "custodian", c.counterparty, c.name, money_or_none(c.direct, cur),
               money_or_none(c.affiliated, cur), money_or_none(c.value, cur), c.share,
               levels.get(c.counterparty), "; ".join(c.accounts))
    for i in report.issuers:
        yield (report.as_of, cur, "issuer", i.issuer, i.name, None, None,
               money_or_none(i.value, cur), i.share, levels.get(i.issuer), None)


HOLDINGS_COLUMNS = (
    Column("as_of", TM, "the instant the report is for"),
    Column("account", T, "account name"),
    Column("account_kind", T, "exchange_api, manual_custodial or self_custody"),
    Column("counterparty", T, "custodian id; empty for self-custody"),
    Column("wallet", T, "wallet at the exchange (spot, funding, earn_locked...) or main"),
    Column("asset", T, "asset code"),
    Column("free", D, "amount that can be withdrawn now"),
    Column("locked", D, "amount locked (open orders, locked earn, staking)"),
    Column("total", D, "free + locked"),
    Column("price", D, "price per unit in the base currency; empty when unpriced"),
    Column("value", D, "total x price; empty when unpriced"),
    Column("base_currency", T, "currency of price and value"),
    Column("priced", B, "false when no price was found (the holding is not in the totals)"),
    Column("price_source", T, "where the price came from"),
    Column("snapshot_time", TM, "when the snapshot was taken"),
    Column("snapshot_status", T, "ok or partial"),
    Column("stale", B, "true when a later sync failed and these are the last good figures"),
    Column("stale_reason", T, "why the account could not be refreshed"),
)

def _holding_cells(h: Holding, base_currency: str) -> tuple:
    """The holding's cells, wallet .. price_source."""
    return (h.wallet, h.asset, h.free, h.locked, h.total, h.price,
            money_or_none(h.value, base_currency), base_currency, h.priced, h.price_source)


def holdings_rows(store: ProfileStore, as_of: datetime, base_currency: str) -> Iterator[tuple]:
    """Each account's holdings in its latest usable snapshot at or before ``as_of``."""
    for account in store.accounts.list():
        state = store.snapshots.state(account, as_of)
        snap = state.snapshot
        if snap is None:
            continue
        for h in snap.holdings:
            yield (as_of, account.name, account.kind.value, account.counterparty,
                   *_holding_cells(h, base_currency),
                   snap.taken_at, snap.status.value, state.is_stale, state.stale_reason)


def all_holdings_rows(store: ProfileStore, as_of: datetime, base_currency: str) -> Iterator[tuple]:
    """Every holding of every usable snapshot at or before ``as_of`` (the full history).

    Oldest first, streamed from the store (``SnapshotRepository.usable_holdings``);
    memory stays flat however long the history. ``stale`` is false here: each row
    is the capture as taken. The export writes :func:`all_holdings_cells`, which
    must give the same file; this typed path is what it is checked against.
    """
    accounts = {a.id: a for a in store.accounts.list()}
    for snap, h in store.snapshots.usable_holdings(as_of):
        account = accounts[snap.account_id]
        yield (as_of, account.name, account.kind.value, account.counterparty,
               *_holding_cells(h, base_currency), snap.taken_at, snap.status.value, False, None)


# Stored times are fixed-width ``...HH:MM:SS.ffffff+00:00``; ``datetime.isoformat``
# leaves out a zero fraction, so the report does too.
_SQL_TIME = ("CASE WHEN substr(s.taken_at, 20, 7) = '.000000' "
             "THEN substr(s.taken_at, 1, 19) || substr(s.taken_at, 27) ELSE s.taken_at END")


# A cell csv.writer quotes: one holding the separator, a quote or a line break.
_SQL_NEEDS_QUOTES = "'*[,\"' || char(10) || char(13) || ']*'"


def _sql_csv_field(expr: str, *, text: bool = True) -> str:
    """SQL giving column ``expr`` as it appears in the CSV line (NULL as an empty cell).

    ``text`` cells are neutralised first (:func:`csv_safe.neutralise`: a ``'``
    before a first character of = + - @ tab or CR, tested with ``unicode()``),
    then quoted where ``csv.writer`` would quote them (minimal quoting, quotes
    doubled).
    """
    escaped = f"replace({expr}, '\"', '\"\"')"
    quoted = f"'\"' || {escaped} || '\"'"
    if not text:
        return (f"CASE WHEN {expr} IS NULL THEN '' WHEN {expr} GLOB {_SQL_NEEDS_QUOTES} "
                f"THEN {quoted} ELSE {expr} END")
    neutral_quoted = f"'\"' || char(39) || {escaped} || '\"'"
    return (f"CASE WHEN {expr} IS NULL THEN '' "
            f"WHEN unicode({expr}) IN (61, 43, 45, 64, 9, 13) THEN "
            f"CASE WHEN {expr} GLOB {_SQL_NEEDS_QUOTES} THEN {neutral_quoted} "
            f"ELSE char(39) || {expr} END "
            f"WHEN {expr} GLOB {_SQL_NEEDS_QUOTES} THEN {quoted} ELSE {expr} END")


def all_holdings_cells(store: ProfileStore, as_of: datetime, base_currency: str) -> PreformattedLines:
    """:func:`all_holdings_rows` as finished CSV lines, built by SQLite.

    Stored amounts are already canonical decimal text (what ``to_text``
    writes) and never need quoting, so they pass through untouched; text
    cells are neutralised, quoted where ``csv.writer`` would quote them and
    times trimmed in SQL, and each row comes back as one line, so Python
    handles one string per holding instead of eighteen cells.
    ``tests/reports/test_fast_holdings.py`` checks that both paths write
    identical files.
    """
    q = _sql_csv_field

    def money_cell(text: str | None) -> str:   # the value column, rounded like money_or_none
        return "" if text is None else to_text(round_money(Decimal(text), base_currency))

    store.db.conn.create_function(_MONEY_SQL_FUNCTION, 1, money_cell, deterministic=True)
    fields = [
        "?", "a.name", "a.kind", "a.cp", q("h.wallet"), q("h.asset"),
        "h.free", "h.locked", "h.total", "coalesce(h.price, '')",
        f"{_MONEY_SQL_FUNCTION}(h.value)", "?",
        "CASE WHEN h.priced THEN 'true' ELSE 'false' END", q("h.price_source"), _SQL_TIME,
        q("s.status", text=False), "'false'", "''",
    ]
    line = " || ',' || ".join(fields)
    # Account cells are formatted once per account, not once per holding.
    cursor = store.db.execute(
        f"WITH a AS MATERIALIZED (SELECT id, {q('name')} AS name, "
        f"{q('kind', text=False)} AS kind, {q('counterparty')} AS cp FROM accounts) "
        f"SELECT {line} "
        "FROM snapshots s JOIN a ON a.id = s.account_id "
        "JOIN holdings h ON h.snapshot_id = s.id "
        "WHERE s.usable = 1 AND s.taken_at <= ? ORDER BY s.taken_at, s.id, h.id",
        [_csv_text(format_cell(as_of, Kind.TIME)), _csv_text(neutralise(base_currency)),
         to_storage(as_of)],
    )
    return PreformattedLines(cursor)


_MONEY_SQL_FUNCTION = "exposure_report_money"
"""SQLite function (registered per report) rounding a stored value to the base currency's cents."""


def _csv_text(cell: str) -> str:
    """One cell as ``csv.writer`` writes it (for the bound parameters of the SQL above)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([cell, ""])
    return out.getvalue()[:-1]   # drop the separator before the empty second cell


HISTORY_COLUMNS = (
    Column("date", DT, "the UTC day; figures are as of the end of that day"),
    Column("base_currency", T, "currency of every value column"),
    Column("counterparty", T, "custodian id"),
    Column("name", T, "display name"),
    Column("direct", D, "value the custodian held for you at the end of the day"),
    Column("share", D, "direct as a fraction of that day's net worth"),
    Column("custodial", D, "value held by all custodians that day"),
    Column("self_custody", D, "value in self-custody that day"),
    Column("net_worth", D, "custodial + self_custody"),
)


class HistoryPointLike(Protocol):
    """One day of history (``services.history.HistoryPoint``); read-only."""

    @property
    def day(self) -> Any: ...
    @property
    def by_counterparty(self) -> Mapping[str, Decimal]: ...
    @property
    def self_custody(self) -> Decimal: ...
    @property
    def custodial(self) -> Decimal: ...
    @property
    def net_worth(self) -> Decimal: ...


def history_rows(points: Iterable[HistoryPointLike], base_currency: str,
                 directory: CounterpartyDirectory) -> Iterator[tuple]:
    """One row per day per custodian (sorted by id within a day); ``points`` may be a generator."""
    cur = base_currency
    for p in points:
        for cp in sorted(p.by_counterparty):
            value = p.by_counterparty[cp]
            yield (p.day, cur, cp, directory.name(cp), money_or_none(value, cur),
                   share(value, p.net_worth), money_or_none(p.custodial, cur),
                   money_or_none(p.self_custody, cur), money_or_none(p.net_worth, cur))
