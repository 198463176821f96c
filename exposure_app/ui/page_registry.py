"""The main window's pages, each built the first time it is needed.

A page is registered with its key, title, icon and a factory; its
navigation entry exists at once, the widget only when the page is first
shown or asked for (:meth:`PageRegistry.get`). Why: building all pages
(three pyqtgraph plots, the checklist, the events and settings forms)
before the window appears was a third of the time from launch to a usable
window, and a page nobody opens in a session should cost nothing.

``on_built(key, widget)`` lets the window wire a page's signals and restore
its saved state at the moment it comes into being, wherever that happens.

Each row's key and icon name are kept here rather than as item data: item
data roles live in PySide's ``Qt`` namespace, whose Python enums (about 90,
made on first use) cost more than the rest of the navigation, and the window's
first frame does without them.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStackedWidget, QWidget

from exposure_app.ui.icons import action_icon

PageFactory = Callable[[], QWidget]
P = TypeVar("P", bound=QWidget)


@dataclass
class PageEntry:
    key: str
    item: QListWidgetItem
    icon: str
    factory: PageFactory
    widget: QWidget | None = None


class PageRegistry:
    """Navigation entries and lazily built page widgets, in registration order."""

    def __init__(self, nav: QListWidget, stack: QStackedWidget,
                 on_built: Callable[[str, QWidget], None]) -> None:
        self._nav = nav
        self._stack = stack
        self._on_built = on_built
        self._entries: dict[str, PageEntry] = {}

    def add(self, key: str, title: str, icon: str, factory: PageFactory) -> None:
        if key in self._entries:
            raise ValueError(f"page {key!r} is registered twice")
        item = QListWidgetItem(action_icon(icon), title)
        item.setToolTip(f"{title} (Ctrl+{self._nav.count() + 1})")
        self._nav.addItem(item)
        self._entries[key] = PageEntry(key, item, icon, factory)

    def get(self, key: str) -> QWidget:
        """The page's widget, built now if this is the first time it is needed."""
        entry = self._entries[key]
        if entry.widget is None:
            widget = entry.factory()
            entry.widget = widget
            self._stack.addWidget(widget)
            self._on_built(key, widget)
        return entry.widget

    def get_as(self, key: str, kind: type[P]) -> P:
        """:meth:`get`, checked to be a ``kind`` (the page class registered for ``key``)."""
        return _checked(key, self.get(key), kind)

    def built_as(self, key: str, kind: type[P]) -> P | None:
        """:meth:`built`, checked to be a ``kind``."""
        widget = self.built(key)
        return None if widget is None else _checked(key, widget, kind)

    def built(self, key: str) -> QWidget | None:
        """The page's widget if it exists, without building it."""
        entry = self._entries.get(key)
        return entry.widget if entry is not None else None

    def built_pages(self) -> Iterator[tuple[str, QWidget]]:
        for key, entry in self._entries.items():
            if entry.widget is not None:
                yield key, entry.widget

    def item(self, key: str) -> QListWidgetItem:
        return self._entries[key].item

    def icon_name(self, key: str) -> str:
        """The page's icon (``resources/icons/actions/<name>.svg``)."""
        return self._entries[key].icon

    def key_at(self, row: int) -> str | None:
        """The key of the page in navigation row ``row`` (``None`` for no row)."""
        keys = list(self._entries)
        return keys[row] if 0 <= row < len(keys) else None

    def keys(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


def _checked(key: str, widget: QWidget, kind: type[P]) -> P:
    if not isinstance(widget, kind):
        raise TypeError(f"page {key!r} is a {type(widget).__name__}, not a {kind.__name__}")
    return widget
