"""One share format for the GUI: the overview and the Holdings page write the same
fraction the same way (one decimal), and a tiny share is not shown as nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest


def test_the_overview_and_holdings_write_one_share_alike(qtbot, make_window, data_dir):
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore
    from exposure_app.ui.charts.exposure_bars import value_label
    from exposure_app.ui.models.asset_totals_model import AssetTotalsModel
    from exposure_app.ui.models.holdings_model import HoldingsModel

    store = ProfileStore.open(data_dir)
    try:
        kraken = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL,
                                    counterparty="kraken")
        ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, kraken, "BTC", Decimal("1"), price=Decimal(30000))
        set_holding(store, ledger, "ETH", Decimal("20"), price=Decimal(3000))
    finally:
        store.close()
    window = make_window(data_dir, page="overview")
    overview = window.overview
    assert "33.3%" in overview.split_text.text() and "66.7%" in overview.split_text.text()
    assert overview.donut.caption == "33.3%"
    bars = [value_label(row, "USD") for row in overview.bars.rows]
    assert bars and bars[0].startswith("33.3% · ")

    window.show_page("holdings")
    holdings = window.holdings.view.model()
    shares = {holdings.index(r, HoldingsModel.Columns.ASSET).data():
              holdings.index(r, HoldingsModel.Columns.SHARE).data()
              for r in range(holdings.rowCount())}
    assert shares == {"BTC": "33.3%", "ETH": "66.7%"}
    window.holdings.per_asset_button.click()
    totals = window.holdings.assets_proxy
    columns = AssetTotalsModel.Columns
    assert {totals.index(r, columns.SHARE).data() for r in range(totals.rowCount())} == \
        {"33.3%", "66.7%"}
    assert {totals.index(r, columns.CUSTODIAL).data() for r in range(totals.rowCount())} == \
        {"100.0%", "0.0%"}


@pytest.mark.parametrize(("fraction", "text"), [
    (Decimal("0.154"), "15.4%"), (Decimal("0.00004"), "<0.1%"), (Decimal("-0.00004"), ">-0.1%"),
    (Decimal("0.0005"), "0.1%"), (Decimal(0), "0.0%"), (None, "—"),
])
def test_a_share_has_one_decimal_and_a_tiny_one_is_not_nothing(fraction, text):
    from exposure_app.ui.formatting import format_share

    assert format_share(fraction) == text
