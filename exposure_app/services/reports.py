"""Writing reports: the one code path the CLI and the GUI both call.

``export REPORT --out FILE`` and File → Export end up in :func:`write_report`,
so the same report with the same "as of" instant is byte-identical whichever
way it was asked for. Files are written to a temporary file next to the
target and renamed into place: a failed export never leaves half a file.

Every report is one :class:`ReportSpec` in :data:`REPORT_SPECS` (name,
description, columns, rows); the CLI, the export dialog and the writer all read
that table. Columns are documented in ``docs/reports.md``. The checklist is also
written as Markdown through :func:`write_checklist_markdown`.

Threading: runs on the thread that owns ``store`` (the GUI runs it on a worker
with its own store for large reports).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.timeutil import utc_now
from exposure_app.reports.checklist_report import CHECKLIST_COLUMNS, checklist_rows
from exposure_app.reports.csv_safe import Column, PreformattedLines, write_csv
from exposure_app.reports.news_reports import SUGGESTIONS_COLUMNS, suggestions_rows
from exposure_app.reports.portfolio_reports import (
    EXPOSURE_COLUMNS,
    HISTORY_COLUMNS,
    HOLDINGS_COLUMNS,
    all_holdings_cells,
    exposure_rows,
    history_rows,
    holdings_rows,
)
from exposure_app.reports.risk_reports import (
    EVENTS_COLUMNS,
    WARNINGS_COLUMNS,
    events_rows,
    warnings_rows,
)
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


class ReportError(ValueError):
    """The report cannot be written as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class ReportOptions:
    as_of: datetime | None = None
    scope: str = "all"              # checklist: a counterparty id or "all" (checklist_service.ALL)
    all_snapshots: bool = False     # holdings: every snapshot, not only the latest


@dataclass(frozen=True, slots=True)
class ReportResult:
    name: str
    path: Path
    rows: int
    as_of: datetime


Rows = Iterable[Sequence[Any]] | PreformattedLines


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """What a report's rows are computed from; ``as_of`` is already resolved."""

    store: ProfileStore
    settings: Settings
    options: ReportOptions
    directory: CounterpartyDirectory
    as_of: datetime

    @property
    def base(self) -> str:
        return self.settings.base_currency


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """One report: its name (CLI argument, file stem), a one-line description
    (export dialog, page buttons), its columns and its lazy rows."""

    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[ReportRequest], Rows]


# The row functions import what they compute from when a report is written: the
# table itself stays light, as the Export… button on the first page reads it at start-up.

def _exposure_rows(r: ReportRequest) -> Rows:
    from exposure_app.services.checklist_service import risk_levels
    from exposure_app.services.exposure_as_of import exposure_as_of

    report = exposure_as_of(r.store, r.settings, r.as_of, r.directory)
    return exposure_rows(report, risk_levels(r.store, r.settings, r.as_of))


def _holdings_rows(r: ReportRequest) -> Rows:
    return (all_holdings_cells if r.options.all_snapshots else holdings_rows)(r.store, r.as_of, r.base)


def _history_rows(r: ReportRequest) -> Rows:
    from exposure_app.services.history import first_snapshot_day, iter_daily_history

    first = first_snapshot_day(r.store)
    points = iter_daily_history(r.store, first, r.as_of.date(), r.directory) if first else iter(())
    return history_rows(points, r.base, r.directory)


def _warnings_rows(r: ReportRequest) -> Rows:
    from exposure_app.services.risk_service import warnings_as_of

    warnings = warnings_as_of(r.store, r.settings, r.as_of).warnings
    return warnings_rows(list(warnings), r.as_of, r.base)


def _checklist_rows(r: ReportRequest) -> Rows:
    from exposure_app.services.checklist_service import view_checklist

    view = view_checklist(r.store, r.settings, r.options.scope, as_of=r.as_of, directory=r.directory)
    return checklist_rows(view.rows, as_of=r.as_of, scope=view.scope, base_currency=r.base)


def _events_rows(r: ReportRequest) -> Rows:
    """Every event published on or before ``as_of`` (no look-ahead), oldest first."""
    from exposure_app.services.risk_service import list_events

    day = r.as_of.date()
    return events_rows([e for e in list_events(r.store, r.settings, as_of=r.as_of) if e.known_on(day)])


