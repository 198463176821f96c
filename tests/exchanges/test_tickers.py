"""The one ticker reader (exchanges/tickers.py), used by a sync and by the price refresh:
a bad ticker is dropped alone and counted, every price is held to the price bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.errors import EXCHANGE_WIDE, BadResponseError, describe_exception
from exposure_app.exchanges.pricing import compact_markets, fetch_quotes
from exposure_app.exchanges.tickers import Rejected, ticker_price
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore

D = Decimal


def test_last_then_close_then_a_tight_midpoint():
    assert ticker_price({"last": "64000.5", "close": 1}, "x") == D("64000.5")
    assert ticker_price({"last": None, "close": 0.88}, "x") == D("0.88")
    assert ticker_price({"last": None, "bid": "99.5", "ask": "100.5"}, "x") == D("100")
    # 0 is how venues say "no trade yet": the book still prices the market
    assert ticker_price({"last": "0.00000000", "bid": 99.5, "ask": 100.5}, "x") == D("100")


@pytest.mark.parametrize("ticker", [
    {"symbol": "BTC/USD"},
    {"last": 0, "close": 0},
    {"last": None, "bid": "99.5", "ask": None},
    {"bid": "0", "ask": "100"},                # one-sided
    {"bid": "1", "ask": "1000"},               # an idle book: its midpoint says nothing
    {"bid": "100", "ask": "102.01"},           # just over MAX_MIDPOINT_SPREAD
])
def test_a_ticker_without_a_price_gives_none_and_is_not_an_error(ticker):
    assert ticker_price(ticker, "x") is None


@pytest.mark.parametrize("ticker", [
    {"bid": "101", "ask": "100"},              # crossed
    {"last": "1e30"},                          # beyond any price
    {"last": float("nan")},
    {"last": -3},
    {"last": None, "bid": "1e-20", "ask": "1e-20"},
    ["not", "a", "ticker"],
])
def test_unusable_tickers_are_refused_with_a_reason(ticker):
    with pytest.raises(BadResponseError, match="binance BTC/USDT"):
        ticker_price(ticker, "binance BTC/USDT")


def test_rejected_counts_past_the_reasons_it_keeps():
    rejected = Rejected()
    assert rejected.summary("prices") is None
    for n in range(25):
        rejected.add(f"reason {n}")
    assert rejected.count == 25 and len(rejected.reasons) == 20
    assert rejected.summary("prices") == "prices: 25 dropped as unusable (first: reason 0)"


def _sync_one_account(tickers, store, data_dir, add_exchange_account, memory_keyring):
    """Sync one Binance account holding 1 BTC and 10 FOO; returns (result, holdings)."""
    emulator = BinanceEmulator(
        EmulatedAccount("k", "k-secret", balances=[EmulatedBalance("spot", "BTC", D(1)),
                                                   EmulatedBalance("spot", "FOO", D(10))]),
        tickers={"BTC/USDT": D("64000"), "FOO/USDT": D("2"), **tickers})
    account = add_exchange_account(store, "A", emulator)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    result = report.result_for(account.id)
    snapshot = store.snapshots.get(result.snapshot_id)
    return result, {h.asset: h for h in snapshot.holdings}


def _ticker_notes(result) -> list[str]:
    return [n for n in result.notes if n.startswith("prices from this exchange")]


def test_a_sync_keeps_the_exchanges_other_prices_when_one_ticker_is_malformed(
        store, data_dir, add_exchange_account, memory_keyring):
    """ETH/USDT (asked as a reference quote) says 1e100, a figure beyond any number the
    app reads (a text ccxt cannot parse, such as NaN, fails the whole answer inside ccxt):
    BTC and FOO keep their prices from the same answer."""
    result, holdings = _sync_one_account({"ETH/USDT": D("1e100")}, store, data_dir,
                                         add_exchange_account, memory_keyring)
    assert holdings["BTC"].price == D("64000")
    assert holdings["BTC"].price_source.startswith("binance BTC/USDT")
    assert holdings["FOO"].price == D("2")
    [note] = _ticker_notes(result)
    assert note == ("prices from this exchange: 1 dropped as unusable (first: binance "
                    "ETH/USDT: price 1.000E+100 is outside the plausible range)")


def test_a_sync_refuses_an_oversized_price_and_keeps_the_others(
        store, data_dir, add_exchange_account, memory_keyring):
    result, holdings = _sync_one_account({"FOO/USDT": D("1e15")}, store, data_dir,
                                         add_exchange_account, memory_keyring)
    assert holdings["BTC"].price == D("64000")
    assert holdings["FOO"].price is None and "FOO" in result.unpriced_assets
    assert _ticker_notes(result) == [
        "prices from this exchange: 1 dropped as unusable (first: binance FOO/USDT: price "
        "1.000E+15 is outside the plausible range)"]


def _one_at_a_time(emulator, cached_markets, rejected):
    """``fetch_quotes`` on a real ccxt Binance client pointed at ``emulator`` that, like an
    exchange without a many-tickers call, asks for each market with ``fetch_ticker``."""

    async def action(client):
        client.has["fetchTickers"] = False   # this instance only: ccxt copies ``has``
        return await fetch_quotes(client, "binance", ["BTC", "FOO", "GONE"], "USD", utc_now(),
                                  cached_markets=cached_markets, rejected=rejected)

    return action


def _listing(emulator, run_adapter):
    """The markets the emulator lists now, as a sync caches them."""

    async def load(client):
        await client.load_markets()
        return compact_markets(client.markets)

    return run_adapter(emulator, action=load)


def _price_emulator() -> BinanceEmulator:
    return BinanceEmulator(EmulatedAccount("k", "k-secret"), tickers={
        "BTC/USDT": D("64000"), "FOO/USDT": D("2"), "GONE/USDT": D("5")})


def test_one_at_a_time_a_market_the_exchange_refuses_is_dropped_alone(run_adapter):
    """GONE/USDT is in the markets cached by an earlier sync but delisted since: Binance
    answers -1121 "Invalid symbol." for it; BTC and FOO keep their prices."""
    emulator = _price_emulator()
    cached = _listing(emulator, run_adapter)
    del emulator.tickers["GONE/USDT"]
    rejected = Rejected()
    quotes, _ = run_adapter(emulator, action=_one_at_a_time(emulator, cached, rejected))
    assert {(q.asset, q.quote): q.price for q in quotes} == {
        ("BTC", "USDT"): D("64000"), ("FOO", "USDT"): D("2")}
    assert rejected.count == 1 and rejected.reasons[0].startswith("binance GONE/USDT: not read")
    asked = [path for _, path in emulator.requests if path.startswith("/api/v3/ticker")]
    assert len(asked) == 3   # one request per market: it was the one-by-one path


@pytest.mark.parametrize("fault", [FaultKind.RATE_LIMIT, FaultKind.CONNECTION_RESET,
                                   FaultKind.SERVER_ERROR])
def test_one_at_a_time_a_failure_of_the_exchange_itself_still_fails_its_prices(
        run_adapter, fault):
    """A rate limit, a dropped connection or an outage on the second ticker is no
    reason to drop that market alone: the exchange's prices fail as a whole."""
    emulator = _price_emulator()
    cached = _listing(emulator, run_adapter)
    emulator.inject(fault, path_prefix="/api/v3/ticker", private_only=False)
    rejected = Rejected()
    with pytest.raises(Exception) as raised:
        run_adapter(emulator, action=_one_at_a_time(emulator, cached, rejected))
    assert describe_exception(raised.value, "binance").kind in EXCHANGE_WIDE
    assert rejected.count == 0
