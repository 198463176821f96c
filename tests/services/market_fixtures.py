"""Loopback price sources for the market price tests: Kraken and Binance emulators
serving the made-up demo price path, a USDC depeg and an FTT crash on known days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.prices import MarketPrice
from exposure_app.emulator.base import EmulatedAccount, EmulatorServer
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.emulator.kraken import KrakenEmulator
from exposure_app.emulator.market_tape import MarketTape, demo_tape
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore

KRAKEN_SYMBOLS = ("BTC/USD", "ETH/USD", "USDT/USD", "EUR/USD")
BINANCE_SYMBOLS = ("BTC/USDT", "ETH/USDT", "USDC/USDT", "FTT/USDT", "BNB/USDT")
DEPEG_PRICE = Decimal("0.88")


@dataclass
class Market:
    server: EmulatorServer
    tape: MarketTape
    kraken: KrakenEmulator
    binance: BinanceEmulator
    today: date
    depeg_day: date
    crash_day: date

    def settings(self, base: str = "USD") -> Settings:
        settings = Settings()
        settings.price_sources = (f"kraken={self.kraken.base_url}, "
                                  f"binance={self.binance.base_url}")
        settings.base_currency = base
        settings.sync_timeout_seconds = 10
        return settings


def start_market() -> Market:
    today = datetime.now(UTC).date()
    tape = demo_tape(today - timedelta(days=500), today)
    depeg_day, crash_day = today - timedelta(days=3), today - timedelta(days=10)
    tape.depeg("USDC", [depeg_day], DEPEG_PRICE)
    tape.crash("FTT", crash_day, Decimal("0.1"))
    kraken = KrakenEmulator(EmulatedAccount("k", "czE="))
    kraken.use_market(tape, KRAKEN_SYMBOLS)
    binance = BinanceEmulator(EmulatedAccount("k", "s"))
    binance.use_market(tape, BINANCE_SYMBOLS)
    server = EmulatorServer()
    server.add(kraken)
    server.add(binance)
    return Market(server, tape, kraken, binance, today, depeg_day, crash_day)


def add_wallet_priced_hours_ago(store: ProfileStore, btc: Decimal, *, hours: int = 3) -> Account:
    """A self-custody wallet, "Ledger", holding ``btc`` BTC, valued in USD from the one
    cached ticker (BTC/USD 50,000 from Kraken) fetched ``hours`` ago."""
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    fetched = datetime.now(UTC) - timedelta(hours=hours)
    store.market.save([], [MarketPrice("BTC", "USD", Decimal("50000"), "kraken", fetched)],
                      fetched)
    set_holding(store, wallet, "BTC", btc, base="USD")
    return wallet
