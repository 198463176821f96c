"""Qt item models (QAbstractTableModel subclasses) over immutable rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""Raw value for sorting (Decimal as float, datetimes as timestamps, text folded)."""
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's immutable record."""

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def change_filter(proxy, apply) -> None:
    """Change a proxy's filter state through ``apply()`` and refilter.

    Qt 6.9+ wants ``beginFilterChange``/``endFilterChange`` around the change
    (``invalidateFilter`` is deprecated there); older Qt only has the latter.
    """
    begin = getattr(proxy, "beginFilterChange", None)
    if begin is None:
        apply()
        proxy.invalidateFilter()
        return
    begin()
    apply()
    proxy.endFilterChange()
