"""The exposure bar chart: which rows it shows, where it paints them, what a click asks for."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt

from exposure_app.ui.charts.exposure_bars import MAX_ROWS, BarRow, ExposureBarChart, fold_rows, value_label
from exposure_app.ui.level_colours import level_colour

pytestmark = pytest.mark.usefixtures("qapp")


def row(cp: str, direct: str, affiliated: str = "0", level: str = "low") -> BarRow:
    return BarRow(cp, cp.capitalize() or "Other", Decimal(direct), Decimal(affiliated), level)


def test_rows_are_sorted_and_the_tail_is_folded_without_losing_value():
    rows = [row(f"cp{i:02d}", str(i + 1)) for i in range(MAX_ROWS + 4)]
    folded = fold_rows(rows)
    assert len(folded) == MAX_ROWS
    assert [r.direct for r in folded[:3]] == [Decimal(14), Decimal(13), Decimal(12)]
    other = folded[-1]
    assert other.counterparty == "" and other.name == "Other (5)"
    assert other.direct == sum(Decimal(i) for i in range(1, 6))
    assert sum(r.direct for r in folded) == sum(r.direct for r in rows)


def test_value_labels_name_the_affiliated_part():
    assert value_label(row("ftx", "0", "102"), "USD") == "102 USD  (incl. 102 affiliated)"
    assert value_label(row("kraken", "51300"), "USD") == "51.3k USD"


def test_bars_are_painted_to_scale_in_their_level_colour_and_a_click_asks_for_the_checklist(qtbot):
    chart = ExposureBarChart()
    qtbot.addWidget(chart)
    chart.resize(600, 200)
    chart.set_rows([row("kraken", "500", level="medium"), row("binance", "1000", level="low"),
                    row("ftx", "100", "100", level="critical")], "USD")
    chart.show()
    qtbot.waitExposed(chart)
    assert [r.counterparty for r in chart.rows] == ["binance", "kraken", "ftx"]
    binance, kraken, ftx = (chart.bar_rect(i) for i in range(3))
    assert kraken.width() == pytest.approx(binance.width() / 2)
    assert ftx.width() == pytest.approx(binance.width() / 5)
    image = chart.grab().toImage()
    centre = kraken.center().toPoint()
    assert image.pixelColor(centre).name() == level_colour("medium").name()
    assert "Kraken: 500 USD" in chart.accessibleDescription()
    with qtbot.waitSignal(chart.counterparty_clicked, timeout=1000) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=ftx.center().toPoint())
    assert clicked.args == ["ftx"]


def test_the_other_row_and_empty_space_are_not_clickable(qtbot):
    chart = ExposureBarChart()
    qtbot.addWidget(chart)
    chart.resize(600, 500)
    chart.set_rows([row(f"cp{i:02d}", str(i + 1)) for i in range(MAX_ROWS + 2)], "USD")
    chart.show()
    qtbot.waitExposed(chart)
    other = chart.bar_rect(MAX_ROWS - 1).center().toPoint()
    below = QPoint(100, chart.height() - 2)
    assert chart.row_at(below.y()) is None
    with qtbot.assertNotEmitted(chart.counterparty_clicked):
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=other)
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=below)


def test_bars_are_coloured_by_health_and_labelled_by_share():
    from decimal import Decimal

    from exposure_app.ui.charts.exposure_bars import BarRow, value_label
    from exposure_app.ui.level_colours import health_colour_key

    assert [health_colour_key(s) for s in ("normal", "watch", "distressed", "failed", None)] == [
        "low", "medium", "high", "critical", "none"]
    row = BarRow("ftx", "FTX", Decimal(200), Decimal(0), health_colour_key("failed"), 0.2)
    assert value_label(row, "USD").startswith("20.0% · ")
