"""Table headers: a right-aligned label ends before the sort arrow instead of under it."""

from __future__ import annotations

import pytest


def _sorted_table(qtbot, section_width: str):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QStandardItem, QStandardItemModel

    from exposure_app.ui.widgets.table_columns import data_table, fit_columns

    model = QStandardItemModel(0, 3)
    model.setHorizontalHeaderLabels(["Account", "Value (USD)", "Share"])
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for column in (1, 2):
        model.setHeaderData(column, Qt.Orientation.Horizontal, right,
                            Qt.ItemDataRole.TextAlignmentRole)
    model.appendRow([QStandardItem("Kraken"), QStandardItem("100,228.26"),
                     QStandardItem("30.79%")])
    view = data_table(model, "Test table", sort_by=1)
    fit_columns(view)
    header = view.horizontalHeader()
    if section_width == "hint":      # as narrow as WidthKeeper(trim=True) makes it
        header.resizeSection(1, header.sectionSizeHint(1))
    qtbot.addWidget(view)
    view.resize(600, 200)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.mark.parametrize("section_width", ["fitted", "hint"])
def test_a_right_aligned_header_label_keeps_clear_of_the_sort_arrow(qtbot, section_width):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QStyle, QStyleOptionHeader

    view = _sorted_table(qtbot, section_width)
    header = view.horizontalHeader()
    assert header.sortIndicatorSection() == 1
    option = QStyleOptionHeader()
    header.initStyleOption(option)
    header.initStyleOptionForIndex(option, 1)
    section = QRect(header.sectionViewportPosition(1), 0, header.sectionSize(1), header.height())
    option.rect = section
    style = header.style()
    arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, header)
    assert arrow.isValid() and arrow.left() > section.center().x(), "the arrow sits at the right"
    image = header.grab().toImage()

    def ink(x: int, y: int) -> bool:
        """Darker than the section's empty left end on the same row (a gradient)."""
        here, empty = image.pixelColor(x, y), image.pixelColor(section.left() + margin + 1, y)
        return abs(here.lightness() - empty.lightness()) > 40

    text_columns = [x for x in range(section.left() + margin, arrow.left() - margin)
                    if any(ink(x, y) for y in range(section.top() + 2, section.bottom() - 1))]
    assert text_columns, "the label is drawn"
    gap = range(arrow.left() - margin, arrow.left())
    touching = [x for x in gap
                if any(ink(x, y) for y in range(section.top() + 2, section.bottom() - 1))]
    assert not touching, f"label drawn into the arrow's margin at x={touching}"


def test_a_section_fits_its_whole_label_beside_the_arrow(qtbot):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QStyleOptionHeaderV2

    view = _sorted_table(qtbot, "hint")
    header = view.horizontalHeader()
    option = QStyleOptionHeaderV2()
    header.initStyleOption(option)
    header.initStyleOptionForIndex(option, 1)
    option.rect = QRect(0, 0, header.sectionSize(1), header.height())
    assert header.label_rect(option).width() >= option.fontMetrics.horizontalAdvance("Value (USD)")
