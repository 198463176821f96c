"""The app's tables: one way to build a list view, and column widths that fit.

:func:`data_table` builds every list of rows the pages show the same way:
whole rows selected, alternating row colours, no grid and no row numbers,
columns the user can resize, and a first sort when the list is sortable.

A table sized by ``resizeColumnsToContents`` lets one long account name push
the numeric columns (Total, Price, Value, Share) off the screen, and a column
sized to its data alone clips its header ("Key permissio"). :func:`fit_columns`
sizes every column to its content *and* its header, caps the text columns
listed in ``elided`` (their cells end in "…"; the models give the full text
as the tooltip) and leaves the caller's stretch column to take what is left.
:class:`WidthKeeper` goes one step further for a table that must not scroll
sideways (the Accounts page at 1024 px; the Holdings table, whose Value and
Share went past a horizontal scroll bar; the overview's accounts, which has
none): whenever the view is resized it gives the columns their fitted widths
if they fit, and otherwise, in turn, takes back the padding beyond each
column's header and content (when asked to), narrows the columns it may
elide, the widest first, down to :data:`MIN_ELIDED`, then lets the columns
that may wrap shrink to their headers; a stretched right-hand column keeps
:data:`MIN_STRETCH` pixels, or its whole header if wider. A column that wraps
can be kept readable instead (the checklist's "What to do" at 1024 px, which
was squeezed to its header and wrapped a step over five lines): it gives way
only down to a readable width, and the elided columns go on narrowing, down to
:data:`MIN_CRAMPED`, before it gives more. The widths come back when the view
widens; a view wider than every fitted width gives what is left to one column
(the ``fill`` column: no blank band at the right of a wide window). Elided columns can
also keep a readable width while the others give way (the Accounts page at 1024 px, whose
columns were all cut to one width, "Exchange (A…", "just now (20…", while Coverage took the
most room): a useful part of a name, or the whole words of a short column, with
:class:`ShortWhenNarrow` drawing a cell's short form ("652 days ago" without its date)
when its whole text does not fit.

Every table's header is a :class:`SortArrowHeader`: Fusion draws the sort arrow at
the right of the section over the end of a right-aligned label ("Value (USD)" with
the arrow on its last letters); this header ends the label before the arrow.

Threading: GUI thread only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionHeaderV2,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from exposure_app.ui.models import SHORT_ROLE

Selection = QAbstractItemView.SelectionMode

NAME_WIDTH = 240
"""The widest an elided text column (an account or custodian name) is sized by default."""

PADDING = 16

MIN_ELIDED = 72
"""The narrowest :class:`WidthKeeper` makes a column: a few letters and the "…"."""
MIN_STRETCH = 96
"""What :class:`WidthKeeper` leaves the stretched right-hand column at the least."""
MIN_CRAMPED = 48
"""The narrowest an elided column gets for a wrapped column to stay readable: two letters
and the "…" (the whole text is in its tooltip)."""


def data_table(model: QAbstractItemModel, name: str, *, sort_by: int | None = None,
               descending: bool = True, selection: Selection = Selection.SingleSelection,
               wrap: bool = False) -> QTableView:
    """A read-only table over ``model``, named ``name`` for screen readers (and tests).

    ``sort_by``: the column it is first sorted by (``None``: not sortable);
    ``wrap``: long cells wrap instead of ending in "…".
    """
    view = QTableView()
    view.setHorizontalHeader(SortArrowHeader(view))
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(wrap)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if sort_by is not None:
        view.setSortingEnabled(True)
        view.sortByColumn(sort_by, Qt.SortOrder.DescendingOrder if descending
                          else Qt.SortOrder.AscendingOrder)
    return view


class SortArrowHeader(QHeaderView):
    """A horizontal table header whose labels end before the sort arrow.

    Paints a section as the style's ``CE_Header`` does (section, label, arrow), with
    the label's rectangle ending one header margin left of the arrow's, and sizes a
    section so that its whole label fits beside the arrow. Threading: GUI thread only.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        # what QTableView sets on the header it makes itself
        self.setSectionsClickable(True)
        self.setHighlightSections(True)

    def label_rect(self, option: QStyleOptionHeader) -> QRect:
        """Where the label of the section in ``option`` is drawn: clear of the arrow."""
        style = self.style()
        label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, self)
        if option.sortIndicator == QStyleOptionHeader.SortIndicator.None_:
            return label
        arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, self)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, self)
        if arrow.isValid() and arrow.left() > label.center().x():
            label.setRight(min(label.right(), arrow.left() - margin - 1))
        return label

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:
        if not rect.isValid():
            return
        option = QStyleOptionHeaderV2()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logical_index)
        option.rect = rect
        if option.sortIndicator == QStyleOptionHeader.SortIndicator.None_:
            super().paintSection(painter, rect, logical_index)
            return
        style = self.style()
        painter.save()
        painter.setClipRect(rect, Qt.ClipOperation.IntersectClip)
        style.drawControl(QStyle.ControlElement.CE_HeaderSection, option, painter, self)
        label = QStyleOptionHeaderV2(option)
        label.rect = self.label_rect(option)
        if label.rect.isValid():
            style.drawControl(QStyle.ControlElement.CE_HeaderLabel, label, painter, self)
        arrow = QStyleOptionHeaderV2(option)
        arrow.rect = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, self)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorHeaderArrow, arrow, painter,
                            self)
        painter.restore()

    def sectionSizeFromContents(self, logical_index: int) -> QSize:
        """Room for the label, the arrow and a margin between them."""
        size = super().sectionSizeFromContents(logical_index)
        if not self.isSortIndicatorShown():
            return size
        option = QStyleOptionHeaderV2()
        self.initStyleOption(option)
        self.initStyleOptionForIndex(option, logical_index)
        option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown
        option.rect = QRect(0, 0, size.width(), max(size.height(), self.height()))
        text = option.fontMetrics.horizontalAdvance(option.text)
        short = text - self.label_rect(option).width()
        return QSize(size.width() + max(0, short), size.height())


