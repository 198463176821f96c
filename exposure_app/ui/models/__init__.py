"""Qt item models (QAbstractTableModel subclasses) over immutable rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Raw value for sorting (Decimal as float, datetimes as timestamps, text folded)."""
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's immutable record."""
SHORT_ROLE = Qt.ItemDataRole.UserRole + 3
"""A cell's short form, shown when its whole text does not fit the column (``None``: none)."""

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
