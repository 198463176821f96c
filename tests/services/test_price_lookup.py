"""Route choice over cached closes and tickers (plain data, no store, no network)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from exposure_app.domain.prices import MarketPrice
from exposure_app.services.price_lookup import MarketPrices

D = Decimal
DAY = date(2024, 3, 10)


def prices(closes, tickers=()):
    return MarketPrices(closes, tickers, DAY + timedelta(days=1))


def test_a_close_of_the_day_beats_an_older_one_and_ties_prefer_usd():
    p = prices({("BTC", "USD"): {DAY - timedelta(days=5): D(60000), DAY - timedelta(days=1): D(1)},
                ("BTC", "USDT"): {DAY: D(70000)}, ("USDT", "USD"): {DAY: D("0.5")}})
    point = p.usd("BTC", DAY)
    assert point.price == D(35000) and point.day == DAY and "USDT/USD" in point.label
    tie = prices({("BTC", "USD"): {DAY: D(60000)}, ("BTC", "USDT"): {DAY: D(70000)}})
    assert tie.usd("BTC", DAY).price == D(60000)


def test_no_close_after_the_day_and_none_older_than_the_lookback():
    p = prices({("ETH", "USD"): {DAY + timedelta(days=1): D(3000), DAY - timedelta(days=8): D(1)}})
    assert p.usd("ETH", DAY) is None


def test_stablecoins_fiat_and_assumptions():
    p = prices({("USDC", "USDT"): {DAY: D("0.97")}, ("USDT", "EUR"): {DAY: D("0.9")}})
    usdc = p.usd("USDC", DAY)
    assert usdc.price == D("0.97") and not usdc.assumed and "USDT taken as 1 USD" in usdc.label
    eur = p.usd("EUR", DAY)
    assert abs(eur.price - D(1) / D("0.9")) < D("1e-20")
    assert abs(p.price("USDC", "EUR", DAY).price - D("0.97") * D("0.9")) < D("1e-20")
    dai = p.usd("DAI", DAY)
    assert dai.price == 1 and dai.assumed and dai.day == DAY + timedelta(days=1)
    assert p.usd("NOSUCH", DAY) is None


def test_now_the_freshest_ticker_wins():
    old = datetime(2024, 3, 10, 8, tzinfo=UTC)
    new = old + timedelta(hours=3)
    p = prices({}, [MarketPrice("BTC", "USD", D(60000), "kraken", old),
                    MarketPrice("BTC", "USDT", D(61000), "binance", new)])
    assert p.usd("BTC").label.startswith("binance BTC/USDT")
