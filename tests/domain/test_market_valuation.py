"""Which hand-recorded holdings follow the market, and how they are re-valued."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.domain.market_valuation import (
    MARKET_PREFIX,
    follows_market,
    revalued,
    with_market_price,
    without_market_price,
)
from exposure_app.domain.models import Holding

D = Decimal


def test_only_holdings_without_a_price_of_the_users_own_follow_the_market():
    assert follows_market(Holding.simple("BTC", D(1)))                           # unpriced
    assert follows_market(Holding.simple("BTC", D(1), price=D(5), price_source="market: x"))
    assert not follows_market(Holding.simple("BTC", D(1), price=D(5), price_source="manual"))
    claim = Holding.simple("USD", D(1), value=D(200), price_source="claim estimate: 20%")
    assert not follows_market(claim)


def test_revaluing_prices_market_holdings_and_leaves_the_users_prices_alone():
    btc = Holding.simple("BTC", D("0.5"))
    eth = Holding.simple("ETH", D(2), price=D(1000), price_source="manual")
    prices = {"BTC": (D(60000), "binance BTC/USDT"), "ETH": (D(3000), "binance ETH/USDT")}
    new = revalued([btc, eth], prices.get)
    assert new is not None
    assert new[0].value == D(30000) and new[0].price == D(60000)
    assert new[0].price_source == MARKET_PREFIX + "binance BTC/USDT"
    assert new[1] == eth                                  # the user's price stays
    assert revalued(new, prices.get) is None              # same prices: nothing to write
    moved = revalued(new, {"BTC": (D(61000), "kraken BTC/USD")}.get)
    assert moved is not None and moved[0].value == D(30500)


def test_an_asset_without_a_price_keeps_what_it_had():
    btc = with_market_price(Holding.simple("BTC", D(1)), D(50000), "last known price")
    odd = Holding.simple("ODDCOIN", D(7))
    assert revalued([btc, odd], {}.get) is None
    new = revalued([btc, odd], {"BTC": (D(51000), "x")}.get)
    assert new is not None and new[1] == odd and not new[1].priced


def test_the_recorded_holding_is_what_remains_without_the_market_price():
    bare = Holding.simple("BTC", D(1))
    priced = with_market_price(bare, D(50000), "x")
    assert without_market_price(priced) == bare
    mine = Holding.simple("BTC", D(1), price=D(5), price_source="manual")
    assert without_market_price(mine) == mine
    assert without_market_price(bare) == bare
