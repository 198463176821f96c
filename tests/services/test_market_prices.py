"""Market prices from loopback Kraken and Binance through ccxt's own parsing, cached in
a real SQLite profile: current and dated values, a depeg, wallet-only profiles,
the history moving with the market, the offline cache and its age."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.domain.money import share
from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.catalog import load_directory
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.history import daily_history
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.services.prices import CachedCloses, cache_age_text, refresh_prices
from tests.services.market_fixtures import DEPEG_PRICE, start_market


@pytest.fixture(scope="module")
def market():
    m = start_market()
    yield m
    m.server.stop()


def _refresh(store, settings, **kwargs):
    return asyncio.run(refresh_prices(store, settings, throttle=False, **kwargs))


def _noon(day):
    return datetime.combine(day, time(12), tzinfo=UTC)


def test_current_and_dated_prices_come_from_the_sources_in_order(store, market):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, wallet, "BTC", Decimal("1"), base="USD")
    set_holding(store, wallet, "USDC", Decimal("500"), base="USD")
    report = _refresh(store, market.settings(), history_start=market.today - timedelta(days=40))
    assert report.ok and report.closes > 0, report
    prices = MarketPrices.load(store, utc_now())
    # BTC from the first source (Kraken's BTC/USD), USDC only Binance lists (the fallback)
    now = prices.usd("BTC")
    assert now.price == market.tape.last("BTC/USD") and "kraken BTC/USD" in now.label
    day = market.today - timedelta(days=5)
    dated = prices.usd("BTC", day)
    assert dated.price == market.tape.close("BTC/USD", day) and dated.day == day
    kraken_sources = [s for s in report.sources if s.source.startswith("kraken")]
    assert "BTC" in kraken_sources[0].assets and "USDC" not in kraken_sources[0].assets


def test_a_depegged_stablecoin_is_valued_below_one(store, market):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    # recorded on the depeg day before any price was cached: assumed at 1, flagged
    dated = set_holding(store, wallet, "USDC", Decimal("500"), base="USD",
                        when=_noon(market.depeg_day))
    assert dated.holdings[0].value == 500 and "assumed" in dated.holdings[0].price_source
    set_holding(store, wallet, "USDC", Decimal("500"), base="USD")
    _refresh(store, market.settings(), history_start=market.today - timedelta(days=20))
    prices = MarketPrices.load(store, utc_now())
    depeg = prices.usd("USDC", market.depeg_day)
    usdt = market.tape.close("USDT/USD", market.depeg_day)
    expected = DEPEG_PRICE / market.tape.price("USDT", market.depeg_day) * usdt
    assert abs(depeg.price - expected) < Decimal("1e-8")
    assert depeg.price < Decimal("0.9") and not depeg.assumed
    normal = prices.usd("USDC", market.depeg_day - timedelta(days=1))
    assert Decimal("0.99") < normal.price < Decimal("1.01")
    # once the market is known, the assumption in the dated record gives way to the close
    record = store.snapshots.get(dated.id).holdings[0]
    assert record.value == 500 * depeg.price and "assumed" not in record.price_source


def test_an_unlisted_stablecoin_is_assumed_at_one_and_flagged(store, market):
    _refresh(store, market.settings(), history_start=market.today - timedelta(days=5))
    point = MarketPrices.load(store, utc_now()).usd("PYUSD", market.today - timedelta(days=30))
    assert point.price == 1 and point.assumed and point.day == market.today
    assert "assumed" in point.label


def test_wallet_only_profile_has_net_worth_and_custodial_share(store, market):
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    celsius = store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    set_holding(store, ledger, "BTC", Decimal("1"), base="USD")
    set_holding(store, ledger, "USDT", Decimal("1000"), base="USD")
    set_holding(store, celsius, "BTC", Decimal("0.5"), base="USD")
    before = exposure_as_of(store, market.settings())
    # no market price cached yet: BTC unpriced (nothing invented), USDT assumed at 1, flagged
    assert before.net_worth == 1000 and {u.asset for u in before.unpriced} == {"BTC"}
    assert "assumed" in store.snapshots.latest_usable(ledger.id, utc_now()).holdings[1].price_source
    report = _refresh(store, market.settings(), history_start=market.today - timedelta(days=3))
    assert report.revalued_accounts == 2
    after = exposure_as_of(store, market.settings())
    btc, usdt = market.tape.last("BTC/USD"), market.tape.last("USDT/USD")
    assert after.net_worth == Decimal("1.5") * btc + 1000 * usdt
    assert after.custodial.value == Decimal("0.5") * btc
    assert after.custodial.share == share(Decimal("0.5") * btc,
                                          Decimal("1.5") * btc + 1000 * usdt)
    assert Decimal("0.3") < after.custodial.share < Decimal("0.34")
    assert not after.unpriced


def test_a_dated_holding_is_valued_at_that_days_close(store, market):
    wallet = store.accounts.add("Trezor", AccountKind.SELF_CUSTODY)
    day = market.today - timedelta(days=12)
    # recorded before any close is cached: unpriced, then priced by the refresh
    first = set_holding(store, wallet, "ETH", Decimal("2"), when=_noon(day), base="USD")
    assert first.holdings[0].price is None
    _refresh(store, market.settings(), history_start=market.today - timedelta(days=30))
    holding = store.snapshots.get(first.id).holdings[0]
    assert holding.price == market.tape.close("ETH/USD", day)
    assert holding.value == 2 * market.tape.close("ETH/USD", day)
    # recorded once closes are cached: priced at once, at that day's close
    later = day + timedelta(days=3)
    snap = set_holding(store, wallet, "ETH", Decimal("3"), when=_noon(later), base="USD")
    assert snap.holdings[0].price == market.tape.close("ETH/USD", later)


def test_the_history_line_of_a_wallet_moves_with_the_market(store, market):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    start = market.today - timedelta(days=10)
    set_holding(store, wallet, "BTC", Decimal("2"), when=_noon(start), base="USD")
    _refresh(store, market.settings(), history_start=market.today - timedelta(days=30))
    series = daily_history(store, start, market.today - timedelta(days=1), load_directory())
    expected = [2 * market.tape.close("BTC/USD", p.day) for p in series]
    assert [p.self_custody for p in series] == expected
    assert len(set(expected)) > 5     # one record, a line that moves


def test_closes_source_gives_usd_closes_oldest_first_until_end(store, market):
    # the custodians' own tokens are fetched whatever the user holds
    _refresh(store, market.settings(), history_start=market.today - timedelta(days=30))
    end = market.crash_day + timedelta(days=2)
    closes = CachedCloses(store).daily_closes("FTT", market.crash_day - timedelta(days=3), end)
    days = [d for d, _ in closes]
    assert days == sorted(days) and days[-1] == end and len(days) == 6
    before, after = dict(closes)[market.crash_day - timedelta(days=1)], dict(closes)[market.crash_day]
    assert after < before * Decimal("0.2")      # the crash shows in USD terms


def test_offline_the_cache_is_used_and_its_age_shown(store, market):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, wallet, "BTC", Decimal("1"), base="USD")
    fetched = utc_now() - timedelta(hours=5)
    _refresh(store, market.settings(), now=fetched,
             history_start=market.today - timedelta(days=10))
    offline = market.settings()
    offline.price_sources = "kraken=http://127.0.0.1:9, binance=http://127.0.0.1:9"
    report = _refresh(store, offline)
    assert not report.ok and all(not s.ok for s in report.sources)
    assert MarketPrices.load(store, utc_now()).usd("BTC").price == market.tape.last("BTC/USD")
    assert "(5 h old)" in cache_age_text(store)


def test_base_currency_converts_through_the_same_source(store, market):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, wallet, "BTC", Decimal("1"), base="EUR")
    _refresh(store, market.settings("EUR"), history_start=market.today - timedelta(days=10))
    prices = MarketPrices.load(store, utc_now())
    day = market.today - timedelta(days=2)
    eur = prices.price("BTC", "EUR", day)
    expected = market.tape.close("BTC/USD", day) / market.tape.close("EUR/USD", day)
    assert abs(eur.price - expected) < Decimal("1e-12")


def test_an_imported_dated_holding_is_valued_at_that_days_close(store, market, tmp_path):
    from exposure_app.services.holdings_import import import_holdings_csv

    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.accounts.add("Trezor", AccountKind.SELF_CUSTODY)
    set_holding(store, store.accounts.by_name("Trezor"), "ETH", Decimal("1"), base="USD")
    _refresh(store, market.settings(), history_start=market.today - timedelta(days=30))
    day = market.today - timedelta(days=9)
    f = tmp_path / "h.csv"
    f.write_text(f"date,account,asset,amount\n{day.isoformat()},Ledger,ETH,3\n", encoding="utf-8")
    import_holdings_csv(store, f, base="USD")
    snap = store.snapshots.latest_usable(store.accounts.by_name("Ledger").id, utc_now())
    assert snap.holdings[0].value == 3 * market.tape.close("ETH/USD", day)
