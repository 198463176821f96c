"""Price signals end to end: closes served by the exchange emulators (a made-up price path
with an FTT crash and a USDC depeg on known days), cached by the prices service, read
through ``CachedCloses`` into the warnings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.risk.events import Category
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.prices import CachedCloses, refresh_prices
from exposure_app.services.risk_service import warnings_as_of
from tests.services.market_fixtures import start_market


@pytest.fixture(scope="module")
def market():
    m = start_market()
    yield m
    m.server.stop()


def _end_of(day):
    return datetime.combine(day, time(23, 59), tzinfo=UTC)


def test_own_token_crash_and_depeg_reach_the_warnings_only_from_their_day(store, market):
    settings = market.settings()
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    start = market.today - timedelta(days=40)
    when = datetime.combine(start, time(12), tzinfo=UTC)
    set_holding(store, wallet, "FTT", Decimal("100"), when=when, base="USD")
    set_holding(store, wallet, "USDC", Decimal("500"), when=when, base="USD")
    set_holding(store, wallet, "BTC", Decimal("1"), when=when, base="USD")
    report = asyncio.run(refresh_prices(store, settings, throttle=False, history_start=start))
    assert report.ok, report
    closes = CachedCloses(store)

    def derived(as_of, category):
        result = warnings_as_of(store, settings, _end_of(as_of), closes=closes)
        return [e for w in result.warnings for e in w.events
                if e.is_derived and e.category is category]

    assert derived(market.crash_day - timedelta(days=1), Category.TOKEN_DRAWDOWN) == []
    (crash,) = derived(market.crash_day, Category.TOKEN_DRAWDOWN)
    assert crash.counterparty == "ftx" and crash.published_day == market.crash_day
    assert derived(market.depeg_day - timedelta(days=1), Category.DEPEG) == []
    (depeg,) = derived(market.depeg_day, Category.DEPEG)
    assert depeg.published_day == market.depeg_day and "USDC" in depeg.title
    without = warnings_as_of(store, settings, _end_of(market.depeg_day))
    assert not any(e.is_derived for w in without.warnings for e in w.events)
