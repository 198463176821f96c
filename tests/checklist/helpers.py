"""A small profile with custodial and self-custody holdings over several wallets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from exposure_app.domain.checklist import LockDetail
from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.services.profile import Profile
from exposure_app.storage.checklist import HoldingLockRepository, WithdrawalNetworkRepository
from exposure_app.storage.store import ProfileStore

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def h(wallet: str, asset: str, free: str, locked: str = "0", price: str | None = None) -> Holding:
    f, lk = Decimal(free), Decimal(locked)
    total = f + lk
    p = None if price is None else Decimal(price)
    return Holding(wallet, asset, f, lk, total, p, None if p is None else total * p,
                   None if p is None else "test")


BINANCE_HOLDINGS = (
    h("spot", "BTC", "0.5", "0.1", "60000"),
    h("spot", "XRP", "100", price="0.5"),
    h("spot", "BNB", "3", price="600"),
    h("spot", "DOGE", "2", price="0.1"),
    h("spot", "FOO", "10"),
    h("funding", "USDC", "800", price="1"),
    h("earn_locked", "ETH", "0", "2", "3000"),
    h("staking", "SOL", "0", "40", "150"),
    h("futures", "USDT", "3000", price="1"),
)


def snapshot(account_id: int, holdings, taken_at=T0, status=SnapshotStatus.OK) -> Snapshot:
    return Snapshot(None, account_id, taken_at, status, tuple(holdings), ("spot",),
                    source=SnapshotSource.SYNC)


def populate(store: ProfileStore) -> dict[str, int]:
    """Accounts: Binance (exchange API), Kraken (manual), Ledger (self-custody)."""
    # added when their first holdings were recorded, as a user's would be
    binance = store.accounts.add("Binance main", AccountKind.EXCHANGE_API, counterparty="binance",
                                 exchange_id="binance", created_at=T0)
    kraken = store.accounts.add("Kraken manual", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken",
                                created_at=T0)
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY, created_at=T0)
    sid = store.snapshots.save(snapshot(binance.id, BINANCE_HOLDINGS))
    save_locks(store, sid)
    store.snapshots.save(snapshot(kraken.id, [h("main", "ETH", "1", price="3000")]))
    store.snapshots.save(snapshot(ledger.id, [h("main", "BNB", "2", price="600"),
                                              h("main", "BTC", "1", price="60000")]))
    cache_networks(store)
    return {"binance": binance.id, "kraken": kraken.id, "ledger": ledger.id}


def save_locks(store: ProfileStore, sid: int) -> None:
    """Lock reasons as the sync hook records them."""
    HoldingLockRepository(store).record(sid, [
        LockDetail("spot", "BTC", "open_orders", None, Decimal("0.1")),
        LockDetail("earn_locked", "ETH", "locked_earn", "2027-01-15T00:00:00+00:00", Decimal("2")),
        LockDetail("staking", "SOL", "staking", None, Decimal("40")),
    ])


def n(asset: str, network: str, *, enabled=True, fee=None, minimum=None, memo=None, nid=None):
    return NetworkInfo("binance", asset, network, nid or network, enabled, True,
                       None if fee is None else Decimal(fee),
                       None if minimum is None else Decimal(minimum), None, memo, T0)


def cache_networks(store: ProfileStore) -> None:
    WithdrawalNetworkRepository(store).replace_exchange("binance", [
        n("BTC", "BTC", fee="0.0002", minimum="0.001"),
        n("BTC", "BEP20", enabled=False, fee="0.0000051", minimum="0.00001", nid="BSC"),
        n("XRP", "XRP", fee="0.2", minimum="25", memo=True),
        n("DOGE", "DOGE", fee="4", minimum="10"),
        n("USDC", "ERC20", fee="5", minimum="10", memo=False, nid="ETH"),
        n("USDC", "BEP20", fee=None, minimum=None, nid="BSC"),
        n("ETH", "ERC20", fee="0.0012", minimum="0.005", nid="ETH"),
    ], T0)


class PageState:
    """What the checklist page and the export dialog need from the window's view state."""

    def __init__(self, data_dir) -> None:
        from exposure_app.services.exposure_as_of import exposure_as_of

        self.profile = Profile(data_dir)
        self.store = self.profile.open_store()
        self.settings = self.profile.load_settings()
        self.as_of = None
        self.dirty = 0
        self.data = SimpleNamespace(report=exposure_as_of(self.store, self.settings), levels={},
                                    live=True)

    def mark_dirty(self) -> None:
        self.dirty += 1


@contextmanager
def populated_state(data_dir, *more: Callable[[ProfileStore], object]) -> Iterator[PageState]:
    """The view state of :func:`populate`'s profile, after each of ``more`` added to it;
    the state's store is closed afterwards."""
    store = ProfileStore.open(data_dir)
    populate(store)
    for add in more:
        add(store)
    store.close()
    state = PageState(data_dir)
    try:
        yield state
    finally:
        state.store.close()


def shown_checklist_page(qtbot, state: PageState):
    """A checklist page on ``state`` showing its data, before any plan is made."""
    from exposure_app.ui.pages.checklist_page import ChecklistPage

    page = ChecklistPage(state)
    qtbot.addWidget(page)
    page.show_data(state.data)
    return page
