"""Following a light/dark palette switch while the window runs.

Most widgets repaint from the new palette by themselves; these do not, and
:func:`restyle_for_palette` redoes them: style sheets that name ``palette(…)``
(resolved when set), icons drawn for the old palette (actions, page buttons,
the navigation), the overview's painted charts and the history plot. Pages not
built yet take the palette when they are. The window then shows its page's
data again (:meth:`MainWindow.apply_palette`).

Threading: GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QWidget

from exposure_app.ui.icons import action_icon

if TYPE_CHECKING:
    from exposure_app.ui.main_window import MainWindow


def restyle_for_palette(window: MainWindow) -> None:
    """Redo what was drawn or styled for the previous palette."""
    # style sheets resolve palette(...) when set: set them again so muted labels and
    # the navigation take the new palette's colours
    for widget in (window, *window.findChildren(QWidget)):
        sheet = widget.styleSheet()
        if "palette(" in sheet:
            widget.setStyleSheet("")
            widget.setStyleSheet(sheet)
    # actions and page buttons made with an icon name (window_actions, action_button)
    iconed: list[QAction | QAbstractButton] = [*window.findChildren(QAction),
                                               *window.findChildren(QAbstractButton)]
    for item in iconed:
        name = item.property("icon_name")
        if name:
            item.setIcon(action_icon(name))
    for key in window.page_keys():
        window.pages.item(key).setIcon(action_icon(window.pages.icon_name(key)))
    # pages not built yet are styled from the palette when they are
    if window.pages.built("overview") is not None:
        overview = window.overview
        overview.bars.update()    # painted widgets: they take their colours
        overview.donut.update()   # from the palette when they paint
        overview.forget_drawn()
    if window.pages.built("history") is not None:
        from exposure_app.ui.charts import theme

        history = window.history
        theme.style_plot(history.chart)
        history._loaded_key = None
