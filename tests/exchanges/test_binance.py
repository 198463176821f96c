"""Binance end to end: the real ccxt client, built by the app, against the emulator."""

from __future__ import annotations

from decimal import Decimal

import pytest
from venues import VENUES

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.models import SnapshotStatus
from exposure_app.emulator.base import EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.errors import ErrorKind, SyncError
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.checklist import HoldingLockRepository
from exposure_app.storage.secrets import SecretStore

D = Decimal

VENUE = VENUES["binance"]
TICKERS = VENUE.tickers
# (wallet, asset) -> (free, locked) as the app must store them
EXPECTED = VENUE.expected
ALL_WALLETS = ("spot", "funding", "margin", "margin_isolated", "futures", "futures_coinm", "earn_flexible",
               "earn_locked", "staking")


def emulator(permissions=frozenset({"read"}), **kwargs) -> BinanceEmulator:
    return VENUE.emulator(permissions=permissions, **kwargs)


def by_wallet(holdings) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    out: dict[tuple[str, str], list[Decimal]] = {}
    for h in holdings:
        assert h.total == h.free + h.locked
        entry = out.setdefault((h.wallet, h.asset), [D(0), D(0)])
        entry[0] += h.free
        entry[1] += h.locked
    return {k: (v[0], v[1]) for k, v in out.items()}


def test_every_wallet_is_synced_and_stored(store, data_dir, add_exchange_account, memory_keyring,
                                           emulator_server):
    emu = emulator()
    account = add_exchange_account(store, "Binance main", emu)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    result = report.result_for(account.id)
    assert result.status.value == "ok", result.error
    assert result.coverage == ALL_WALLETS
    snapshot = store.snapshots.latest_usable(account.id, report.finished_at)
    assert snapshot.status is SnapshotStatus.OK and snapshot.id == result.snapshot_id
    # every asset and wallet; LD receipts dropped, the LDO token kept
    assert by_wallet(snapshot.holdings) == EXPECTED
    assert not [h for h in snapshot.holdings if h.asset.startswith("LD") and h.asset != "LDO"]
    # values: USDT is 1 USD by assumption (no USDT/USD market), flagged as such
    values: dict[tuple[str, str], Decimal | None] = {}
    for h in snapshot.holdings:   # locked ETH: one row per unlock date
        key = (h.wallet, h.asset)
        values[key] = None if h.value is None else (values.get(key) or 0) + h.value
    assert values[("spot", "BTC")] == D("0.6") * 64000
    assert values[("earn_locked", "ETH")] == 3 * D("3200")
    assert values[("spot", "PEPE")] is None and "PEPE" in result.unpriced_assets
    usdt = next(h for h in snapshot.holdings if h.wallet == "spot" and h.asset == "USDT")
    assert usdt.value == D("1200.5") and "assumed" in usdt.price_source
    btc = next(h for h in snapshot.holdings if h.wallet == "spot" and h.asset == "BTC")
    assert btc.price_source.startswith("binance BTC/USDT")
    expected_total = sum(v for v in values.values() if v is not None)
    assert result.total_value == expected_total
    # lock reasons and ends (recorded by the after-sync hook)
    locks = HoldingLockRepository(store).for_snapshots([snapshot.id])[snapshot.id]
    locked = {(k.wallet, k.asset, k.unlock_at): (k.lock_reason, k.locked) for k in locks}
    assert locked[("earn_locked", "ETH", "2027-01-15")] == ("locked_earn", D("2"))
    assert locked[("earn_locked", "ETH", "2027-03-01")] == ("locked_earn", D("1"))
    assert locked[("staking", "SOL", "2026-12-31")] == ("staking", D("40"))
    assert locked[("spot", "BTC", None)] == ("open_orders", D("0.1"))
    # permissions stored, read-only: no warning
    perms, _ = store.exchange_state.permissions(account.id)
    assert perms.level is PermissionLevel.READ_ONLY and result.permission_warning is None


def test_second_sync_reuses_cached_markets_and_makes_no_needless_calls(
        store, data_dir, add_exchange_account, memory_keyring):
    emu = emulator()
    add_exchange_account(store, "Binance main", emu)
    profile = Profile(data_dir)
    sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    first = [path for _, path in emu.requests]
    assert first.count("/api/v3/exchangeInfo") == 1
    emu.requests.clear()
    sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    second = sorted(path for _, path in emu.requests)
    assert second == sorted([
        "/api/v3/account", "/sapi/v1/asset/get-funding-asset", "/sapi/v1/margin/account",
        "/sapi/v1/margin/isolated/account",
        "/fapi/v3/account", "/dapi/v1/account", "/sapi/v1/simple-earn/flexible/position",
        "/sapi/v1/simple-earn/locked/position", "/sapi/v1/staking/position",
        "/sapi/v1/account/apiRestrictions", "/sapi/v1/asset/wallet/balance",
        "/api/v3/ticker/24hr",
    ])


@pytest.mark.parametrize(
    ("permissions", "level", "trade", "withdraw"),
    [
        # the usual three are in the conformance suite; Binance can also
        # grant withdrawals without trading
        (frozenset({"read", "withdraw"}), PermissionLevel.WITHDRAW, False, True),
    ],
)
def test_key_permissions(run_adapter, permissions, level, trade, withdraw):
    reading = run_adapter(emulator(permissions))
    p = reading.permissions
    assert (p.level, p.can_trade, p.can_withdraw) == (level, trade, withdraw)
    assert p.source == "sapi/v1/account/apiRestrictions"
    assert p.is_dangerous == (level is not PermissionLevel.READ_ONLY)


