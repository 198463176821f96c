"""The checklist's Done boxes stand out from the cell in the light and the dark palette
(Fusion's own outline, a shade darker than the window, vanished on the dark one)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from tests.checklist.test_gui import page_state  # noqa: F401  (the fixture)


def lightness(colour: QColor) -> float:
    return 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_done_boxes_are_outlined_clearly_in_both_palettes(qtbot, page_state, theme):  # noqa: F811
    from exposure_app.ui.models.checklist_model import Col
    from exposure_app.ui.pages.checklist_page import ChecklistPage
    from exposure_app.ui.theme_mode import apply_theme

    assert apply_theme(theme) == theme
    try:
        page = ChecklistPage(page_state)
        qtbot.addWidget(page)
        page.resize(1000, 500)
        page.show_data(page_state.data)
        page.open_for("binance")
        page.show()
        qtbot.waitExposed(page)
        table = page.table
        base = lightness(table.palette().color(QPalette.ColorRole.Base))
        image = table.viewport().grab().toImage()
        ratio = image.width() / table.viewport().width()      # device pixels, if scaled
        for row in (0, 1):
            index = page.model.index(row, Col.DONE)
            option = QStyleOptionViewItem()
            option.initFrom(table)
            table.itemDelegateForIndex(index).initStyleOption(option, index)
            option.rect = table.visualRect(index)
            box = table.style().subElementRect(
                QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, table)
            assert box.width() >= 8, box
            edges = [(box.left() + dx, box.center().y()) for dx in (-1, 0, 1)]
            edges += [(box.center().x(), box.top() + dy) for dy in (-1, 0, 1)]
            contrast = max(abs(lightness(image.pixelColor(int(x * ratio), int(y * ratio)))
                               - base) for x, y in edges)
            assert contrast >= 100, (theme, row, contrast)
    finally:
        apply_theme("system")
