"""A fixed profile for the report golden files (custodians with no shipped events)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from exposure_app.domain.checklist import LockDetail
from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.risk.events import Category, Origin, Resolution, RiskEvent
from exposure_app.risk.scoring import Level
from exposure_app.risk.warnings import RiskWarning, WarningExposure
from exposure_app.services.checklist_service import open_checklist, set_item
from exposure_app.services.settings import Settings
from exposure_app.storage.checklist import HoldingLockRepository, WithdrawalNetworkRepository
from exposure_app.storage.store import ProfileStore

D = Decimal
DAY1 = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
DAY3 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
AS_OF_TEXT = "2026-03-03"
AS_OF = datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=UTC)
BGB_PRICE = D("1.2345678901234567")


def _h(wallet, asset, free, locked="0", price=None) -> Holding:
    f, lk = D(free), D(locked)
    p = None if price is None else D(price)
    return Holding(wallet, asset, f, lk, f + lk, p, None if p is None else (f + lk) * p,
                   None if p is None else "fixture")


def _save(store, account_id, when, holdings) -> int:
    return store.snapshots.save(Snapshot(None, account_id, when, SnapshotStatus.OK, tuple(holdings),
                                         ("spot",), source=SnapshotSource.SYNC))


def build(store: ProfileStore) -> None:
    """Accounts with formula-like names, wallets, locks, an unpriced asset, two days of history
    and a ticked checklist step whose note starts with a minus sign."""
    bitget = store.accounts.add("=Bitget main", AccountKind.EXCHANGE_API, counterparty="bitget",
                                exchange_id="bitget")
    mexc = store.accounts.add("MEXC manual", AccountKind.MANUAL_CUSTODIAL, counterparty="mexc")
    cold = store.accounts.add("@Cold wallet", AccountKind.SELF_CUSTODY)
    sid = _save(store, bitget.id, DAY1, [
        _h("spot", "BTC", "0.2", "0.05", "60000"),
        _h("earn_locked", "ETH", "0", "1.5", "3000"),
        _h("spot", "BGB", "100", price=str(BGB_PRICE)),
        _h("spot", "XYZ", "7"),
    ])
    HoldingLockRepository(store).record(sid, [
        LockDetail("spot", "BTC", "open_orders", None, D("0.05")),
        LockDetail("earn_locked", "ETH", "locked_earn", "2026-06-30T00:00:00+00:00", D("1.5")),
    ])
    _save(store, mexc.id, DAY1, [_h("main", "SOL", "10", price="150")])
    _save(store, mexc.id, DAY3, [_h("main", "SOL", "12", price="150")])
    _save(store, cold.id, DAY1, [_h("main", "BTC", "1", price="60000"),
                                 _h("main", "BGB", "50", price=str(BGB_PRICE))])
    WithdrawalNetworkRepository(store).replace_exchange("bitget", [
        NetworkInfo("bitget", "BTC", "BTC", "BTC", True, True, D("0.0001"), D("0.0005"), None, None),
        NetworkInfo("bitget", "ETH", "ERC20", "ETH", True, True, D("0.0015"), None, None, None),
        NetworkInfo("bitget", "BGB", "ERC20", "ETH", False, True, None, D("10"), None, None),
    ], DAY1)
    view = open_checklist(store, Settings(), "all", now=DAY3, levels={})
    set_item(store, view.plan_id, "step:wallet", done=True, note="-Ledger set up, seed on steel",
             now=DAY3)
    set_item(store, view.plan_id, "asset:mexc:SOL", note="=HYPERLINK(\"http://x\")", now=DAY3)


EVENTS = (
    RiskEvent("2026-01-02-example-halt", date(2026, 1, 2), "bitget", Category.WITHDRAWAL_HALT,
              "=cmd|' /C calc'!A0", "Withdrawals paused, \"for maintenance\", resumed next day.",
              ("https://example.com/a", "https://example.com/b"), D("1500000.50"),
              Resolution(date(2026, 1, 3), "resumed"), Origin.USER),
    RiskEvent("2025-05-01-example-hack", date(2025, 5, 1), "mexc", Category.HACK,
              "+Hot wallet drained", "A hot wallet lost funds;\nusers were repaid.",
              ("https://example.com/c",), None, None, Origin.SHIPPED),
    RiskEvent("2026-02-01-example-reg", date(2026, 2, 1), "bitget", Category.REGULATORY,
              "@SUM(1+1) fine", "\tTab-led summary", ("https://example.com/d",), None, None,
              Origin.FEED),
)

WARNINGS = (
    RiskWarning("bitget", "Bitget", Level.HIGH, 0.71,
                WarningExposure(D("23561.728395061728395"), D("0.18"), D("21123.45678901234567"),
                                D("61.728395061728395")),
                ("-50% of your custodial holdings", "Withdrawal halt on 2026-01-02"),
                (EVENTS[0], EVENTS[2]), "Make a plan to move your assets (self-custody checklist)."),
    RiskWarning("mexc", "MEXC", Level.LOW, 0.2,
                WarningExposure(D("1800"), D("0.013"), D("1800"), D("0")),
                ("A hack in 2025",), (EVENTS[1],), "Keep an eye on it."),
)
