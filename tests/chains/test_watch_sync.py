"""Watch-only accounts sync like exchange accounts: concurrently, each failing alone,
stale with the reason after a failure, and counted as self-custody."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.chains import CHAINS
from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import FaultKind
from exposure_app.emulator.esplora import EsploraEmulator
from exposure_app.emulator.evm_rpc import EvmRpcEmulator
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.sync_events import AccountSyncStatus
from exposure_app.services.watch_accounts import WatchInputError, add_watch_account

D = Decimal
BTC_ADDRESS = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
HOLDER = "0x" + "cd" * 20


def test_wallet_only_profile_syncs_addresses_as_self_custody(store, service, emulator_server):
    esplora, rpc = EsploraEmulator(), EvmRpcEmulator(chain_id=1)
    btc_url = emulator_server.add(esplora, key="esplora")
    eth_url = emulator_server.add(rpc, key="rpc")
    esplora.receive(BTC_ADDRESS, 25_000_000)
    rpc.set_native(HOLDER, 2 * 10 ** 18)
    usdc = next(t for t in CHAINS["ethereum"].tokens if t.symbol == "USDC")
    rpc.set_token(usdc.contract, HOLDER, 500_000_000)
    store.prices.record([MarketPrice(a, "USD", p, "test", utc_now()) for a, p in
                         (("BTC", D(60000)), ("ETH", D(3000)), ("USDC", D("0.999")))])
    btc = add_watch_account(store, "Cold BTC", "bitcoin", BTC_ADDRESS, btc_url)
    eth = add_watch_account(store, "Ledger ETH", "ethereum", HOLDER, eth_url)
    dead = add_watch_account(store, "Old node", "bitcoin", "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA",
                             "http://127.0.0.1:9")

    report = service.sync().result(60)
    by_id = {r.account_id: r for r in report.results}
    assert by_id[btc.id].status is AccountSyncStatus.OK
    assert by_id[btc.id].exchange_id == "bitcoin"
    assert by_id[btc.id].total_value == D(15000)
    assert by_id[eth.id].status is AccountSyncStatus.OK
    assert by_id[eth.id].total_value == D(6000) + D("499.5")
    assert by_id[dead.id].status is AccountSyncStatus.FAILED
    assert by_id[dead.id].error_kind == "network"

    exposure = exposure_as_of(store, _settings(service))
    assert exposure.custodial.value == 0
    assert exposure.self_custody.value == D(15000) + D(6000) + D("499.5")
    assert exposure.net_worth == exposure.self_custody.value

    # the chain server fails next time: the last good balance stays, marked stale
    esplora.inject(FaultKind.SERVER_ERROR)
    report = service.sync([btc.id]).result(60)
    assert report.results[0].status is AccountSyncStatus.FAILED
    state = store.snapshots.state(store.accounts.get(btc.id), utc_now())
    assert state.is_stale and "not available" in (state.stale_reason or "")
    assert state.snapshot is not None and state.snapshot.holdings[0].total == D("0.25")
    # valued like hand-recorded self-custody holdings that follow the market
    assert state.snapshot.holdings[0].price_source.startswith("market: ")
    assert state.snapshot.source.value == "sync"     # not re-valued over a failed read


def test_the_same_target_cannot_be_added_twice(store):
    add_watch_account(store, "A", "bitcoin", BTC_ADDRESS)
    with pytest.raises(WatchInputError, match="already watched"):
        add_watch_account(store, "B", "bitcoin", BTC_ADDRESS)
    with pytest.raises(WatchInputError, match="http"):
        add_watch_account(store, "C", "ethereum", HOLDER, "file:///etc/passwd")
    assert [a.name for a in store.accounts.list()] == ["A"]


def _settings(service):
    return service.profile.load_settings()


def test_profile_server_per_chain_and_failing_closed(store, data_dir, service, emulator_server):
    from exposure_app.services.settings import Settings

    esplora = EsploraEmulator()
    url = emulator_server.add(esplora, key="esplora")
    esplora.receive(BTC_ADDRESS, 1_000)
    account = add_watch_account(store, "Cold", "bitcoin", BTC_ADDRESS)   # no URL of its own
    settings = Settings.load(data_dir)
    settings.set("chain_api_urls", f"bitcoin={url}")
    settings.save()
    [result] = service.sync().result(60).results
    assert result.status is AccountSyncStatus.OK and result.total_value is not None
    assert esplora.requests                      # read from the profile's own server
    settings.set("chain_api_urls", "bitcoin=ftp://nope")
    settings.save()
    esplora.requests.clear()
    [result] = service.sync([account.id]).result(60).results
    assert result.status is AccountSyncStatus.FAILED and result.error_kind == "config"
    assert "chain_api_urls" in (result.error or "") and not esplora.requests


def test_set_server_changes_only_the_connection(store):
    from exposure_app.services.watch_accounts import set_watch_server

    add_watch_account(store, "Cold", "bitcoin", BTC_ADDRESS, "http://127.0.0.1:1/api")
    moved = set_watch_server(store, "Cold", "http://node.local:3006/api", "socks5://127.0.0.1:9050")
    assert (moved.options["api_url"], moved.options["proxy"]) == (
        "http://node.local:3006/api", "socks5://127.0.0.1:9050")
    assert moved.options["watch"]["value"] == BTC_ADDRESS
    with pytest.raises(WatchInputError):
        set_watch_server(store, "Cold", "gopher://x")
    assert store.accounts.by_name("Cold").options["api_url"] == "http://node.local:3006/api"
    reset = set_watch_server(store, "Cold", None)
    assert "api_url" not in reset.options and "proxy" not in reset.options
