"""The generated demo history: reproducible, complete, and showing November 2022."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind, SnapshotSource
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.demo_portfolio import DEMO_BALANCES
from exposure_app.risk.catalog import load_directory
from exposure_app.services.demo.history import (
    DEFAULT_SEED,
    generate_demo_history,
    recovery_estimate,
)
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.history import daily_history
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore

from .conftest import EXCHANGES, NOW, populate


def as_of(day: str) -> datetime:
    return parse_instant(day, end_of_day=True)


def stored_rows(store: ProfileStore) -> list[tuple]:
    """Every snapshot and holding as comparable rows (ids replaced by account names)."""
    return store.db.execute(
        "SELECT a.name, s.taken_at, s.status, s.source, s.coverage, h.wallet, h.asset, h.free, "
        "h.locked, h.total, h.price, h.value, h.price_source FROM snapshots s "
        "JOIN accounts a ON a.id = s.account_id JOIN holdings h ON h.snapshot_id = s.id "
        "ORDER BY a.name, s.taken_at, h.wallet, h.asset"
    ).fetchall()


def test_same_seed_same_history(demo_history):
    again = generate_demo_history(DEFAULT_SEED, now=NOW, exchanges=EXCHANGES)
    assert again.captures == demo_history.captures
    assert again.prices.prices == demo_history.prices.prices


def test_same_seed_same_profile_and_another_seed_differs(tmp_path, demo_history, demo_store):
    a = ProfileStore.open(tmp_path / "a")
    b = ProfileStore.open(tmp_path / "b")
    try:
        populate(a, generate_demo_history(DEFAULT_SEED, now=NOW, exchanges=EXCHANGES))
        populate(b, generate_demo_history(DEFAULT_SEED + 1, now=NOW, exchanges=EXCHANGES))
        rows = stored_rows(demo_store)
        assert stored_rows(a) == rows
        other = stored_rows(b)
        assert len(other) > 1000 and other != rows
        # the seed changes prices and open-order holds, not who held what when
        assert {r[:2] for r in other} == {r[:2] for r in rows}
        assert sum(1 for x, y in zip(rows, other, strict=True) if x[10] != y[10]) > len(rows) // 2
    finally:
        a.close()
        b.close()


def test_every_capture_is_priced_and_consistent(demo_history):
    empty = [c for c in demo_history.captures if not c.holdings]
    assert [(c.account, c.taken_at.date()) for c in empty] == [("ftx", date(2025, 2, 18))]
    for capture in demo_history.captures:
        for h in capture.holdings:
            assert h.value is not None and h.price is not None, (capture.account, h)
            assert h.free + h.locked == h.total and h.free >= 0 and h.locked >= 0
            assert h.value == h.total * h.price


def test_ftx_and_binance_history_spans_mid_2022_to_end_2023(demo_store):
    months_by_account = defaultdict(set)
    for name, taken_at in demo_store.db.execute(
        "SELECT a.name, s.taken_at FROM snapshots s JOIN accounts a ON a.id = s.account_id"
    ):
        months_by_account[name].add(taken_at[:7])
    wanted = {f"{y}-{m:02d}" for y in (2022, 2023) for m in range(1, 13)} - {
        f"2022-{m:02d}" for m in range(1, 7)
    }
    for name in ("FTX", "Binance"):
        assert wanted <= months_by_account[name], name
    assert min(months_by_account["FTX"]) == "2022-07"
    assert min(months_by_account["Binance"]) == "2022-07"
    ftx = demo_store.accounts.by_name("FTX")
    assert ftx.kind is AccountKind.MANUAL_CUSTODIAL and ftx.counterparty == "ftx"
    sources = {s.source for s in demo_store.snapshots.list_for_account(ftx.id)}
    assert sources == {SnapshotSource.IMPORT}
    binance = demo_store.accounts.by_name("Binance")
    assert binance.kind is AccountKind.EXCHANGE_API and binance.exchange_id == "binance"


def test_ftx_is_frozen_into_a_claim_after_the_halt(demo_store):
    ftx = demo_store.accounts.by_name("FTX")
    before = demo_store.snapshots.latest_usable(ftx.id, as_of("2022-11-07"))
    after = demo_store.snapshots.latest_usable(ftx.id, as_of("2022-11-08"))
    later = demo_store.snapshots.latest_usable(ftx.id, as_of("2023-06-30"))
    assert before.taken_at.date() == date(2022, 11, 7)
    assert after.taken_at.date() == date(2022, 11, 8)
    amounts = {h.asset: h.total for h in before.holdings}
    for snap in (after, later):
        assert {h.asset: h.total for h in snap.holdings} == amounts  # the balance stays
        assert {h.wallet for h in snap.holdings} == {"claim"}
        assert all(h.free == 0 and h.locked == h.total for h in snap.holdings)
    value = lambda s: sum(h.value for h in s.holdings)  # noqa: E731
    assert value(after) < value(before) * Decimal("0.15")
    assert value(later) > value(after)  # the recovery estimate rose in 2023
    assert recovery_estimate(date(2022, 11, 20)) < Decimal("0.1")


def test_the_ftx_claim_is_paid_out_through_kraken(demo_store):
    ftx = demo_store.accounts.by_name("FTX")
    claim = demo_store.snapshots.latest_usable(ftx.id, as_of("2025-02-17"))
    paid = demo_store.snapshots.latest_usable(ftx.id, as_of("2025-02-18"))
    assert claim.holdings and paid.holdings == ()
    assert demo_store.snapshots.latest_usable(ftx.id, as_of("2026-01-01")).id == paid.id
    claim_value = sum(h.value for h in claim.holdings)
    settings = Settings()
    kraken = lambda day: exposure_as_of(demo_store, settings, as_of(day)).counterparty("kraken")  # noqa: E731
    gained = kraken("2025-02-18").direct - kraken("2025-02-17").direct
    assert claim_value * Decimal("0.3") < gained < claim_value


def test_exposure_before_and_after_the_ftx_collapse(demo_store):
    settings = Settings()
    before = exposure_as_of(demo_store, settings, as_of("2022-11-05"))
    after = exposure_as_of(demo_store, settings, as_of("2022-11-15"))
    ftx_before, ftx_after = before.counterparty("ftx"), after.counterparty("ftx")
    assert ftx_before.direct > Decimal(20000)
    assert ftx_before.direct > before.net_worth * Decimal("0.2")
    # still held (a stuck claim), but worth a few cents on the dollar
    assert Decimal(0) < ftx_after.direct < ftx_before.direct * Decimal("0.1")
    # the FTT in the hardware wallet is affiliated exposure, and it collapsed too
    assert ftx_before.affiliated > Decimal(1500)
    assert ftx_after.affiliated < ftx_before.affiliated * Decimal("0.15")
    # BTC moved off FTX and Binance into self-custody
    assert after.self_custody.share > before.self_custody.share
    assert after.counterparty("binance").direct < before.counterparty("binance").direct
    assert after.net_worth < before.net_worth * Decimal("0.8")
    assert not before.unpriced and not after.unpriced


def test_history_chart_shows_the_collapse(demo_store):
    points = daily_history(demo_store, date(2022, 11, 1), date(2022, 11, 20), load_directory())
    ftx = {p.day: p.by_counterparty.get("ftx", Decimal(0)) for p in points}
    assert ftx[date(2022, 11, 7)] > Decimal(20000)
    assert Decimal(0) < ftx[date(2022, 11, 9)] < ftx[date(2022, 11, 7)] * Decimal("0.1")
    share = {p.day: p.custodial_share for p in points}
    assert share[date(2022, 11, 20)] < share[date(2022, 11, 1)]


def test_exchange_accounts_end_on_their_emulated_portfolio(demo_history):
    for exchange_id in EXCHANGES:
        last = demo_history.captures_of(exchange_id)[-1]
        assert last.taken_at <= NOW and last.taken_at.date() == NOW.date()
        expected = sorted((b.wallet, b.asset, b.free, b.locked) for b in DEMO_BALANCES[exchange_id])
        got = sorted((h.wallet, h.asset, h.free, h.locked) for h in last.holdings)
        assert got == expected, exchange_id


def test_the_portfolio_has_what_the_demo_promises(demo_history):
    binance = demo_history.captures_of("binance")[-1].holdings
    wallets = {h.wallet for h in binance}
    assert {"spot", "funding", "earn_flexible", "earn_locked"} <= wallets
    assert {"BNB", "USDT", "USDC"} <= {h.asset for h in binance}
    assert any(h.wallet == "spot" and h.locked > 0 for h in binance)  # open orders
    assert any(h.wallet == "earn_locked" and h.locked == h.total > 0 for h in binance)
    assert "OKB" in {h.asset for h in demo_history.captures_of("okx")[-1].holdings}
    kinds = {s.key: s.kind for s in demo_history.specs}
    assert kinds["ledger"] is AccountKind.SELF_CUSTODY
    assert kinds["nexo"] is AccountKind.MANUAL_CUSTODIAL


def test_prices_are_recorded(demo_store):
    latest = lambda asset, day: demo_store.prices.latest(asset, "USD", as_of(day)).price  # noqa: E731
    assert latest("FTT", "2022-11-05") > 20
    assert latest("FTT", "2022-11-15") < 2
    assert Decimal(14000) < latest("BTC", "2022-11-25") < Decimal(18500)
    assert latest("BTC", "2023-12-31") == Decimal(42300)
    days = demo_store.db.execute(
        "SELECT COUNT(DISTINCT substr(taken_at, 1, 10)) FROM prices WHERE asset = 'BTC'"
    ).fetchone()[0]
    assert days == (NOW.date() - date(2022, 7, 1)).days + 1


def test_nothing_is_dated_after_now(demo_history):
    assert max(c.taken_at for c in demo_history.captures) <= NOW
    assert min(c.taken_at for c in demo_history.captures) >= datetime(2022, 7, 1, tzinfo=UTC)


def test_a_date_before_the_history_is_refused():
    with pytest.raises(ValueError):
        generate_demo_history(now=datetime(2022, 6, 1, tzinfo=UTC))


def test_the_demos_reminders_look_like_a_careful_users(demo_store):
    """Accounts added when first recorded, tests about every quarter: one test due a week
    ago, none "due 2022, 1500 days ago"."""
    from exposure_app.services.reminders import due_reminders, reminders
    from exposure_app.services.settings import Settings

    assert all(a.created_at is not None and a.created_at.year <= 2023
               for a in demo_store.accounts.list())
    due = due_reminders(demo_store, Settings(), now=NOW)
    assert [r.overdue_days for r in due] == [7]
    assert all(r.last_test is not None for r in reminders(demo_store, Settings(), now=NOW)
               if not r.withdrawals_blocked)
