"""The demo investor: which accounts they had, and what each held when.

The story, mid-2022 to today: the investor holds coins on FTX (including
FTT) and Binance (including BNB and BUSD), lends stablecoins to a lender
(Nexo) and keeps a hardware wallet. In the week of 8 November 2022 they pull
part of their BTC off FTX the day before it halts withdrawals; the rest is
stuck and becomes a claim, paid out in USDC through Kraken in February 2025
(half of it then goes to the wallet). They also move coins from Binance to
the wallet, again during the December 2022 outflow run, open a Kraken
account, swap BUSD for USDT when Paxos stops minting it, and later add OKX
(and Bybit, Coinbase when the demo serves them). Each exchange account's last period is exactly
its emulated portfolio (:mod:`exposure_app.emulator.demo_portfolio`), so the
first live sync continues the history.

Amounts here are data, not randomness; the seeded parts (open-order holds,
prices) are in :mod:`exposure_app.services.demo.history`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from exposure_app.domain.models import AccountKind, SnapshotSource
from exposure_app.emulator.demo_portfolio import DEMO_BALANCES

START = date(2022, 7, 1)
FTX_HALT = date(2022, 11, 8)
"""FTX stopped processing withdrawals on 8 November 2022."""
FTX_PAYOUT = date(2025, 2, 18)
"""The FTX estate's first distribution (claims up to $50,000), paid through Kraken and BitGo."""


@dataclass(frozen=True, slots=True)
class Line:
    """One position during a period.

    ``locked`` is a fixed part that cannot be withdrawn (locked earn,
    bonded staking). ``apy`` makes an earn balance grow so that it reaches
    ``amount`` at the end of its period. Up to ``in_orders`` of the amount
    sits in open orders on a given day (a seeded share, counted as locked).
    """

    wallet: str
    asset: str
    amount: Decimal
    locked: Decimal = Decimal(0)
    apy: float = 0.0
    in_orders: float = 0.0


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class DemoAccountSpec:
    """One demo account. ``key`` is stable; exchange accounts use their ccxt id."""

    key: str
    name: str
    kind: AccountKind
    counterparty: str | None
    source: SnapshotSource
    periods: tuple[Period, ...]
    exchange_id: str | None = None
    halted_on: date | None = None
    paid_out_on: date | None = None

    @property
    def opened(self) -> date:
        return self.periods[0].start


def _l(wallet: str, asset: str, amount: str, **kw: Any) -> Line:
    if "locked" in kw:
        kw["locked"] = Decimal(kw["locked"])
    return Line(wallet, asset, Decimal(amount), **kw)


def _p(day: str, *lines: Line) -> Period:
    return Period(date.fromisoformat(day), lines)


def _final(exchange_id: str, day: str) -> Period:
    """The exchange's emulated portfolio as the account's last period."""
    return Period(
        date.fromisoformat(day),
        tuple(Line(b.wallet, b.asset, b.total, b.locked) for b in DEMO_BALANCES[exchange_id]),
    )


FTX = DemoAccountSpec(
    "ftx", "FTX", AccountKind.MANUAL_CUSTODIAL, "ftx", SnapshotSource.IMPORT,
    (
        _p("2022-07-01",
           _l("main", "BTC", "0.45", in_orders=0.3), _l("main", "ETH", "3.2"),
           _l("main", "SOL", "80"), _l("main", "USD", "6500"),
           _l("main", "USDT", "2000", in_orders=0.3), _l("staking", "FTT", "150")),
        _p("2022-09-12",
           _l("main", "BTC", "0.52", in_orders=0.3), _l("main", "ETH", "3.2"),
           _l("main", "SOL", "80"), _l("main", "USD", "5000"),
           _l("main", "USDT", "2000", in_orders=0.3), _l("staking", "FTT", "150")),
        # 7 November: 0.15 BTC withdrawn to the hardware wallet, one day before the halt.
        _p("2022-11-07",
           _l("main", "BTC", "0.37"), _l("main", "ETH", "3.2"), _l("main", "SOL", "80"),
           _l("main", "USD", "5000"), _l("main", "USDT", "2000"), _l("staking", "FTT", "150")),
    ),
    halted_on=FTX_HALT,
    paid_out_on=FTX_PAYOUT,
)

