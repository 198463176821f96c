"""Hand-recorded holdings follow the market: re-valued snapshots, pricing at entry, and
re-imports that stay no-ops, on a real SQLite profile."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from exposure_app.domain.models import AccountKind, SnapshotSource
from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.holdings_import import import_holdings_csv
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.manual_revaluation import revalue_manual_accounts

D = Decimal


def _snapshots(store, account_id) -> list:
    return store.db.execute(
        "SELECT source FROM snapshots WHERE account_id = ? ORDER BY taken_at", [account_id]
    ).fetchall()


def test_a_sync_price_revalues_wallets_but_not_the_users_own_figures(store):
    t0 = utc_now() - timedelta(hours=2)
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    ftx = store.accounts.add("FTX", AccountKind.MANUAL_CUSTODIAL, counterparty="ftx")
    set_holding(store, ledger, "BTC", D("0.5"), when=t0)
    set_holding(store, ledger, "ETH", D(2), price=D(1000), when=t0 + timedelta(seconds=1))
    set_holding(store, ftx, "USD", D(10000), value=D(1500), when=t0)     # a claim estimate
    prices = {"BTC": (D(60000), "binance BTC/USDT"), "ETH": (D(3000), "binance ETH/USDT"),
              "USD": (D(1), "base currency")}
    now = utc_now()
    assert revalue_manual_accounts(store, prices.get, now) == [ledger.id]
    latest = store.snapshots.latest_usable(ledger.id, now)
    assert latest.source is SnapshotSource.REVALUED and latest.taken_at == now
    by_asset = {h.asset: h for h in latest.holdings}
    assert by_asset["BTC"].value == D(30000) and by_asset["BTC"].total == D("0.5")
    assert by_asset["BTC"].price_source == "market: binance BTC/USDT"
    assert by_asset["ETH"].value == D(2000)                       # the user's price
    assert store.snapshots.latest_usable(ftx.id, now).holdings[0].value == D(1500)
    # the history keeps the unpriced entry before the re-valuation
    assert [r[0] for r in _snapshots(store, ledger.id)] == ["manual", "manual", "revalued"]
    # the same prices a minute later change nothing, so nothing is written
    assert revalue_manual_accounts(store, prices.get, now + timedelta(minutes=1)) == []
    assert len(_snapshots(store, ledger.id)) == 3


def test_exchange_accounts_are_left_to_their_own_sync(store):
    binance = store.accounts.add("Binance", AccountKind.EXCHANGE_API, counterparty="binance",
                                 exchange_id="binance")
    assert revalue_manual_accounts(store, {"BTC": (D(1), "x")}.get, utc_now()) == []
    assert _snapshots(store, binance.id) == []


def test_a_new_holding_is_priced_at_once_from_the_last_stored_price(store):
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    seen = utc_now() - timedelta(hours=3)
    store.prices.record([MarketPrice("BTC", "USD", D(58000), "kraken BTC/USD", seen)])
    snapshot = set_holding(store, ledger, "BTC", D(1), base="USD")
    (btc,) = snapshot.holdings
    assert btc.value == D(58000)
    assert btc.price_source == "market: last known price (3 h old; kraken BTC/USD)"
    # another base currency has no stored price: unpriced, not guessed
    assert not set_holding(store, ledger, "BTC", D(1), base="EUR").holdings[0].priced
    # a price of the user's own wins over the stored one
    mine = set_holding(store, ledger, "BTC", D(1), price=D(1), base="USD").holdings[0]
    assert mine.value == D(1) and mine.price_source == "manual"


def test_reimporting_after_a_revaluation_changes_nothing(store, tmp_path):
    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    csv = tmp_path / "holdings.csv"
    csv.write_text("account,asset,amount\nLedger,BTC,0.5\n", encoding="utf-8")
    assert import_holdings_csv(store, csv).snapshots_written == 1
    revalue_manual_accounts(store, {"BTC": (D(60000), "x")}.get, utc_now())
    again = import_holdings_csv(store, csv)
    assert again.snapshots_written == 0 and again.snapshots_unchanged == 1
    csv.write_text("account,asset,amount\nLedger,BTC,0.7\n", encoding="utf-8")
    assert import_holdings_csv(store, csv).snapshots_written == 1   # a real change still lands


def test_an_import_with_the_base_currency_prices_rows_at_their_date(store, tmp_path):
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    t = utc_now()
    store.prices.record([
        MarketPrice("BTC", "USD", D(20000), "binance BTC/USDT", t - timedelta(days=400)),
        MarketPrice("BTC", "USD", D(60000), "binance BTC/USDT", t - timedelta(hours=1)),
    ])
    old_day = (t - timedelta(days=399)).date().isoformat()
    csv = tmp_path / "holdings.csv"
    csv.write_text(f"date,account,asset,amount,price\n{old_day},Ledger,BTC,1,\n"
                   f"{old_day},Ledger,ETH,2,1500\n", encoding="utf-8")
    assert import_holdings_csv(store, csv, base="USD").snapshots_written == 1
    first = store.snapshots.latest_usable(ledger.id, t)
    by_asset = {h.asset: h for h in first.holdings}
    assert by_asset["BTC"].value == D(20000)               # the price known at that date
    assert by_asset["BTC"].price_source.startswith("market: last known price")
    assert by_asset["ETH"].value == D(3000) and by_asset["ETH"].price_source == "manual"
    again = import_holdings_csv(store, csv, base="USD")
    assert again.snapshots_written == 0                     # the same file, the same snapshot
    # without the base currency (as before) the row stays unpriced
    other = store.accounts.add("Paper", AccountKind.SELF_CUSTODY)
    csv.write_text("account,asset,amount\nPaper,BTC,1\n", encoding="utf-8")
    import_holdings_csv(store, csv)
    assert not store.snapshots.latest_usable(other.id, utc_now()).holdings[0].priced


def test_a_days_revaluations_keep_only_its_last_and_never_replace_the_users_own(store):
    from datetime import UTC, datetime

    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    day = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    set_holding(store, ledger, "BTC", D("0.5"), when=day - timedelta(days=1))
    for hour, price in enumerate((60000, 61000, 62000)):
        assert revalue_manual_accounts(store, {"BTC": (D(price), "x")}.get,
                                       day + timedelta(hours=hour)) == [ledger.id]
    # the entry the user made stays; of the day's three re-valuations only the last is kept
    assert [r[0] for r in _snapshots(store, ledger.id)] == ["manual", "revalued"]
    latest = store.snapshots.latest_usable(ledger.id, day + timedelta(hours=5))
    assert latest.taken_at == day + timedelta(hours=2)
    assert latest.holdings[0].value == D(31000)
    # the next UTC day starts a snapshot of its own; the day before keeps its last value
    next_day = datetime(2026, 3, 11, 0, 5, tzinfo=UTC)
    revalue_manual_accounts(store, {"BTC": (D(50000), "x")}.get, next_day)
    assert [r[0] for r in _snapshots(store, ledger.id)] == ["manual", "revalued", "revalued"]
    assert store.snapshots.latest_usable(ledger.id, next_day - timedelta(minutes=10)
                                         ).holdings[0].value == D(31000)
    # an entry by hand later that day is the user's: a re-valuation after it adds, never replaces
    set_holding(store, ledger, "BTC", D("0.6"), when=next_day + timedelta(hours=1))
    revalue_manual_accounts(store, {"BTC": (D(51000), "x")}.get, next_day + timedelta(hours=2))
    assert [r[0] for r in _snapshots(store, ledger.id)] == [
        "manual", "revalued", "revalued", "manual", "revalued"]
