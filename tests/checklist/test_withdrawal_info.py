"""Per-network withdrawal info: ccxt's structures parsed, and the real ccxt client
syncing the Binance emulator (capital/config/getall) through the sync service."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from exposure_app.domain.withdrawal_networks import Memo
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.services.checklist_service import build_checklist, open_checklist
from exposure_app.services.profile import Profile
from exposure_app.services.settings import Settings
from exposure_app.services.sync_service import sync_blocking
from exposure_app.services.withdrawal_network_refresh import DEFAULT_NETWORK, parse_network_infos
from exposure_app.storage.checklist import WithdrawalNetworkRepository
from exposure_app.storage.secrets import SecretStore

D = Decimal
NOW = datetime(2026, 3, 1, tzinfo=UTC)

# The structure ccxt 4.5.90 returns (research notes, section 5: LINK on binance).
LINK = {
    "id": "LINK", "code": "LINK", "active": True, "deposit": True, "withdraw": True,
    "fee": 0.012, "fees": {"BEP20": 0.012, "ERC20": 0.55},
    "limits": {"withdraw": {"min": 0.024, "max": 1e10}},
    "networks": {
        "BEP20": {"id": "BSC", "network": "BEP20", "deposit": True, "withdraw": True, "fee": 0.012,
                  "limits": {"withdraw": {"min": 0.024, "max": 1e10}},
                  "info": {"sameAddress": False}},
        "ERC20": {"id": "ETH", "network": "ERC20", "deposit": True, "withdraw": False, "fee": 0.55,
                  "limits": {"withdraw": {"min": 1.1, "max": None}}, "info": {}},
    },
}


def test_per_network_values_are_taken_not_the_currency_level_ones():
    rows = {r.network: r for r in parse_network_infos("binance", {"LINK": LINK}, fetched_at=NOW)}
    assert rows["BEP20"].fee == D("0.012") and rows["BEP20"].minimum == D("0.024")
    assert rows["BEP20"].network_id == "BSC" and rows["BEP20"].memo_required is False
    # currency-level withdraw stayed True, the network says False: the network wins
    assert rows["ERC20"].withdraw_enabled is False and rows["ERC20"].fee == D("0.55")
    assert rows["ERC20"].minimum == D("1.1") and rows["ERC20"].maximum is None
    assert rows["ERC20"].memo_required is None               # not told: unknown


def test_fees_filled_from_deposit_withdraw_fees_and_currency_level_fallback():
    no_fee = {"networks": {"TRC20": {"id": "TRX", "withdraw": True, "fee": None,
                                     "limits": {"withdraw": {"min": "10"}}, "info": {"needTag": "false"}}}}
    fees = {"USDT": {"withdraw": {"fee": 1}, "networks": {"TRC20": {"withdraw": {"fee": "1.5"}}}}}
    [row] = parse_network_infos("okx", {"USDT": no_fee}, fees, fetched_at=NOW)
    assert row.fee == D("1.5") and row.memo_required is False and row.minimum == D("10")
    # kraken-like: no networks, currency-level figures only
    [flat] = parse_network_infos("kraken", {"XRP": {"withdraw": True, "fee": "0.02",
                                                    "limits": {"withdraw": {"min": "1"}}}},
                                 fetched_at=NOW)
    assert flat.network == DEFAULT_NETWORK and flat.fee == D("0.02") and flat.withdraw_enabled


def test_malformed_figures_stay_unknown_and_assets_are_filtered():
    weird = {"networks": {"X": {"withdraw": "maybe", "fee": "abc", "limits": {"withdraw": {"min": -1}}},
                          "Y": "not a mapping"}}
    rows = parse_network_infos("gate", {"FOO": weird, "BAR": LINK}, fetched_at=NOW, assets=["foo"])
    assert len(rows) == 1
    assert (rows[0].withdraw_enabled, rows[0].fee, rows[0].minimum) == (None, None, None)


def test_binance_emulator_sync_fills_the_checklist(store, data_dir, add_exchange_account,
                                                   memory_keyring):
    balances = [
        EmulatedBalance("spot", "BTC", D("0.5"), D("0.1")),
        EmulatedBalance("spot", "XRP", D("300")),
        EmulatedBalance("earn_locked", "ETH", D("0"), D("2"), unlock_at="2027-01-15"),
        EmulatedBalance("staking", "SOL", D("0"), D("40"), unlock_at="2026-12-31"),
        EmulatedBalance("spot", "BNB", D("0.001")),
    ]
    emu = BinanceEmulator(EmulatedAccount("k", "s", balances=balances),
                          tickers={"BTC/USDT": D("60000"), "ETH/USDT": D("3000"),
                                   "SOL/USDT": D("150"), "XRP/USDT": D("0.5"), "BNB/USDT": D("600")})
    add_exchange_account(store, "Binance", emu)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    assert all(r.status.value == "ok" for r in report.results), [r.error for r in report.results]
    assert "/sapi/v1/capital/config/getall" in [p for _, p in emu.requests]

    cached = WithdrawalNetworkRepository(store).for_exchange("binance")
    assert set(a for _, a in cached) == {"BTC", "XRP", "ETH", "SOL", "BNB"}   # held assets only

    plan = build_checklist(store, Settings(), "binance", levels={})
    items = {a.asset: a for a in plan.sections[0].assets}
    btc = {o.network: o for o in items["BTC"].networks}
    assert btc["BTC"].fee == D("0.0002") and btc["BTC"].minimum == D("0.001")
    assert btc["BTC"].withdraw_enabled is True and btc["BEP20"].withdraw_enabled is False
    assert items["XRP"].memo is Memo.REQUIRED                  # Binance's sameAddress flag
    bnb = {o.network: o for o in items["BNB"].networks}
    assert bnb["BEP2"].memo is Memo.REQUIRED and bnb["BEP2"].withdraw_enabled is False
    assert "dust threshold" in items["BNB"].dust_reason        # 0.001 BNB = 0.60 USD
    # locked amounts and lock ends from the emulator's earn and staking positions
    assert items["ETH"].locked == D("2") and "2027-01-15" in items["ETH"].unlock_steps[0]
    assert items["SOL"].locked == D("40") and "2026-12-31" in items["SOL"].unlock_steps[0]
    assert items["BTC"].locked == D("0.1") and "Cancel open orders" in items["BTC"].unlock_steps[0]

    # the next sync within the hour makes no second currency call
    emu.requests.clear()
    sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    assert "/sapi/v1/capital/config/getall" not in [p for _, p in emu.requests]


def test_sync_closes_items_of_withdrawn_assets(store, data_dir, add_exchange_account, memory_keyring):
    emu = BinanceEmulator(EmulatedAccount("k", "s", balances=[
        EmulatedBalance("spot", "BTC", D("0.5")), EmulatedBalance("spot", "ETH", D("1"))]),
        tickers={"BTC/USDT": D("60000"), "ETH/USDT": D("3000")})
    add_exchange_account(store, "Binance", emu)
    profile = Profile(data_dir)
    sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    view = open_checklist(store, Settings(), "binance", levels={})
    emu.account.balances = [EmulatedBalance("spot", "ETH", D("1"))]     # the user withdrew BTC
    sync_blocking(profile, secret_store=SecretStore(memory_keyring))
    progress = store.db.execute(
        "SELECT item_key, done, done_by FROM checklist_progress WHERE plan_id = ?", [view.plan_id]
    ).fetchall()
    assert ("asset:binance:BTC", 1, "sync") in progress
    assert all(key != "asset:binance:ETH" for key, _, _ in progress)


def test_refresh_is_hourly_and_a_failure_keeps_the_cache(store):
    import asyncio
    from datetime import timedelta

    from exposure_app.domain.models import AccountKind
    from exposure_app.services.withdrawal_network_refresh import refresh_after_sync

    account = store.accounts.add("X", AccountKind.EXCHANGE_API, counterparty="binance",
                                 exchange_id="binance")

    class Client:
        """A stand-in for a ccxt client: only the call and the option under test."""

        calls = 0
        fail = False

        def __init__(self) -> None:
            self.has = {"fetchCurrencies": True}
            self.options = {"fetchCurrencies": False}

        async def fetch_currencies(self):
            Client.calls += 1
            assert self.options["fetchCurrencies"] is True      # turned on for this call only
            if Client.fail:
                raise ConnectionError("secret-free failure")
            return {"LINK": LINK}

    client = Client()
    run = asyncio.run
    assert run(refresh_after_sync(store, account, client, now=NOW)) == 2
    assert client.options["fetchCurrencies"] is False
    assert run(refresh_after_sync(store, account, client, now=NOW + timedelta(minutes=59))) is None
    Client.fail = True
    later = NOW + timedelta(hours=2)
    assert run(refresh_after_sync(store, account, client, now=later)) is None
    repo = WithdrawalNetworkRepository(store)
    assert repo.last_fetch("binance")[1] == "failed"
    assert len(repo.for_exchange("binance")[("binance", "LINK")]) == 2   # last good rows kept
    assert run(refresh_after_sync(store, account, client, now=later + timedelta(minutes=5))) is None
    assert Client.calls == 2                                   # the failure waits the hour too


def test_a_currency_that_says_nothing_gives_no_row():
    assert parse_network_infos("bybit", {"BTC": {"networks": {}, "info": {"chains": []}}},
                               fetched_at=NOW) == []


def test_the_cache_keeps_assets_of_every_account_on_the_exchange(store):
    """Syncing one of two Binance accounts must not drop the other account's assets."""
    import asyncio

    from exposure_app.domain.balances import AccountReading, WalletBalance
    from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
    from exposure_app.services.checklist_service import after_sync

    a = store.accounts.add("A", AccountKind.EXCHANGE_API, counterparty="binance", exchange_id="binance")
    b = store.accounts.add("B", AccountKind.EXCHANGE_API, counterparty="binance", exchange_id="binance")
    store.snapshots.save(Snapshot(None, b.id, NOW, SnapshotStatus.OK,
                                  (Holding.simple("SOL", D(3)),)))
    net = {"networks": {"X": {"withdraw": True, "fee": "0.1", "limits": {"withdraw": {"min": "1"}}}}}

    class Client:
        """A stand-in for a ccxt client: only fetch_currencies."""

        def __init__(self) -> None:
            self.has = {"fetchCurrencies": True}
            self.options = {}

        async def fetch_currencies(self):
            return {"BTC": net, "SOL": net, "ETH": net}

    reading = AccountReading((WalletBalance("spot", "BTC", D(1), D(0), D(1)),), ("spot",))
    asyncio.run(after_sync(store, [(a, Client(), reading)], None, timeout=5))
    cached = WithdrawalNetworkRepository(store).for_exchange("binance")
    assert {asset for _, asset in cached} == {"BTC", "SOL"}