def test_ip_restriction_is_reported(run_adapter):
    reading = run_adapter(emulator(ip_whitelist=("127.0.0.1",)))
    assert reading.permissions.ip_restricted is True


@pytest.mark.parametrize("field", ["secret", "apiKey"])
def test_wrong_credentials_fail_as_binance_does(run_adapter, field):
    emu = emulator()
    creds = dict(emu.account.credentials(), **{field: "wrong-" + field})
    with pytest.raises(SyncError) as info:
        run_adapter(emu, credentials=creds)
    assert info.value.kind is ErrorKind.AUTH
    assert "wrong-" not in str(info.value) and "bn-secret-1" not in str(info.value)


def test_signature_check_uses_the_secret(run_adapter):
    emu = emulator()

    async def action(client):
        client.secret = "another-secret"
        try:
            await client.private_get_account()
        except Exception as exc:
            return str(exc)
        return "no error"

    assert '"code":-1022' in run_adapter(emu, action=action).replace(" ", "")


def test_short_retry_after_is_waited_for_once(run_adapter):
    emu = emulator()
    emu.inject(FaultKind.RATE_LIMIT, times=1, retry_after=1)
    reading = run_adapter(emu)
    assert set(reading.coverage) == set(ALL_WALLETS)


def test_rate_limit_headers_and_weights(run_adapter):
    emu = emulator()

    async def action(client):
        await client.private_get_account()
        return dict(client.last_response_headers)

    headers = run_adapter(emu, action=action)
    assert int(headers["X-MBX-USED-WEIGHT-1M"]) >= 20


def test_a_wallet_failing_leaves_a_partial_snapshot_with_carried_rows(
        store, data_dir, add_exchange_account, memory_keyring):
    emu = emulator()
    account = add_exchange_account(store, "Binance main", emu)
    profile = Profile(data_dir)
    first = sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    first_id = first.result_for(account.id).snapshot_id
    emu.inject(FaultKind.HTML_200, path_prefix="/sapi/v1/simple-earn/locked")
    emu.inject(FaultKind.MALFORMED_JSON, path_prefix="/sapi/v1/simple-earn/flexible")
    report = sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    result = report.result_for(account.id)
    assert result.status.value == "partial"
    assert set(result.missing) == {"earn_locked", "earn_flexible"}
    assert "web page" in result.missing["earn_locked"]
    assert "carried forward" in result.missing["earn_locked"]
    snapshot = store.snapshots.get(result.snapshot_id)
    assert snapshot.status is SnapshotStatus.PARTIAL
    # totals are complete: carried rows present, marked with their origin
    assert by_wallet(snapshot.holdings) == EXPECTED
    carried = {(h.wallet, h.asset): h.carried_from for h in snapshot.holdings if h.carried_from}
    assert carried == {("earn_locked", "ETH"): first_id, ("earn_flexible", "USDT"): first_id,
                       ("earn_flexible", "BTC"): first_id}
    # the LD receipts are still not counted although the flexible wallet failed
    assert not [h for h in snapshot.holdings if h.asset in ("LDUSDT", "LDBTC")]
    locks = HoldingLockRepository(store).for_snapshots([snapshot.id])[snapshot.id]
    assert {(k.wallet, k.unlock_at) for k in locks if k.wallet == "earn_locked"} == {
        ("earn_locked", "2027-01-15"), ("earn_locked", "2027-03-01")}


def test_a_wallet_binance_values_but_nobody_reads_makes_the_snapshot_partial(run_adapter):
    emu = emulator()
    emu.account.balances.append(EmulatedBalance("Trading Bots", "USDT", D("640")))
    reading = run_adapter(emu)
    assert set(reading.coverage) == set(ALL_WALLETS)
    assert "0.01 BTC in its 'Trading Bots' wallet" in reading.missing["other:Trading Bots"]
    # the wallets Exposure reads are not reported as gaps
    assert list(reading.missing) == ["other:Trading Bots"]
    emu.inject(FaultKind.HTML_200, path_prefix="/sapi/v1/asset/wallet/balance")
    assert dict(run_adapter(emu).missing) == {}   # the check failing never fails the read


def test_a_refused_wallet_that_binance_reports_empty_is_not_a_gap(run_adapter):
    # keys made before the futures account existed get -2015 on fapi (ccxt#7822)
    emu = emulator()
    emu.account.balances = [b for b in emu.account.balances if b.wallet != "futures"]
    emu.inject(FaultKind.AUTH, path_prefix="/fapi/")
    reading = run_adapter(emu)
    assert "futures" not in reading.missing and "futures" not in reading.coverage
    assert "'USDⓈ-M Futures' empty" in reading.skipped["futures"]
    # with money in it, the same refusal is a gap: the snapshot will be partial
    emu = emulator()
    emu.inject(FaultKind.AUTH, path_prefix="/fapi/")
    reading = run_adapter(emu)
    assert "read permission" in reading.missing["futures"]
