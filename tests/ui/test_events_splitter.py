"""At 1024x640 the Events table keeps most of the page's height; a saved layout wins."""

from __future__ import annotations

from exposure_app.ui.widgets.table_splitter import TABLE_SHARE, table_first_sizes
from tests.ui.test_daily_layout import _accounts


def test_default_sizes_give_the_table_its_share_and_the_panes_their_wish_when_room():
    assert table_first_sizes(1000, [100, 200]) == [700, 100, 200]
    small = table_first_sizes(400, [100, 300])
    assert sum(small) == 400 and small[0] >= 400 * TABLE_SHARE
    assert small[1] / small[2] == 100 / 300
    assert table_first_sizes(400, [100, 300], minimum=70) == [225, 70, 105]


def test_events_table_favoured_at_1024x640_and_a_restored_state_wins(qtbot, make_window,
                                                                     data_dir):
    _accounts(data_dir)
    window = make_window(data_dir)
    window.resize(1024, 640)
    window.show_page("events")
    qtbot.wait(50)
    page = window.events
    splitter, view = page.splitter, page.view
    rows = view.viewport().height() / view.verticalHeader().defaultSectionSize()
    assert rows >= 7, rows            # it was about 4 (the panes below kept their minimums)
    table, details, news = splitter.sizes()
    assert table > details + news and news >= details
    suggestions = page.suggestions
    assert suggestions.isVisibleTo(page) and suggestions.read_button.isVisibleTo(page)



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
