"""The Accounts page's button bar at 1024 px: every button shows its whole label.

A squeezed tool button draws its text cut in the middle ("Add wa…ddress"), so each
button must be at least as wide as its label, its icon and its frame need."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_accounts_button_label_is_whole_at_1024_px(qtbot, make_window, data_dir, theme):
    from PySide6.QtWidgets import QToolButton

    from exposure_app.ui.theme_mode import apply_theme

    window = make_window(data_dir, size=(1024, 640), page="accounts")
    try:
        apply_theme(theme)
        qtbot.wait(50)
        page = window.accounts
        buttons = [b for b in page.findChildren(QToolButton)
                   if b.isVisibleTo(page) and b.text()]
        assert len(buttons) >= 8, [b.text() for b in buttons]
        for button in buttons:
            text = button.fontMetrics().horizontalAdvance(button.text())
            # Qt puts 4 px between a tool button's icon and its text
            icon = 0 if button.icon().isNull() else button.iconSize().width() + 4
            assert text + icon <= button.contentsRect().width(), (button.text(), text, icon,
                                                                   button.width())
            assert button.width() >= button.sizeHint().width(), button.text()
            assert button.geometry().right() <= page.width(), button.text()
            # the whole name stays reachable where the label is short
            action = button.defaultAction()
            if action is not None and action.text().rstrip("…") != button.text():
                assert action.toolTip() == action.text().rstrip("…"), button.text()
    finally:
        apply_theme("system")
