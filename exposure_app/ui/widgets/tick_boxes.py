"""Tick boxes in a table that can be seen in light and dark palettes alike.

Fusion draws an item view's check box with an outline a shade darker than the
window colour: on the dark palette (window #2b2d31, cells #1e1f22) the box all
but disappears. :class:`TickBoxDelegate` lets the style draw the cell as usual,
then outlines the box in the palette's text colour (dark on light, light on
dark), so an empty box is as clear as a ticked one in every palette and style.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

OUTLINE_ALPHA = 200
"""How strongly the outline shows (of 255): clearly, without looking heavier than the text."""


def outline_colour(palette: QPalette) -> QColor:
    colour = QColor(palette.color(QPalette.ColorRole.Text))
    colour.setAlpha(OUTLINE_ALPHA)
    return colour


class TickBoxDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        if index.data(Qt.ItemDataRole.CheckStateRole) is None:
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, item, widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(outline_colour(option.palette), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box.adjusted(0, 0, -1, -1))
        painter.restore()