def fit_columns(view: QTableView, *, elided: Iterable[int] = (), max_width: int = NAME_WIDTH,
                stretch: int | None = None) -> None:
    """Size each column to the larger of its header and its content; cap ``elided`` ones."""
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return
    capped = set(elided)
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or column == stretch:
            continue
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        width = max(view.sizeHintForColumn(column), header.sectionSizeHint(column)) + PADDING
        if column in capped:
            width = min(width, max_width)
        header.resizeSection(column, width)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def shared_width(wanted: list[int], budget: int, floors: list[int]) -> int:
    """The widest any of the ``wanted`` widths may be for them all to fit ``budget``: each
    keeps the smaller of its own width and the larger of this and its floor (``floors``,
    in the same order), so the widest give way first and none below its floor."""
    def total(cap: int) -> int:
        return sum(min(w, max(cap, f)) for w, f in zip(wanted, floors, strict=True))

    top = max(wanted, default=0)
    if total(top) <= budget:
        return top
    low, high = 0, top          # total(high) > budget: find the largest cap that fits
    while low < high:
        middle = (low + high + 1) // 2
        if total(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def text_margin(view: QWidget) -> int:
    """The room a view's style leaves on either side of a cell's text."""
    return view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1


def fitting_text(text: str, short: str | None, width: int, metrics: QFontMetrics,
                 margin: int) -> str:
    """What a cell ``width`` pixels wide shows: ``text`` if it fits, else its ``short`` form
    (if any; Qt elides what still does not fit)."""
    if short and metrics.horizontalAdvance(text) > width - 2 * margin:
        return short
    return text


class OneLine(QStyledItemDelegate):
    """Cells on one line, ending in "…", in a table whose other columns wrap."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


class ShortWhenNarrow(QStyledItemDelegate):
    """Cells that show their short form (the model's ``SHORT_ROLE``: ``652 days ago`` for
    ``652 days ago (2025-02-18 18:00)``) when the whole text does not fit the column, rather
    than the whole text cut ("652 days ag…"). The model's text, its size hint and tooltip
    stay whole."""

    def text_for(self, index, width: int, metrics: QFontMetrics | None = None) -> str:
        """What the cell at ``index`` shows in a column ``width`` pixels wide, its text
        measured by ``metrics`` (the cell's font; by default the view's)."""
        view = self.parent()
        assert isinstance(view, QWidget)
        return fitting_text(str(index.data() or ""), index.data(SHORT_ROLE), width,
                            metrics or view.fontMetrics(), text_margin(view))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        shown.text = self.text_for(index, shown.rect.width(), shown.fontMetrics)
        widget = shown.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, shown, painter, widget)


class WidthKeeper(QObject):
    """Keeps ``view``'s columns within its width (see the module docstring).

    Call :meth:`fitted` after :func:`fit_columns` (the widths it chose are the most a
    column gets); the keeper then follows every resize of the view. ``shrinkable``
    columns must elide, with their full text as the tooltip; ``wrapped`` ones are in a
    view that wraps its text, and :attr:`refitted` tells the owner when widths changed
    (its rows may need their heights again); with ``readable``, a wrapped column keeps
    that many pixels (or its fitted width if less) while the elided ones can narrow to
    :data:`MIN_CRAMPED`. With ``trim``, every other column first gives back the padding
    beyond its header and content. The ``fill`` column takes the width the others leave
    (it is not a Qt stretch section: it keeps its fitted width as its least, and the user
    can still resize it). Elided columns can keep more than :data:`MIN_ELIDED` while the
    others give way: ``keep`` maps a column to a readable width (a useful part of a name),
    and a ``whole`` column keeps its whole header and the whole text of each cell, or its
    short form (``SHORT_ROLE``, drawn by :class:`ShortWhenNarrow`); they narrow further only
    when every other elided column is down to :data:`MIN_ELIDED`. A column the user resizes
    (or a restored header) takes that width as its most. Threading: GUI thread only.
    """

    refitted = Signal()

    def __init__(self, view: QTableView, *, shrinkable: Iterable[int], stretch: int | None = None,
                 wrapped: Iterable[int] = (), readable: int = 0, fill: int | None = None,
                 trim: bool = False, keep: Mapping[int, int] | None = None,
                 whole: Iterable[int] = ()) -> None:
        super().__init__(view)
        self.view = view
        self.shrinkable = tuple(shrinkable)
        self.keep = dict(keep or {})
        self.whole = tuple(whole)
        self.stretch = stretch
        self.wrapped = tuple(wrapped)
        self.readable = readable
        self.fill = fill
        self.trim = trim
        self.natural: dict[int, int] = {}    # every sized column -> its most
        self.least: dict[int, int] = {}      # padding trimmed: what a column keeps (trim)
        self.legible: dict[int, int] = {}    # wrapped columns -> their readable width
        self.headers: dict[int, int] = {}    # wrapped columns -> their header's width
        self.kept: dict[int, int] = {}       # elided columns -> what each keeps (keep, whole)
        self._applying = False
        # a narrowed column's header ends in "…" too (headers do not elide by default)
        view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._resized_by_hand)

    def fitted(self) -> None:
        header = self.view.horizontalHeader()
        model = self.view.model()
        self.natural, self.least, self.legible, self.headers, self.kept = {}, {}, {}, {}, {}
        for column in range(model.columnCount() if model else 0):
            if column == self.stretch or header.isSectionHidden(column):
                continue
            width = header.sectionSize(column)
            self.natural[column] = width
            if self.trim and column not in self.shrinkable:
                self.least[column] = min(width, max(header.sectionSizeHint(column),
                                                    self.view.sizeHintForColumn(column) + 4))
            if column in self.wrapped:
                self.headers[column] = min(width, header.sectionSizeHint(column))
                if self.readable:
                    self.legible[column] = min(width, max(self.readable,
                                                          self.headers[column]))
            kept = self.keep.get(column, 0)
            if column in self.whole:
                kept = max(kept, header.sectionSizeHint(column), self._widest_text(column))
            if column in self.shrinkable and kept > MIN_ELIDED:
                self.kept[column] = min(width, kept)
        self.apply()

    def _widest_text(self, column: int) -> int:
        """The width of the column's widest cell, each by its short form where it has one."""
        model = self.view.model()
        metrics = self.view.fontMetrics()
        texts = (model.index(row, column) for row in range(model.rowCount()))
        widest = max((metrics.horizontalAdvance(str(i.data(SHORT_ROLE) or i.data() or ""))
                      for i in texts), default=0)
        return widest + 2 * text_margin(self.view) + 1

    def _resized_by_hand(self, column: int, _old: int, new: int) -> None:
        if not self._applying and column in self.natural:
            self.natural[column] = new
            for least in (self.least, self.legible, self.headers, self.kept):
                if column in least:
                    least[column] = min(least[column], new)

    def widths(self, available: int) -> dict[int, int]:
        """Each sized column's width when the view shows ``available`` pixels."""
        widths = dict(self.natural)
        reserve = 0 if self.stretch is None else max(
            MIN_STRETCH, self.view.horizontalHeader().sectionSizeHint(self.stretch))
        room = available - reserve
        _give_way(widths, self.least, sum(widths.values()) - room)
        if self.kept:
            self._narrow_names(widths, room, MIN_ELIDED, self.kept)
        self._narrow_names(widths, room, MIN_ELIDED)
        if self.legible:
            _give_way(widths, self.legible, sum(widths.values()) - room)
            self._narrow_names(widths, room, MIN_CRAMPED)
        _give_way(widths, self.headers, sum(widths.values()) - room)
        if self.fill in widths:
            widths[self.fill] += max(0, room - sum(widths.values()))
        return widths

    def _narrow_names(self, widths: dict[int, int], room: int, floor: int,
                      kept: Mapping[int, int] | None = None) -> None:
        """Narrow the elided columns (the widest first, none below ``floor`` or what it keeps
        in ``kept``) to ``room``."""
        names = {c: widths[c] for c in self.shrinkable if c in widths}
        if names:
            floors = {c: max(floor, (kept or {}).get(c, 0)) for c in names}
            budget = room - sum(w for c, w in widths.items() if c not in names)
            cap = shared_width(list(names.values()), budget, list(floors.values()))
            widths.update({c: min(w, max(cap, floors[c])) for c, w in names.items()})

    def apply(self) -> None:
        if not self.natural:
            return
        header = self.view.horizontalHeader()
        changed = False
        self._applying = True
        try:
            for column, width in self.widths(self.view.viewport().width()).items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
                    changed = True
        finally:
            self._applying = False
        if changed:
            self.refitted.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False


def _give_way(widths: dict[int, int], least: dict[int, int], excess: int) -> None:
    """Take ``excess`` pixels from the columns of ``least``, in proportion to what each
    has above its least width (never below it)."""
    spare = {c: widths[c] - w for c, w in least.items() if widths[c] > w}
    total = sum(spare.values())
    if excess <= 0 or total <= 0:
        return
    share = min(1.0, excess / total)
    for column, room in spare.items():
        widths[column] -= min(room, math.ceil(room * share))
