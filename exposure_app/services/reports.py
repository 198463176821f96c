"""Writing reports: the one code path the CLI and the GUI both call.

``export REPORT --out FILE`` and File → Export end up in :func:`write_report`,
so the same report with the same "as of" instant is byte-identical whichever
way it was asked for. Files are written to a temporary file next to the
target and renamed into place: a failed export never leaves half a file.

Reports (columns in ``docs/reports.md``): ``exposure``, ``holdings``,
``history``, ``warnings``, ``checklist``, ``events``; and the checklist as
Markdown through :func:`write_checklist_markdown`.

Threading: runs on the thread that owns ``store`` (the GUI runs it on a worker
with its own store for large reports).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.timeutil import utc_now
from exposure_app.reports.checklist_report import CHECKLIST_COLUMNS, checklist_rows
from exposure_app.reports.csv_safe import Column, write_csv
from exposure_app.reports.markdown import plan_markdown
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
from exposure_app.risk.catalog import load_directory
from exposure_app.services.checklist_service import ALL, risk_levels, view_checklist
from exposure_app.services.history import first_snapshot_day, iter_daily_history
from exposure_app.services.portfolio import exposure_as_of
from exposure_app.services.report_names import REPORTS
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


class ReportError(ValueError):
    """The report cannot be written as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class ReportOptions:
    as_of: datetime | None = None
    scope: str = ALL                # checklist: a counterparty id or "all"
    all_snapshots: bool = False     # holdings: every snapshot, not only the latest


@dataclass(frozen=True, slots=True)
class ReportResult:
    name: str
    path: Path
    rows: int
    as_of: datetime


def _warnings(store: ProfileStore, settings: Settings, as_of: datetime) -> list[Any]:
    from exposure_app.services.risk_service import warnings_as_of

    return list(warnings_as_of(store, settings, as_of).warnings)


def _events(store: ProfileStore, settings: Settings, as_of: datetime) -> list[Any]:
    """Every event published on or before ``as_of`` (no look-ahead), oldest first."""
    from exposure_app.services.risk_service import list_events

    day = as_of.date()
    return [e for e in list_events(store, settings, as_of=as_of) if e.known_on(day)]


def report_table(store: ProfileStore, settings: Settings, name: str, options: ReportOptions,
                 directory: CounterpartyDirectory | None = None,
                 ) -> tuple[tuple[Column, ...], Iterator[tuple], datetime]:
    """Columns and a lazy row iterator for report ``name``."""
    directory = directory or load_directory()
    as_of = options.as_of or utc_now()
    base = settings.base_currency
    if name == "exposure":
        report = exposure_as_of(store, settings, as_of, directory)
        return EXPOSURE_COLUMNS, exposure_rows(report, _levels(store, settings, as_of)), as_of
    if name == "holdings":
        rows = (all_holdings_cells if options.all_snapshots else holdings_rows)(store, as_of, base)
        return HOLDINGS_COLUMNS, rows, as_of
    if name == "history":
        first = first_snapshot_day(store)
        points = iter_daily_history(store, first, as_of.date(), directory) if first else iter(())
        return HISTORY_COLUMNS, history_rows(points, base, directory), as_of
    if name == "warnings":
        return WARNINGS_COLUMNS, warnings_rows(_warnings(store, settings, as_of), as_of, base), as_of
    if name == "events":
        return EVENTS_COLUMNS, events_rows(_events(store, settings, as_of)), as_of
    if name == "suggestions":
        from exposure_app.reports.news_reports import SUGGESTIONS_COLUMNS, suggestions_rows
        from exposure_app.storage.suggestions import SuggestionRepository

        return SUGGESTIONS_COLUMNS, suggestions_rows(SuggestionRepository(store).list()), as_of
    if name == "checklist":
        view = view_checklist(store, settings, options.scope, as_of=as_of, directory=directory)
        rows = checklist_rows(view.rows, as_of=as_of, scope=view.scope, base_currency=base)
        return CHECKLIST_COLUMNS, rows, as_of
    raise ReportError(f"unknown report {name!r}; one of: {', '.join(REPORTS)}")


REPORT_COLUMNS = {
    "exposure": EXPOSURE_COLUMNS, "holdings": HOLDINGS_COLUMNS, "history": HISTORY_COLUMNS,
    "warnings": WARNINGS_COLUMNS, "events": EVENTS_COLUMNS, "checklist": CHECKLIST_COLUMNS,
}


def report_columns(name: str) -> tuple[tuple[str, str], ...]:
    """``(column, what it holds)`` for each column of report ``name`` (the in-app help)."""
    if name not in REPORT_COLUMNS:
        raise ReportError(f"unknown report {name!r}; one of: {', '.join(REPORTS)}")
    return tuple((c.name, c.doc) for c in REPORT_COLUMNS[name])


def _levels(store: ProfileStore, settings: Settings, as_of: datetime) -> dict[str, str]:
    return risk_levels(store, settings, as_of)


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
    if name not in REPORTS:
        raise ReportError(f"unknown report {name!r}; one of: {', '.join(REPORTS)}")
    try:
        count, as_of = _atomic_write(
            path, lambda out: write_report_to(out, store, settings, name, options, directory))
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return ReportResult(name, Path(path), count, as_of)


def write_checklist_markdown(store: ProfileStore, settings: Settings, path: Path, *,
                             scope: str = ALL, as_of: datetime | None = None,
                             directory: CounterpartyDirectory | None = None) -> ReportResult:
    """The plan (with progress) as Markdown, written atomically."""
    view = view_checklist(store, settings, scope, as_of=as_of, directory=directory)
    text = plan_markdown(view.rows, as_of=view.as_of, scope_name=view.scope_name,
                         base_currency=view.base_currency)
    try:
        _atomic_write(path, lambda out: out.write(text))
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return ReportResult("checklist-markdown", Path(path), len(view.rows), view.as_of)
