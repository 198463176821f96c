"""No exported text cell can start a spreadsheet formula unless it is quoted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.reports.csv_safe import (
    FORMULA_PREFIXES,
    QUOTE,
    Column,
    Kind,
    PreformattedLines,
    format_cell,
    neutralise,
    write_csv,
)
from exposure_app.reports.risk_reports import EVENTS_COLUMNS, events_rows
from exposure_app.risk.events import Category, Origin, RiskEvent
from exposure_app.services.reports import ReportOptions, write_report_to
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore

FORMULA_START = st.sampled_from(FORMULA_PREFIXES)
TEXT = st.one_of(st.text(max_size=30), st.builds(lambda p, s: p + s, FORMULA_START, st.text(max_size=20)))


def safe(cell: str) -> bool:
    return not cell.startswith(FORMULA_PREFIXES) or cell.startswith(QUOTE)


@given(TEXT)
def test_neutralise_quotes_exactly_the_formula_starts(text):
    out = neutralise(text)
    assert safe(out) and not out.startswith(FORMULA_PREFIXES)
    if text.startswith(FORMULA_PREFIXES):
        assert out == QUOTE + text            # the original stays readable after the quote
    else:
        assert out == text                    # nothing else is touched


@given(st.lists(st.tuples(TEXT, TEXT), max_size=8))
def test_written_text_cells_are_safe_after_a_round_trip(rows):
    buffer = io.StringIO(newline="")
    write_csv(buffer, (Column("a"), Column("b")), rows)
    parsed = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert parsed[0] == ["a", "b"]
    for cells in parsed[1:]:
        assert all(safe(c) and not c.startswith(FORMULA_PREFIXES) for c in cells)
    assert len(parsed) == len(rows) + 1


def test_numbers_times_and_flags_are_not_text():
    assert format_cell(Decimal("-1.50"), Kind.DECIMAL) == "-1.5"       # a number stays a number
    assert format_cell(Decimal("1E+3"), Kind.DECIMAL) == "1000"
    assert format_cell(datetime(2026, 1, 2, 3, 4, tzinfo=UTC), Kind.TIME) == "2026-01-02T03:04:00+00:00"
    assert format_cell(date(2026, 1, 2), Kind.DATE) == "2026-01-02"
    assert format_cell(False, Kind.BOOL) == "false" and format_cell(None, Kind.DECIMAL) == ""
    with pytest.raises(TypeError):
        format_cell(1.5, Kind.DECIMAL)                                  # never a float
    with pytest.raises(ValueError):
        write_csv(io.StringIO(), (Column("a"),), [("x", "y")])


# Account names are cleaned and bounded on input (control characters, mixed scripts,
# length), so the names drawn here are printable ASCII, with and without formula starts.
PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
ACCOUNT = st.one_of(st.text(PRINTABLE, max_size=30),
                    st.builds(lambda p, s: p + s, FORMULA_START, st.text(PRINTABLE, max_size=20)))


@settings(max_examples=25, deadline=None)
@given(account=ACCOUNT.filter(lambda s: s.strip() != ""), title=TEXT, summary=TEXT)
def test_exported_account_names_and_event_titles_never_become_formulas(tmp_path_factory, account,
                                                                       title, summary):
    store = ProfileStore.open(tmp_path_factory.mktemp("p"))
    try:
        acct = store.accounts.add(account, AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
        store.snapshots.save(Snapshot(None, acct.id, datetime(2026, 1, 1, tzinfo=UTC),
                                      SnapshotStatus.OK, (Holding.simple("BTC", Decimal(1)),),
                                      source=SnapshotSource.MANUAL))
        buffer = io.StringIO(newline="")
        write_report_to(buffer, store, Settings(), "holdings",
                        ReportOptions(as_of=datetime(2026, 1, 2, tzinfo=UTC)))
        event = RiskEvent("e-1", date(2026, 1, 1), "kraken", Category.HACK, title, summary,
                          ("https://example.com",), origin=Origin.USER)
        write_csv(buffer, EVENTS_COLUMNS, events_rows([event]))
        for cells in csv.reader(io.StringIO(buffer.getvalue(), newline="")):
            for cell in cells:
                assert safe(cell), cell
    finally:
        store.close()


def test_preformatted_lines_are_written_as_they_are_with_the_header():
    out = io.StringIO(newline="")
    columns = (Column("a", Kind.TEXT, ""), Column("b, c", Kind.TEXT, ""))
    count = write_csv(out, columns, PreformattedLines([("x,1",), ('"y, z",2',)]))
    assert count == 2
    assert out.getvalue() == 'a,"b, c"\r\nx,1\r\n"y, z",2\r\n'
    empty = io.StringIO(newline="")
    assert write_csv(empty, columns, PreformattedLines([])) == 0
    assert empty.getvalue() == 'a,"b, c"\r\n'
