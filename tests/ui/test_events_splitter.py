"""The Events table keeps most of the page's height by default (at 1024x640: see
test_daily_layout); a restored layout wins."""

from __future__ import annotations

from exposure_app.ui.widgets.table_splitter import TABLE_SHARE, table_first_sizes


def test_default_sizes_give_the_table_its_share_and_the_panes_their_wish_when_room():
    assert table_first_sizes(1000, [100, 200]) == [700, 100, 200]
    small = table_first_sizes(400, [100, 300])
    assert sum(small) == 400 and small[0] >= 400 * TABLE_SHARE
    assert small[1] / small[2] == 100 / 300
    assert table_first_sizes(400, [100, 300], minimum=70) == [225, 70, 105]


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
