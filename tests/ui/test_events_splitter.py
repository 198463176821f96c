"""The Events table keeps most of the page's height by default (at 1024x640: see
test_daily_layout); a restored layout wins."""

from __future__ import annotations

from exposure_app.ui.widgets.table_splitter import TABLE_SHARE, table_first_sizes


def test_default_sizes_give_the_table_its_share_and_the_panes_their_wish_when_room():
    assert table_first_sizes(1000, [100, 200]) == [700, 100, 200]
    small = table_first_sizes(400, [100, 300])
    assert sum(small) == 400 and small[0] >= 400 * TABLE_SHARE
    assert small[1] / small[2] == 100 / 300
    # a pane held at its minimum takes the room from the other pane, not from the table
    assert table_first_sizes(400, [100, 300], minimum=70) == [260, 70, 70]
    assert table_first_sizes(400, [100, 300], minimum=[110, 70]) == [220, 110, 70]


def test_a_restored_layout_wins_over_the_default_and_survives_resizes(qtbot):
    from PySide6.QtWidgets import QLabel, QTableView

    from exposure_app.ui.widgets.table_splitter import TableSplitter

    def build() -> TableSplitter:
        splitter = TableSplitter(QTableView(), QLabel("details"), QLabel("suggestions"))
        qtbot.addWidget(splitter)
        splitter.resize(600, 500)
        return splitter

    first = build()
    first.show()
    qtbot.waitExposed(first)
    assert first.default_layout and first.sizes()[0] > 250
    first.setSizes([150, 150, sum(first.sizes()) - 300])   # the user's own layout
    saved, chosen = first.saveState(), first.sizes()

    second = build()
    assert second.restoreState(saved) and not second.default_layout
    second.show()
    qtbot.waitExposed(second)
    assert second.sizes() == chosen
    second.resize(600, 700)
    qtbot.wait(20)
    assert second.sizes()[1] == 150     # the table takes the new room, the panes stay


def test_the_window_keeps_the_split_the_user_made_across_restarts(qtbot, make_window, data_dir):
    first = make_window(data_dir)
    first.show_page("events")
    splitter = first.events.splitter
    qtbot.waitUntil(lambda: splitter.sizes()[0] > 0)
    total = sum(splitter.sizes())
    splitter.setSizes([total // 3, total // 3, total - 2 * (total // 3)])
    splitter.splitterMoved.emit(total // 3, 1)      # what a drag of the handle sends
    chosen = splitter.sizes()
    first.close()                                   # saves the window state

    second = make_window(data_dir)
    second.show_page("events")
    restored = second.events.splitter
    qtbot.waitUntil(lambda: sum(restored.sizes()) > 0)
    assert not restored.default_layout
    # the panes keep the user's heights; the table takes whatever the window gives
    assert restored.sizes()[1:] == chosen[1:]
    assert restored.sizes()[0] < total * 0.5       # not the default's table-first split


def test_an_untouched_split_is_not_saved_so_the_default_keeps_adapting(qtbot, make_window,
                                                                       data_dir):
    first = make_window(data_dir)
    first.show_page("events")
    first.close()
    second = make_window(data_dir)
    second.show_page("events")
    assert second.events.splitter.default_layout
    assert second.window_state.value("splitters/events") is None
