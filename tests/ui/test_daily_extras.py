"""What users of portfolio trackers expect: per-asset totals, the exchanges' own CSV exports,
and screenshots of every page in both sizes and both themes."""

from __future__ import annotations

import importlib.util
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.manual_holdings import set_holding
from exposure_app.storage.store import ProfileStore
from tests.conftest import REPO_ROOT
from tests.services.test_exchange_csv_import import KRAKEN


def test_per_asset_totals_say_how_much_in_all_and_where(qtbot, make_window, data_dir):
    from exposure_app.ui.models.asset_totals_model import AssetTotalsModel

    store = ProfileStore.open(data_dir)
    for name, kind, cp, amount in (("Ledger", AccountKind.SELF_CUSTODY, None, "0.6"),
                                   ("Binance", AccountKind.MANUAL_CUSTODIAL, "binance", "0.42"),
                                   ("Kraken", AccountKind.MANUAL_CUSTODIAL, "kraken", "0.4")):
        account = store.accounts.add(name, kind, counterparty=cp)
        set_holding(store, account, "BTC", Decimal(amount), price=Decimal(50000))
    store.close()
    window = make_window(data_dir)
    window.show_page("holdings")
    page = window.holdings
    page.per_asset_button.click()
    assert page.views.currentWidget() is page.assets_view
    model = page.assets_proxy
    assert model.rowCount() == 1
    columns = AssetTotalsModel.Columns
    assert model.index(0, columns.ASSET).data() == "BTC"
    assert model.index(0, columns.AMOUNT).data() == "1.42"
    assert model.index(0, columns.VALUE).data() == "71,000.00 USD"
    assert model.index(0, columns.WHERE).data() == "0.6 Ledger, 0.42 Binance, 0.4 Kraken"
    assert model.index(0, columns.CUSTODIAL).data() == "57.7%"
    assert "1 of 1 assets" in page.summary.text()
    page.each_button.click()
    assert page.views.currentWidget() is page.view


def test_an_exchange_export_is_checked_then_imported_into_a_manual_account(
        qtbot, make_window, data_dir, tmp_path):
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.ui.dialogs.csv_import_dialog import EXCHANGE, CsvImportDialog

    store = ProfileStore.open(data_dir)
    account = store.accounts.add("Kraken by hand", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty="kraken")
    store.close()
    window = make_window(data_dir)
    dialog = CsvImportDialog(window.state.store, window, base="USD")
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(EXCHANGE))
    bad = tmp_path / "bad.csv"
    bad.write_text(KRAKEN.replace("0.0050000000,0.0000000000,0.0050000000", "x,0,y"),
                   encoding="utf-8")
    assert not dialog.check(str(bad))
    assert not dialog.import_button.isEnabled()
    assert "line 3:" in dialog.report.toPlainText()
    good = tmp_path / "ledgers.csv"
    good.write_text(KRAKEN, encoding="utf-8")
    dialog.path.setText(str(good))
    assert dialog.check(str(good))
    assert "Kraken export" in dialog.summary.text() and "Kraken by hand" in dialog.summary.text()
    dialog.do_import()
    assert dialog.import_result.snapshots_written == 1
    snap = window.state.store.snapshots.latest_usable(account.id, utc_now())
    assert {h.asset for h in snap.holdings} == {"BTC", "USD", "DOT"}


def _screenshots_module():
    spec = importlib.util.spec_from_file_location("screenshots",
                                                  REPO_ROOT / "scripts" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_make_screenshots_renders_every_page_in_both_themes(qtbot, tmp_path, monkeypatch):
    """The `make screenshots` code path, at the small size (the large one is the same code)."""
    from PySide6.QtGui import QImage

    screenshots = _screenshots_module()
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    try:
        written = screenshots.render(tmp_path, sizes=((1024, 640),), themes=("light", "dark"))
    finally:
        from exposure_app.ui.theme_mode import apply_theme

        apply_theme("system")
    expected = {f"{theme}-1024x640/{page}.png" for theme in ("light", "dark")
                for page in screenshots.PAGES}
    assert {str(p.relative_to(tmp_path)) for p in written} == expected
    light = QImage(str(tmp_path / "light-1024x640" / "overview.png"))
    dark = QImage(str(tmp_path / "dark-1024x640" / "overview.png"))
    assert (light.width(), light.height()) == (1024, 640)

    def median_lightness(image: QImage) -> int:
        """Most of a page is background: the median of a grid of pixels is its lightness,
        whatever text or chart one pixel happens to land on."""
        values = sorted(image.pixelColor(x, y).lightness()
                        for x in range(0, image.width(), 16)
                        for y in range(0, image.height(), 16))
        return values[len(values) // 2]

    assert median_lightness(light) > 150 and median_lightness(dark) < 100
