"""The terminal listings lay out their header and rows by the same declared columns."""

from decimal import Decimal

import pytest

from exposure_app.cli.tables import Column, TextTable


def test_header_and_rows_share_the_column_widths_and_gaps():
    table = TextTable(Column("ASSET", "<6"), Column("AMOUNT", ">8", gap="  "), Column("VALUE"))
    assert table.header() == "ASSET    AMOUNT  VALUE"
    assert table.line("BTC", Decimal("0.5"), "unpriced") == "BTC         0.5  unpriced"
    # a value wider than its column pushes the rest along instead of being cut
    assert table.line("LONGNAME", Decimal("1"), "x") == "LONGNAME        1  x"


def test_a_row_must_give_one_value_per_column():
    table = TextTable(Column("A", "<3"), Column("B"))
    with pytest.raises(ValueError, match="1 values for 2 columns"):
        table.line("only one")
