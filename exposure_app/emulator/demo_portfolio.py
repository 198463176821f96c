"""What the demo's emulated exchange accounts hold today.

The built-in demo (``exposure-app --demo``) serves these portfolios from the
loopback emulators, so "Sync" in the app reads them live through the real
ccxt path. The demo's generated history (``services.demo``) ends on exactly
these balances, so the first live sync continues the chart without a jump.

Each portfolio spreads over the wallets the exchange's emulator serves: spot
with amounts held in open orders (``locked``), funding, flexible earn, locked
earn or staking with an end date, the exchange's own token where it has one
(BNB, OKB) and both big stablecoins (USDT, USDC).

Nothing here imports the storage or services layers: prices come in from the
caller (the demo's seeded price path for "today"), and credentials are the
emulator's own sample credentials (``ExchangeEmulator.sample``), which are
shaped the way each exchange issues them (Kraken's base64 secret, OKX's
passphrase).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from exposure_app.emulator.base import EmulatedBalance, ExchangeEmulator

# The order in which the demo prefers exchanges; it serves every one of these
# whose emulator is available (at least three are needed).
DEMO_EXCHANGES: tuple[str, ...] = ("binance", "okx", "kraken", "bybit", "coinbase")

# Assets the demo prices; every emulator gets tickers for the ones it lists.
QUOTE = "USDT"


def _d(text: str) -> Decimal:
    return Decimal(text)


# exchange id -> today's balances. Locked spot amounts are open orders.
DEMO_BALANCES: dict[str, tuple[EmulatedBalance, ...]] = {
    "binance": (
        EmulatedBalance("spot", "BTC", _d("0.38"), _d("0.04")),
        EmulatedBalance("spot", "ETH", _d("2.6")),
        EmulatedBalance("spot", "BNB", _d("14.2")),
        EmulatedBalance("spot", "USDT", _d("1850"), _d("400")),
        EmulatedBalance("spot", "USDC", _d("620")),
        EmulatedBalance("funding", "USDT", _d("900")),
        EmulatedBalance("funding", "USDC", _d("1200")),
        EmulatedBalance("earn_flexible", "USDT", _d("4200")),
        EmulatedBalance("earn_flexible", "BNB", _d("5.5")),
        EmulatedBalance("earn_locked", "ETH", _d("0"), _d("1.5"), unlock_in_days=47),
    ),
    "okx": (
        EmulatedBalance("spot", "BTC", _d("0.12")),
        EmulatedBalance("spot", "OKB", _d("38")),
        EmulatedBalance("spot", "USDT", _d("1400"), _d("300")),
        EmulatedBalance("funding", "USDC", _d("750")),
        EmulatedBalance("funding", "USDT", _d("250")),
        EmulatedBalance("earn_flexible", "USDT", _d("2600")),
        EmulatedBalance("staking", "SOL", _d("0"), _d("24"), unlock_in_days=19),
    ),
    "kraken": (
        EmulatedBalance("spot", "BTC", _d("0.21")),
        EmulatedBalance("spot", "ETH", _d("0.8"), _d("0.2")),
        EmulatedBalance("spot", "USDC", _d("7100")),
        EmulatedBalance("spot", "USDT", _d("450")),
        EmulatedBalance("earn_flexible", "USDC", _d("10000")),
        EmulatedBalance("staking", "ETH", _d("2.5")),
        EmulatedBalance("earn_locked", "SOL", _d("0"), _d("30"), unlock_in_days=33),
    ),
    "bybit": (
        EmulatedBalance("spot", "BTC", _d("0.05"), _d("0.01")),
        EmulatedBalance("spot", "USDT", _d("1200"), _d("250")),
        EmulatedBalance("funding", "USDC", _d("800")),
        EmulatedBalance("earn_flexible", "USDT", _d("1800")),
        EmulatedBalance("staking", "SOL", _d("0"), _d("12"), unlock_in_days=61),
    ),
    "coinbase": (
        EmulatedBalance("spot", "BTC", _d("0.09")),
        EmulatedBalance("spot", "USDC", _d("1500")),
        EmulatedBalance("staking", "ETH", _d("1.2")),
    ),
}

# Stablecoins are quoted against USDT like everything else; USDT itself is
# priced through a USD pair where the exchange lists one.
_USD_PAIRS = {"kraken": ("USDT/USD", "USDC/USD", "BTC/USD"), "coinbase": ("USDT/USD", "BTC/USD")}


def demo_assets(exchange_id: str) -> tuple[str, ...]:
    """The assets in ``exchange_id``'s demo portfolio, in first-seen order."""
    return tuple(dict.fromkeys(b.asset for b in DEMO_BALANCES[exchange_id]))


def demo_tickers(exchange_id: str, usd_prices: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """``"BASE/QUOTE" -> last`` for the exchange's assets from USD prices.

    ``usd_prices`` maps an asset to its USD price today (``USDT`` included),
    so ``BTC/USDT`` is ``BTC / USDT`` in USD; a missing asset gets no ticker
    (the app must then show it as unpriced, which the demo never wants, so
    the caller passes every asset in :func:`demo_assets`).
    """
    usdt = usd_prices[QUOTE]
    tickers: dict[str, Decimal] = {}
    for asset in demo_assets(exchange_id):
        if asset == QUOTE or asset not in usd_prices:
            continue
        tickers[f"{asset}/{QUOTE}"] = (usd_prices[asset] / usdt).quantize(Decimal("1e-8"))
    for symbol in _USD_PAIRS.get(exchange_id, ()):
        base = symbol.split("/")[0]
        if base in usd_prices:
            tickers[symbol] = usd_prices[base].quantize(Decimal("1e-8"))
    return tickers


def build_demo_emulator(
    cls: type[ExchangeEmulator], usd_prices: Mapping[str, Decimal], today: date
) -> ExchangeEmulator:
    """An emulator of ``cls`` serving the demo portfolio and tickers for its exchange.

    The account keeps the emulator's sample credentials; its balances are
    replaced with :data:`DEMO_BALANCES` (locked earn dated from ``today``).
    """
    exchange_id = cls.exchange_id
    emulator = cls.sample()
    emulator.account.balances = [b.dated(today) for b in DEMO_BALANCES[exchange_id]]
    emulator.tickers = demo_tickers(exchange_id, usd_prices)
    return emulator


def pick_demo_exchanges(
    available: Mapping[str, type[ExchangeEmulator]], *, limit: int | None = None
) -> list[str]:
    """The demo's exchanges, in :data:`DEMO_EXCHANGES` order, that have an emulator."""
    chosen = [ex for ex in DEMO_EXCHANGES if ex in available]
    return chosen if limit is None else chosen[:limit]


def all_demo_assets(exchanges: Sequence[str] = DEMO_EXCHANGES) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for ex in exchanges for a in demo_assets(ex)))