def test_okx_emulator_sync_fills_the_checklist_from_its_chains(store, data_dir, add_exchange_account,
                                                               memory_keyring):
    """OKX lists one row per chain (GET /api/v5/asset/currencies); ccxt groups them per asset."""
    from exposure_app.emulator.okx import OkxEmulator

    balances = [EmulatedBalance("spot", "USDT", D("250")), EmulatedBalance("funding", "XRP", D("80"))]
    emu = OkxEmulator(EmulatedAccount("okx-k", "okx-s", password="okx-p", balances=balances),
                      tickers={"XRP/USDT": D("0.5")})
    emu.coin_networks = {
        "USDT": [{"chain": "ERC20", "fee": "3", "min": "10"},
                 {"chain": "TRC20", "fee": "1", "min": "2", "withdraw": False}],
        "XRP": [{"chain": "Ripple", "fee": "0.2", "min": "20", "tag": True}],
    }
    add_exchange_account(store, "OKX", emu)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    assert all(r.status.value == "ok" for r in report.results), [r.error for r in report.results]
    assert "/api/v5/asset/currencies" in [p for _, p in emu.requests]

    plan = build_checklist(store, Settings(), "okx", levels={})
    items = {a.asset: a for a in plan.sections[0].assets}
    usdt = {o.network: o for o in items["USDT"].networks}
    assert set(usdt) == {"ERC20", "TRC20"}
    assert usdt["ERC20"].fee == D("3") and usdt["ERC20"].minimum == D("10")
    assert usdt["ERC20"].withdraw_enabled is True and usdt["TRC20"].withdraw_enabled is False
    assert items["XRP"].memo is Memo.REQUIRED                  # OKX's needTag flag
    (xrp,) = items["XRP"].networks
    assert xrp.fee == D("0.2") and xrp.minimum == D("20")