LEDGER = DemoAccountSpec(
    "ledger", "Ledger hardware wallet", AccountKind.SELF_CUSTODY, None, SnapshotSource.MANUAL,
    (
        _p("2022-07-01", _l("main", "BTC", "0.6"), _l("main", "ETH", "2"),
           _l("main", "FTT", "100"), _l("main", "USDC", "1500")),
        _p("2022-11-07", _l("main", "BTC", "0.75"), _l("main", "ETH", "2"),
           _l("main", "FTT", "100"), _l("main", "USDC", "1500")),
        _p("2022-11-10", _l("main", "BTC", "0.95"), _l("main", "ETH", "2"),
           _l("main", "FTT", "100"), _l("main", "USDC", "1500")),
        _p("2022-12-14", _l("main", "BTC", "1.1"), _l("main", "ETH", "4"),
           _l("main", "FTT", "100"), _l("main", "USDC", "1500")),
        _p("2023-06-05", _l("main", "BTC", "1.15"), _l("main", "ETH", "4.2"),
           _l("main", "FTT", "100"), _l("main", "USDC", "1500")),
        _p("2024-03-15", _l("main", "BTC", "1.05"), _l("main", "ETH", "4.2"),
           _l("main", "FTT", "100"), _l("main", "USDC", "6000")),
        _p("2025-02-01", _l("main", "BTC", "1.1"), _l("main", "ETH", "4.4"),
           _l("main", "FTT", "100"), _l("main", "USDC", "4000")),
        # half of the FTX payout, moved on from Kraken
        _p("2025-02-20", _l("main", "BTC", "1.1"), _l("main", "ETH", "4.4"),
           _l("main", "FTT", "100"), _l("main", "USDC", "16000")),
    ),
)

NEXO = DemoAccountSpec(
    "nexo", "Nexo savings", AccountKind.MANUAL_CUSTODIAL, "nexo", SnapshotSource.MANUAL,
    (
        _p("2022-07-01", _l("earn", "USDC", "5400", apy=0.08), _l("earn", "BTC", "0.1", apy=0.04)),
        # after FTX: most of the stablecoins are withdrawn
        _p("2022-11-16", _l("earn", "USDC", "2160", apy=0.08), _l("earn", "BTC", "0.104", apy=0.04)),
        _p("2024-01-02", _l("earn", "USDC", "2700", apy=0.07), _l("earn", "BTC", "0.11", apy=0.03)),
    ),
)

