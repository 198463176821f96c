"""Withdrawal friction: recorded at each sync, compared with the custodian's own history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D  # noqa: N817

from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.okx import OkxEmulator
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import Category
from exposure_app.risk.withdrawal_friction import StatusSnapshot, friction_events
from exposure_app.services.profile import Profile
from exposure_app.services.risk_service import warnings_as_of
from exposure_app.services.settings import Settings
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.withdrawal_status_history import WithdrawalHistoryRepository

OKX = load_directory().get("okx")
T0 = datetime(2030, 1, 1, 12, tzinfo=UTC)     # made-up dates and statuses (test data)


def snap(hours: float, *statuses: tuple[str, str, bool, str | None, str | None]):
    return StatusSnapshot(T0 + timedelta(hours=hours), tuple(
        NetworkInfo("okx", a, n, withdraw_enabled=on, fee=D(fee) if fee else None,
                    maximum=D(mx) if mx else None)
        for a, n, on, fee, mx in statuses))


CALM = [("USDT", "ERC20", True, "3", "100000"), ("USDT", "TRC20", True, "1", "100000"),
        ("BTC", "Bitcoin", True, "0.0002", None), ("ETH", "ERC20", True, "0.002", None),
        ("SOL", "Solana", True, "0.01", None)]


def test_maintenance_on_one_network_is_normal_a_custodian_wide_pause_is_not():
    one_off = [("USDT", "ERC20", True, "3", "100000"), ("USDT", "TRC20", False, "1", "100000"),
               *CALM[2:]]
    history = [snap(0, *CALM), snap(24, *CALM), snap(48, *one_off)]
    assert friction_events(history, counterparty=OKX, held={"USDT"}, as_of=T0 + timedelta(3)) == []
    paused = [(a, n, False, f, m) for a, n, _, f, m in CALM[:4]] + [CALM[4]]
    history.append(snap(72, *paused))
    (found,) = friction_events(history, counterparty=OKX, held=set(), as_of=T0 + timedelta(4))
    assert found.category is Category.WITHDRAWAL_FRICTION and found.is_derived
    assert found.published_day == (T0 + timedelta(hours=72)).date()
    assert "4 of 5 networks" in found.summary
    # nothing recorded after the as-of instant is read
    assert friction_events(history, counterparty=OKX, held=set(),
                           as_of=T0 + timedelta(hours=71)) == []


def test_limits_cut_fees_jump_and_held_coins_blocked_against_own_history():
    cut = [("USDT", "ERC20", True, "3", "20000"), ("USDT", "TRC20", True, "12", "100000"),
           *CALM[2:]]
    (found,) = friction_events([snap(0, *CALM), snap(24, *CALM), snap(48, *cut)],
                               counterparty=OKX, held={"USDT"}, as_of=T0 + timedelta(3))
    assert "maximum withdrawal cut to 20000" in found.summary
    assert "withdrawal fee 12" in found.summary
    blocked = [("USDT", "ERC20", False, "3", "100000"), ("USDT", "TRC20", False, "1", "100000"),
               *CALM[2:]]
    once = [snap(0, *CALM), snap(24, *blocked)]
    assert friction_events(once, counterparty=OKX, held={"USDT"}, as_of=T0 + timedelta(2)) == []
    twice = [*once, snap(30, *blocked)]
    (held,) = friction_events(twice, counterparty=OKX, held={"USDT"}, as_of=T0 + timedelta(2))
    assert "USDT withdrawals disabled on every network" in held.summary
    assert friction_events(twice, counterparty=OKX, held={"BTC"}, as_of=T0 + timedelta(2)) == []
    # no history, no comparison
    assert friction_events([snap(0, *blocked)], counterparty=OKX, held={"USDT"},
                           as_of=T0 + timedelta(1)) == []


def test_each_sync_records_status_and_a_pause_reaches_the_warning(
        store, data_dir, add_exchange_account, memory_keyring):
    balances = [EmulatedBalance("funding", "USDT", D("2500"))]
    emu = OkxEmulator(EmulatedAccount("okx-k", "okx-s", password="okx-p", balances=balances))
    chains = ("ERC20", "TRC20", "Polygon", "Arbitrum One", "Optimism")
    emu.coin_networks = {"USDT": [{"chain": c, "fee": "1", "min": "2"} for c in chains]}
    add_exchange_account(store, "OKX", emu)

    def sync():
        report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
        assert all(r.status.value == "ok" for r in report.results), report.results

    sync()
    # an hour later (the refresh is hourly): most networks paused
    store.db.execute("UPDATE withdrawal_info_fetches SET fetched_at = ?",
                     [(datetime.now(UTC) - timedelta(hours=2)).isoformat()])
    store.db.conn.commit()
    emu.coin_networks = {"USDT": [{"chain": c, "fee": "1", "min": "2", "withdraw": c == "ERC20"}
                                  for c in chains]}
    sync()
    history = WithdrawalHistoryRepository(store).snapshots(
        "okx", since=datetime.now(UTC) - timedelta(days=1), until=datetime.now(UTC))
    assert len(history) == 2
    assert [s.disabled_share() for s in history] == [(0, 5), (4, 5)]
    okx = warnings_as_of(store, Settings()).for_counterparty("okx")
    assert okx is not None
    derived = [e for e in okx.events if e.category is Category.WITHDRAWAL_FRICTION]
    assert derived and "4 of 5 networks" in derived[0].summary
    assert any("withdrawal friction" in r.lower() for r in okx.reasons)
    from exposure_app.services.checklist_service import build_checklist

    plan = build_checklist(store, Settings(), "okx", levels={})
    notes = [getattr(section, "withdrawal_info_note", "") for section in plan.sections]
    assert any("withdrawal friction since" in n and "4 of 5 networks" in n for n in notes)