def _suggestions_rows(r: ReportRequest) -> Rows:
    from exposure_app.storage.suggestions import SuggestionRepository

    return suggestions_rows(SuggestionRepository(r.store).list())


REPORT_SPECS: tuple[ReportSpec, ...] = (
    ReportSpec("exposure", "per counterparty: direct, affiliated, total, share, level",
               EXPOSURE_COLUMNS, _exposure_rows),
    ReportSpec("holdings", "every holding of each account's latest snapshot (or all snapshots)",
               HOLDINGS_COLUMNS, _holdings_rows),
    ReportSpec("history", "one row per day per custodian", HISTORY_COLUMNS, _history_rows),
    ReportSpec("warnings", "the current warnings with cited events and sources",
               WARNINGS_COLUMNS, _warnings_rows),
    ReportSpec("checklist", "the self-custody plan with progress", CHECKLIST_COLUMNS, _checklist_rows),
    ReportSpec("events", "the risk event history (shipped, yours, derived)",
               EVENTS_COLUMNS, _events_rows),
    ReportSpec("suggestions", "events suggested from news, with their evidence and review status",
               SUGGESTIONS_COLUMNS, _suggestions_rows),
)
REPORTS: Mapping[str, ReportSpec] = MappingProxyType({spec.name: spec for spec in REPORT_SPECS})


def report_spec(name: str) -> ReportSpec:
    """The spec of report ``name``; raises :class:`ReportError` for an unknown name."""
    spec = REPORTS.get(name)
    if spec is None:
        raise ReportError(f"unknown report {name!r}; one of: {', '.join(REPORTS)}")
    return spec


def report_table(store: ProfileStore, settings: Settings, name: str, options: ReportOptions,
                 directory: CounterpartyDirectory | None = None,
                 ) -> tuple[tuple[Column, ...], Rows, datetime]:
    """Columns and lazy rows for report ``name``."""
    spec = report_spec(name)
    as_of = options.as_of or utc_now()
    request = ReportRequest(store, settings, options, directory or store.risk.directory(), as_of)
    return spec.columns, spec.rows(request), as_of


def write_report_to(out: IO[str], store: ProfileStore, settings: Settings, name: str,
                    options: ReportOptions = ReportOptions(),
                    directory: CounterpartyDirectory | None = None) -> tuple[int, datetime]:
    """Write report ``name`` to an open text stream (``newline=""``, UTF-8)."""
    columns, rows, as_of = report_table(store, settings, name, options, directory)
    return write_csv(out, columns, rows), as_of


def _atomic_write(path: Path, writer: Callable[[IO[str]], Any]) -> Any:
    path = Path(path)
    if path.is_dir():
        raise ReportError(f"{path} is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ReportError(f"the folder {parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            result = writer(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


def write_report(store: ProfileStore, settings: Settings, name: str, path: Path,
                 options: ReportOptions = ReportOptions(),
                 directory: CounterpartyDirectory | None = None) -> ReportResult:
    """Write report ``name`` to ``path`` atomically. Raises :class:`ReportError`."""
    report_spec(name)
    try:
        count, as_of = _atomic_write(
            path, lambda out: write_report_to(out, store, settings, name, options, directory))
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return ReportResult(name, Path(path), count, as_of)


def write_checklist_markdown(store: ProfileStore, settings: Settings, path: Path, *,
                             scope: str = "all", as_of: datetime | None = None,
                             directory: CounterpartyDirectory | None = None) -> ReportResult:
    """The plan (with progress) as Markdown, written atomically."""
    from exposure_app.reports.markdown import plan_markdown
    from exposure_app.services.checklist_service import view_checklist

    view = view_checklist(store, settings, scope, as_of=as_of, directory=directory)
    text = plan_markdown(view.rows, as_of=view.as_of, scope_name=view.scope_name,
                         base_currency=view.base_currency)
    try:
        _atomic_write(path, lambda out: out.write(text))
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return ReportResult("checklist-markdown", Path(path), len(view.rows), view.as_of)
