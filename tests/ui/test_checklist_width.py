"""The checklist table fits the window at 1024 px as the other tables do: no sideways
scrolling, text columns end in "…" with the whole text in the tooltip, numbers whole."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal


def _kraken_holdings(data_dir) -> None:
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    store = ProfileStore.open(data_dir)
    try:
        kraken = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL,
                                    counterparty="kraken")
        for asset, amount, value in (("BTC", "0.21", "19134.49"), ("USDC", "17100", "17093.16"),
                                     ("ETH", "3.5", "8287.30")):
            set_holding(store, kraken, asset, Decimal(amount), value=Decimal(value), when=when)
    finally:
        store.close()


def _kraken_plan(qtbot, make_window, data_dir, size):
    """The window at ``size`` on the checklist page, showing Kraken's plan."""
    _kraken_holdings(data_dir)
    window = make_window(data_dir, size=size, page="checklist")
    page = window.page("checklist")
    page.open_for("kraken")
    qtbot.wait(50)
    return window, page.table


def test_the_checklist_fits_1024_px_without_scrolling_sideways(qtbot, make_window, data_dir):
    from exposure_app.ui.models.checklist_model import ChecklistModel, Col

    window, table = _kraken_plan(qtbot, make_window, data_dir, (1024, 640))
    header = table.horizontalHeader()
    assert table.model().rowCount() > 3
    shown = sum(header.sectionSize(c) for c in range(header.count()))
    assert shown <= table.viewport().width(), (shown, table.viewport().width())
    assert table.horizontalScrollBar().maximum() == 0
    for column in (Col.AMOUNT, Col.VALUE):   # the numbers are never cut
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), column.name
    model = table.model()
    for row in range(model.rowCount()):
        for column in ChecklistModel.ELIDED:
            text = model.index(row, column).data()
            if text:
                assert model.index(row, column).data(3), (column.name, text)  # a tooltip

    # wider, the columns take their fitted widths back
    window.resize(1920, 1080)
    qtbot.wait(50)
    assert header.sectionSize(Col.CUSTODIAN) > header.sectionSizeHint(Col.CUSTODIAN)


def test_at_1024_px_each_step_is_read_whole_in_a_what_to_do_column_of_sensible_width(
        qtbot, make_window, data_dir):
    """The "What to do" column was squeezed to its header (about 120 px) so a step wrapped
    over five lines and its row cut it; the other text columns give way first now."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFont, QFontMetrics
    from PySide6.QtWidgets import QStyle

    from exposure_app.ui.models.checklist_model import Col

    _window, table = _kraken_plan(qtbot, make_window, data_dir, (1024, 700))
    header = table.horizontalHeader()
    model = table.model()
    width = header.sectionSize(Col.ITEM)
    assert width >= max(200, table.viewport().width() // 4), (width, table.viewport().width())
    assert header.length() <= table.viewport().width()      # still no sideways scrolling
    # the text is drawn inside the cell less the style's text margin on either side
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    steps = 0
    for row in range(model.rowCount()):
        index = model.index(row, Col.ITEM)
        text = index.data()
        font = QFont(table.font())
        if isinstance(index.data(Qt.ItemDataRole.FontRole), QFont):
            font = index.data(Qt.ItemDataRole.FontRole).resolve(table.font())
        metrics = QFontMetrics(font)
        needed = metrics.boundingRect(QRect(0, 0, width - 2 * margin, 10_000),
                                      int(Qt.TextFlag.TextWordWrap), text).height()
        lines = round(needed / metrics.lineSpacing())
        assert table.rowHeight(row) >= needed, (text, table.rowHeight(row), needed)
        assert lines <= 3, (text, lines)   # a step is a sentence, not a column of words
        steps += "self-custody wallet" in text
    assert steps == 1   # the plan's long first step is among the rows checked
