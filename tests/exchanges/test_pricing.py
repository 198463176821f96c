"""Valuing holdings: own exchange, other exchanges, last known price, flagged assumptions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.market_data import symbols_for
from exposure_app.exchanges.pricing import PriceBook, wanted_symbols
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore

D = Decimal
NOW = utc_now()


def q(asset, quote, price, source):
    return MarketPrice(asset, quote, D(price), source, NOW)


def book(quotes, known=None, target="USD"):
    known = known or {}
    return PriceBook(target, quotes, lambda asset: known.get(asset), NOW)


def test_the_own_exchange_comes_first():
    b = book([q("BTC", "USD", "60000", "kraken"), q("BTC", "USD", "60100", "coinbase")])
    assert b.value("BTC", "coinbase").price == D("60100")
    assert b.value("BTC", "kraken").price == D("60000")
    assert b.value("BTC", "kraken").source == "kraken BTC/USD"


def test_a_stablecoin_quote_converted_through_another_exchange_is_not_assumed():
    b = book([q("BTC", "USDT", "64000", "binance"), q("USDT", "USD", "0.998", "kraken")])
    v = b.value("BTC", "binance")
    assert v.price == D("64000") * D("0.998")
    assert v.source == "binance BTC/USDT × kraken USDT/USD" and "assumed" not in v.source
    assert b.value("USDT", "binance").price == D("0.998")


def test_inverse_markets_price_the_quote_currency():
    b = book([q("EUR", "USDT", "1.08", "binance"), q("BTC", "EUR", "55000", "binance")],
             target="EUR")
    assert b.value("BTC", "binance").price == D("55000")
    # an inverse keeps 12 significant digits: exact to a cent on 10 billion
    assert b.value("USDT", "binance").price == D("0.925925925926")


def test_a_converted_price_has_no_digits_its_quotes_do_not_carry():
    """BTC/USDT (itself rounded to 8 decimals) x USDT/USD is 91116.600000000204 exactly;
    the price shown and exported is 91116.6."""
    b = book([q("BTC", "USDT", "91153.06122449", "binance"), q("USDT", "USD", "0.9996", "kraken")])
    assert b.value("BTC", "binance").price == D("91116.6")


def test_both_symbol_finders_skip_markets_that_are_not_open_spot_markets():
    markets = {
        "BTC/USDT": {"spot": True, "active": None},     # the exchange did not say: open
        "ETH/USDT": {"spot": True, "active": False},    # delisted
        "SOL/USDT": {"spot": False, "swap": True},      # a derivative
        "ADA/USDT": "not a market",                      # a damaged cache entry
    }
    assets = ["BTC", "ETH", "SOL", "ADA"]
    assert wanted_symbols(markets, assets, "USD") == ["BTC/USDT"]
    assert [s for a in assets for s in symbols_for(markets, a)] == ["BTC/USDT"]


def test_last_known_price_before_stablecoin_assumption_and_with_its_age():
    known = {"FOO": MarketPrice("FOO", "USD", D("3.5"), "binance FOO/USDT", NOW - timedelta(hours=5))}
    b = book([], known)
    v = b.value("FOO", "binance")
    assert v.price == D("3.5") and "last known" in v.source and "5 h old" in v.source
    assert not v.recordable
    usdc = b.value("USDC", "binance")
    assert usdc.price == 1 and "assumed" in usdc.source and usdc.tier == 3


def test_live_price_in_a_stablecoin_beats_an_old_price_but_is_flagged():
    known = {"BTC": MarketPrice("BTC", "USD", D("50000"), "old", NOW - timedelta(days=3))}
    v = book([q("BTC", "USDT", "64000", "binance")], known).value("BTC", "binance")
    assert v.price == D("64000") and "assumed" in v.source and v.recordable


def test_unpriced_and_base_currency():
    b = book([q("BTC", "USDT", "64000", "binance")])
    assert b.value("NOPE", "binance") is None
    assert b.value("USD", "binance").price == 1


def _emulator(key: str, tickers: dict, balances) -> BinanceEmulator:
    return BinanceEmulator(EmulatedAccount(key, key + "-secret", balances=balances),
                           tickers={k: D(v) for k, v in tickers.items()})


def test_prices_from_another_connected_exchange_and_last_known(
        store, data_dir, add_exchange_account, memory_keyring):
    a = _emulator("a", {"BTC/USDT": "64000", "FOO/USDT": "2"},
                  [EmulatedBalance("spot", "BTC", D(1)), EmulatedBalance("spot", "FOO", D(10))])
    b = _emulator("b", {"USDT/USD": "0.99"}, [EmulatedBalance("spot", "USDT", D(100))])
    acc_a = add_exchange_account(store, "A", a)
    add_exchange_account(store, "B", b)
    profile = Profile(data_dir)
    report = sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    snap = store.snapshots.get(report.result_for(acc_a.id).snapshot_id)
    btc = next(h for h in snap.holdings if h.asset == "BTC")
    assert btc.price == D("64000") * D("0.99")
    assert btc.price_source == "binance BTC/USDT × binance USDT/USD"
    recorded = store.prices.latest("FOO", "USD", report.finished_at)
    assert recorded.price == D("1.98")
    # FOO loses its market: the last known price is used, with its age
    del a.tickers["FOO/USDT"]
    report = sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    snap = store.snapshots.get(report.result_for(acc_a.id).snapshot_id)
    foo = next(h for h in snap.holdings if h.asset == "FOO")
    assert foo.price == D("1.98") and foo.value == D("19.8")
    assert foo.price_source.startswith("last known price (0 min old")
    # the other account's markets were cached apart (another API URL): BTC still live
    btc = next(h for h in snap.holdings if h.asset == "BTC")
    assert btc.price_source == "binance BTC/USDT × binance USDT/USD"


def test_an_asset_the_exchange_cannot_price_is_valued_from_the_market_cache(
        store, data_dir, add_exchange_account, memory_keyring):
    a = _emulator("a", {"BTC/USDT": "64000"},
                  [EmulatedBalance("spot", "BTC", D(1)), EmulatedBalance("spot", "FTT", D(100))])
    acc = add_exchange_account(store, "A", a)
    fetched = utc_now() - timedelta(hours=2)
    store.market.save([], [MarketPrice("FTT", "USD", D("1.5"), "kraken", fetched)], fetched)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    snap = store.snapshots.get(report.result_for(acc.id).snapshot_id)
    ftt = next(h for h in snap.holdings if h.asset == "FTT")
    assert ftt.price == D("1.5") and ftt.value == D("150")
    assert "market price cache: kraken FTT/USD" in ftt.price_source
