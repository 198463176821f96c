"""The checklist table fits the window at 1024 px as the other tables do: no sideways
scrolling, text columns end in "…" with the whole text in the tooltip, numbers whole."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal


def _kraken_holdings(data_dir) -> None:
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    store = ProfileStore.open(data_dir)
    try:
        kraken = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL,
                                    counterparty="kraken")
        for asset, amount, value in (("BTC", "0.21", "19134.49"), ("USDC", "17100", "17093.16"),
                                     ("ETH", "3.5", "8287.30")):
            set_holding(store, kraken, asset, Decimal(amount), value=Decimal(value), when=when)
    finally:
        store.close()


def test_the_checklist_fits_1024_px_without_scrolling_sideways(qtbot, make_window, data_dir):
    from exposure_app.ui.models.checklist_model import ChecklistModel, Col

    _kraken_holdings(data_dir)
    window = make_window(data_dir, size=(1024, 640), page="checklist")
    page = window.page("checklist")
    page.open_for("kraken")
    qtbot.wait(50)
    table = page.table
    header = table.horizontalHeader()
    assert table.model().rowCount() > 3
    shown = sum(header.sectionSize(c) for c in range(header.count()))
    assert shown <= table.viewport().width(), (shown, table.viewport().width())
    assert table.horizontalScrollBar().maximum() == 0
    for column in (Col.AMOUNT, Col.VALUE):   # the numbers are never cut
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), column.name
    model = table.model()
    for row in range(model.rowCount()):
        for column in ChecklistModel.ELIDED:
            text = model.index(row, column).data()
            if text:
                assert model.index(row, column).data(3), (column.name, text)  # a tooltip

    # wider, the columns take their fitted widths back
    window.resize(1920, 1080)
    qtbot.wait(50)
    assert header.sectionSize(Col.CUSTODIAN) > header.sectionSizeHint(Col.CUSTODIAN)
