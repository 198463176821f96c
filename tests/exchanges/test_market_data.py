"""Market answers are validated and bounded: bad values are dropped, a bad source
falls back to the next, and the last good prices stay in the cache."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import FaultKind
from exposure_app.exchanges.errors import BadResponseError
from exposure_app.exchanges.market_data import (
    PriceSource,
    Rejected,
    checked_candles,
    checked_price,
    parse_price_sources,
)
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.services.prices import refresh_prices
from exposure_app.services.settings import Settings
from tests.services.market_fixtures import start_market

DAY_MS = 86_400_000


@pytest.mark.parametrize("raw", [float("nan"), "NaN", float("inf"), "-Infinity", -5, 0, "1e20",
                                 "abc", True,
                                 {"price": 1}, None, "1e-20"])
def test_unusable_prices_are_refused(raw):
    with pytest.raises(BadResponseError):
        checked_price(raw, "BTC/USD")


def test_plausible_prices_are_exact_decimals():
    assert checked_price("64000.5", "x") == Decimal("64000.5")
    assert checked_price(0.88, "x") == Decimal("0.88")


def test_candles_must_be_rows_and_bad_rows_are_dropped():
    today = date(2024, 3, 10)
    day = int(datetime(2024, 3, 8, tzinfo=UTC).timestamp() * 1000)
    rejected = Rejected()
    rows = [
        [day - DAY_MS, 1, 1, 1, 100.0, 1],
        [day - DAY_MS + 5, 1, 1, 1, 101.0, 1],     # not a UTC day
        [day, 1, 1, 1, float("nan"), 1],           # no usable close
        [day - DAY_MS, 1, 1, 1, 99.0, 1],          # goes back in time
        [day + 5 * DAY_MS, 1, 1, 1, 100.0, 1],     # in the future
    ]
    assert checked_candles(rows, "BTC/USD", today, rejected) == [(date(2024, 3, 7), Decimal("100.0"))]
    assert len(rejected.reasons) == 4
    with pytest.raises(BadResponseError):
        checked_candles({"rows": []}, "BTC/USD", today, rejected)
    with pytest.raises(BadResponseError):
        checked_candles([[day, 1]], "BTC/USD", today, rejected)


def test_price_sources_setting_is_validated():
    assert parse_price_sources("kraken, binance=http://127.0.0.1:9000") == (
        PriceSource("kraken"), PriceSource("binance", "http://127.0.0.1:9000"))
    settings = Settings()
    for bad in ("", "kraken kraken", "binance=ftp://x", "kraken, kraken"):
        with pytest.raises(ValueError):
            settings.set("price_sources", bad)
    assert settings.price_sources == "kraken, binance"


def test_a_bad_answer_keeps_the_last_good_price_and_a_failed_source_falls_back(store):
    market = start_market()
    try:
        wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, wallet, "BTC", Decimal("1"), base="USD")
        settings = market.settings()
        first = asyncio.run(refresh_prices(store, settings, throttle=False,
                                           history_start=market.today - timedelta(days=5)))
        good = MarketPrices.load(store, utc_now()).usd("BTC")
        assert first.ok and good.price == market.tape.last("BTC/USD")

        # an absurd ticker: rejected, the last good one kept
        market.tape.depeg("BTC", [market.today], Decimal("1e15"))
        second = asyncio.run(refresh_prices(store, settings, throttle=False))
        assert any("plausible range" in r for r in second.rejected)
        kept = MarketPrices.load(store, utc_now()).usd("BTC")
        assert kept.price == good.price

        # the first source answers a captive-portal page: the next one prices BTC
        market.kraken.inject(FaultKind.HTML_200, private_only=False)
        market.tape.depeg("BTC", [market.today], Decimal("70000"))
        third = asyncio.run(refresh_prices(store, settings, throttle=False))
        assert [s.ok for s in third.sources] == [False, True]
        assert "BTC" in third.sources[1].assets
        now = MarketPrices.load(store, utc_now()).usd("BTC")
        assert "binance BTC/USDT" in now.label
    finally:
        market.server.stop()
