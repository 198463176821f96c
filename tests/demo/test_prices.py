"""The seeded price path: reproducible, on its anchors, plausible between them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from exposure_app.services.demo.prices import ANCHORS, generate_price_path

START, END = date(2022, 7, 1), date(2026, 11, 23)


@pytest.fixture(scope="module")
def path():
    return generate_price_path(42, START, END)


def test_same_seed_gives_the_same_path(path):
    again = generate_price_path(42, START, END)
    assert again.prices == path.prices


def test_another_seed_gives_another_path(path):
    other = generate_price_path(43, START, END)
    differing = [
        day for day in path.prices["BTC"] if other.prices["BTC"][day] != path.prices["BTC"][day]
    ]
    assert len(differing) > 1000


def test_adding_an_asset_leaves_the_others_unchanged(path):
    only_btc = generate_price_path(42, START, END, ["BTC"])
    assert only_btc.prices["BTC"] == path.prices["BTC"]


def test_every_day_is_priced(path):
    days = (END - START).days + 1
    for asset, series in path.prices.items():
        assert len(series) == days, asset
        assert all(price > 0 for price in series.values()), asset


@pytest.mark.parametrize("asset", sorted(ANCHORS))
def test_the_path_passes_through_its_anchors(path, asset):
    for text, price in ANCHORS[asset][1]:
        day = date.fromisoformat(text)
        if START <= day <= END:
            assert abs(path.price(asset, day) / Decimal(str(price)) - 1) < Decimal("1e-4"), (
                asset, day
            )


def test_the_november_2022_collapse(path):
    assert path.price("FTT", date(2022, 11, 5)) > 20
    assert path.price("FTT", date(2022, 11, 15)) < 2
    assert Decimal(14000) < path.price("BTC", date(2022, 11, 25)) < Decimal(18500)
    assert path.price("BTC", date(2022, 11, 5)) == Decimal(21300)


def test_levels_look_like_the_market(path):
    assert Decimal(17000) < path.price("BTC", date(2022, 7, 1)) < Decimal(23000)
    assert path.price("BTC", date(2023, 12, 31)) == Decimal(42300)
    # between anchors the walk stays within a plausible band of its neighbours
    for day in (date(2023, 2, 1), date(2023, 8, 1)):
        assert Decimal(12000) < path.price("BTC", day) < Decimal(50000)


def test_stablecoins_hold_their_peg_except_the_usdc_depeg(path):
    depeg = date(2023, 3, 11)
    assert path.price("USDC", depeg) == Decimal("0.88")
    day = START
    while day <= END:
        for coin in ("USDT", "USDC"):
            if coin == "USDC" and abs((day - depeg).days) <= 3:
                continue
            assert abs(path.price(coin, day) - 1) < Decimal("0.005"), (coin, day)
        day += timedelta(days=1)


def test_after_the_last_anchor_prices_stay_near_the_last_level(path):
    for asset in ("BTC", "ETH", "SOL", "BNB"):
        last_day, last_price = ANCHORS[asset][1][-1]
        later = [p for d, p in path.prices[asset].items() if d > date.fromisoformat(last_day)]
        assert later
        assert all(Decimal(last_price) / 3 < p < Decimal(last_price) * 3 for p in later), asset


def test_fiat_usd_is_one_and_a_path_cannot_run_backwards(path):
    assert path.price("USD", date(2023, 1, 1)) == 1
    with pytest.raises(ValueError):
        generate_price_path(1, END, START)
