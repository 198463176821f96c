"""A record column without a cell reads the record's attribute of its own name."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.reports.checklist_report import CHECKLIST_COLUMNS
from exposure_app.reports.csv_safe import Kind
from exposure_app.reports.news_reports import SUGGESTIONS_COLUMNS
from exposure_app.reports.record_rows import RecordColumn, RowContext, record_rows
from exposure_app.risk.news.suggestion import Suggestion


@dataclass(frozen=True)
class _Record:
    name: str
    size: int


def test_a_column_without_a_cell_reads_its_own_attribute_and_a_cell_wins():
    columns = (RecordColumn("name", Kind.TEXT, "the name"),
               RecordColumn("size", Kind.INT, "twice the size", cell=lambda r, _row: r.size * 2),
               RecordColumn("position", Kind.INT, "the row", cell=lambda _r, row: row.position))
    rows = list(record_rows(columns, [_Record("a", 1), _Record("b", 5)], RowContext()))
    assert rows == [("a", 2, 1), ("b", 10, 2)]


def test_a_record_without_the_columns_attribute_is_an_error_not_an_empty_cell():
    with pytest.raises(AttributeError):
        list(record_rows((RecordColumn("colour", Kind.TEXT, "missing"),), [_Record("a", 1)]))


@pytest.mark.parametrize(("columns", "record"), [(CHECKLIST_COLUMNS, ChecklistRow),
                                                 (SUGGESTIONS_COLUMNS, Suggestion)])
def test_report_columns_without_a_cell_name_a_field_of_their_record(columns, record):
    own = [c.name for c in columns if c.cell is None]
    assert own, "the report declares every cell by hand"
    assert set(own) <= {f.name for f in fields(record)}