def _kraken(balances, permissions):
    from exposure_app.emulator.kraken import KrakenEmulator, kraken_secret

    account = EmulatedAccount("kraken-k", kraken_secret("kraken-s"), balances=balances,
                              permissions=frozenset(permissions))
    return KrakenEmulator(account, tickers={"BTC/USD": D("60000"), "USDT/USD": D("1")})


def test_kraken_sync_fills_the_checklist_from_its_withdrawal_methods(
        store, data_dir, add_exchange_account, memory_keyring):
    """Kraken's currencies name no network: they come from WithdrawMethods (asset, method,
    network, minimum; no fee, so the fee stays unknown)."""
    balances = [EmulatedBalance("spot", "BTC", D("0.5")), EmulatedBalance("spot", "USDT", D("900"))]
    emu = _kraken(balances, {"read", "withdraw"})
    add_exchange_account(store, "Kraken", emu)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    assert all(r.status.value == "ok" for r in report.results), [r.error for r in report.results]
    assert ("POST", "/0/private/WithdrawMethods") in emu.requests

    plan = build_checklist(store, Settings(), "kraken", levels={})
    items = {a.asset: a for a in plan.sections[0].assets}
    btc = {o.network: o for o in items["BTC"].networks}
    assert set(btc) == {"Bitcoin", "Lightning"}
    assert btc["Bitcoin"].minimum == D("0.0004") and btc["Bitcoin"].fee is None
    assert btc["Lightning"].network_id == "Bitcoin Lightning"
    assert btc["Bitcoin"].withdraw_enabled is True
    assert {o.network for o in items["USDT"].networks} == {"Ethereum", "Tron", "Solana"}
    assert "withdrawal networks as of" in plan.sections[0].withdrawal_info_note


def test_a_read_only_kraken_key_gets_no_withdrawal_methods_and_the_checklist_says_why(
        store, data_dir, add_exchange_account, memory_keyring):
    emu = _kraken([EmulatedBalance("spot", "BTC", D("0.5"))], {"read"})
    add_exchange_account(store, "Kraken", emu)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    assert all(r.status.value == "ok" for r in report.results), [r.error for r in report.results]
    plan = build_checklist(store, Settings(), "kraken", levels={})
    section = plan.sections[0]
    assert not section.assets[0].networks
    assert "only to API keys that may also withdraw" in section.withdrawal_info_note