BINANCE_BEFORE = (
    _p("2022-07-01",
       _l("spot", "BTC", "0.6", in_orders=0.25), _l("spot", "ETH", "5"), _l("spot", "BNB", "24"),
       _l("spot", "USDT", "3500", in_orders=0.3), _l("spot", "BUSD", "3000"),
       _l("funding", "USDC", "1000"), _l("earn_flexible", "USDT", "5250", apy=0.05),
       _l("earn_locked", "ETH", "2", locked="2")),
    # 10 November: 0.2 BTC to the hardware wallet as FTX fails.
    _p("2022-11-10",
       _l("spot", "BTC", "0.4", in_orders=0.25), _l("spot", "ETH", "5"), _l("spot", "BNB", "24"),
       _l("spot", "USDT", "3500", in_orders=0.3), _l("spot", "BUSD", "3000"),
       _l("funding", "USDC", "1000"), _l("earn_flexible", "USDT", "5250", apy=0.05),
       _l("earn_locked", "ETH", "2", locked="2")),
    # 14 December: part of the run on Binance; BTC and ETH go to the wallet.
    _p("2022-12-14",
       _l("spot", "BTC", "0.25", in_orders=0.2), _l("spot", "ETH", "3"), _l("spot", "BNB", "24"),
       _l("spot", "USDT", "2000", in_orders=0.3), _l("spot", "BUSD", "3000"),
       _l("funding", "USDC", "1000"), _l("earn_flexible", "USDT", "3030", apy=0.05),
       _l("earn_locked", "ETH", "2", locked="2")),
    # 14 February 2023: Paxos stops minting BUSD; swapped for USDT.
    _p("2023-02-14",
       _l("spot", "BTC", "0.25", in_orders=0.2), _l("spot", "ETH", "3"), _l("spot", "BNB", "24"),
       _l("spot", "USDT", "5000", in_orders=0.3),
       _l("funding", "USDC", "1000"), _l("earn_flexible", "USDT", "3400", apy=0.05),
       _l("earn_locked", "ETH", "2", locked="2")),
    _p("2024-01-10",
       _l("spot", "BTC", "0.35", in_orders=0.2), _l("spot", "ETH", "2.4"), _l("spot", "BNB", "16"),
       _l("spot", "USDT", "2500", in_orders=0.3), _l("spot", "USDC", "400"),
       _l("funding", "USDC", "1200"), _l("funding", "USDT", "600"),
       _l("earn_flexible", "USDT", "4000", apy=0.04), _l("earn_flexible", "BNB", "5.2", apy=0.02),
       _l("earn_locked", "ETH", "1.5", locked="1.5")),
)

EXCHANGE_HISTORY: dict[str, tuple[Period, ...]] = {
    "binance": (*BINANCE_BEFORE, _final("binance", "2025-03-03")),
    "kraken": (
        _p("2022-12-15", _l("spot", "BTC", "0.15"), _l("spot", "USDC", "2000"),
           _l("earn_flexible", "USDC", "1040", apy=0.04)),
        _p("2023-06-10", _l("spot", "BTC", "0.18"), _l("spot", "ETH", "1", in_orders=0.2),
           _l("spot", "USDC", "2400"), _l("earn_flexible", "USDC", "1900", apy=0.04),
           _l("staking", "ETH", "2")),
        _p("2024-05-02", _l("spot", "BTC", "0.21"), _l("spot", "ETH", "1", locked="0.2"),
           _l("spot", "USDC", "3100"), _l("spot", "USDT", "450"),
           _l("earn_flexible", "USDC", "2000", apy=0.04), _l("staking", "ETH", "2.5"),
           _l("earn_locked", "SOL", "30", locked="30")),
        # the FTX claim is paid out in USDC through Kraken (half moves on to the wallet)
        _final("kraken", "2025-02-18"),
    ),
    "okx": (
        _p("2023-03-20", _l("spot", "BTC", "0.08"), _l("spot", "OKB", "30"),
           _l("spot", "USDT", "1200", in_orders=0.3), _l("funding", "USDC", "500"),
           _l("earn_flexible", "USDT", "2080", apy=0.04)),
        _final("okx", "2024-09-02"),
    ),
    "bybit": (_final("bybit", "2024-02-05"),),
    "coinbase": (_final("coinbase", "2023-09-04"),),
}

EXCHANGE_NAMES = {
    "binance": "Binance", "okx": "OKX", "kraken": "Kraken", "bybit": "Bybit", "coinbase": "Coinbase",
}


def exchange_spec(exchange_id: str) -> DemoAccountSpec:
    return DemoAccountSpec(
        exchange_id, EXCHANGE_NAMES[exchange_id], AccountKind.EXCHANGE_API, exchange_id,
        SnapshotSource.DEMO, EXCHANGE_HISTORY[exchange_id], exchange_id=exchange_id,
    )


MANUAL_SPECS: tuple[DemoAccountSpec, ...] = (FTX, LEDGER, NEXO)


def demo_specs(exchanges: tuple[str, ...] | list[str]) -> tuple[DemoAccountSpec, ...]:
    """The manual accounts plus one exchange account for each id in ``exchanges``."""
    return (*MANUAL_SPECS, *(exchange_spec(ex) for ex in exchanges))
