"""Generated exchange answers fed to every wallet reader of every dedicated adapter.

A loopback server answers each request with a generated body (JSON of any
shape with the field names the exchanges use, numbers as strings, huge
numbers, NaN/Infinity, nested garbage, HTML, truncated JSON, error statuses);
the real ccxt client of the exchange sends the signed request and parses the
answer, and the app's wallet reader validates it. The reader either returns
well-formed rows (finite Decimal amounts, text asset codes) or raises; what it
raises is the app's own error (``SyncError``/``BadResponseError``) or ccxt's,
never a Python error from the app's code, and the classification the sync
applies to it (``adapter.classify``) always gives a clear message.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import traceback
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_app.emulator.coinbase import new_ec_secret
from exposure_app.exchanges.adapters.registry import adapter_for
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client
from exposure_app.exchanges.errors import BadResponseError, SyncError
from tests.hardening.fuzz_server import FuzzServer

EXCHANGES = ("binance", "kraken", "okx", "bybit", "coinbase", "kucoin", "gate", "htx", "bitget")
CREDENTIALS = {"apiKey": "fuzz-key", "secret": "ZnV6ei1zZWNyZXQtZnV6ei1zZWNyZXQ=",
               "password": "fuzz-pass", "uid": "12345"}
APP_ROOT = str(Path(__import__("exposure_app").__file__).parent)

FIELD_NAMES = [
    "balances", "asset", "free", "locked", "data", "result", "error", "code", "msg", "retCode",
    "retMsg", "list", "coin", "walletBalance", "equity", "ccy", "availBal", "frozenBal", "bal",
    "cashBal", "details", "amount", "total", "rows", "currency", "available", "hold", "balance",
    "type", "accounts", "available_balance", "value", "status", "ok", "success", "info",
    "totalAmount", "collateral", "spot", "funding", "state", "id", "uid", "assets",
]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1.5", "0", "-1", "1e400", "-1e-400", "NaN", "Infinity", "", " ", "abc",
                     "BTC", "USDT", "XXBT", "0x10", "1,5", "１", "9" * 80, "1_000", "<b>1</b>"]),
    st.text(max_size=10),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=6)), children,
                        max_size=5),
    ),
    max_leaves=25,
)
raw_texts = st.sampled_from([
    b"", b"<!DOCTYPE html><html><body>Checking your browser</body></html>", b"{", b"[1,2",
    b"null", b"\xff\xfe\x00", b'{"balances": [{"asset": "BTC", "free": "1"', b"OK",
])



# Documented answer shapes with generated values, so the readers get past the envelope.
assets = st.one_of(st.sampled_from(["BTC", "XXBT", "ETH", "USDT", "LDUSDT", ""]), scalars)
values = st.one_of(scalars, json_values)
shaped = st.one_of(
    st.builds(lambda rows: {"balances": rows}, st.lists(st.fixed_dictionaries(
        {"asset": assets, "free": values, "locked": values}), max_size=3)),
    st.builds(lambda rows: {"code": "0", "msg": "", "data": [{"details": rows}]}, st.lists(
        st.fixed_dictionaries({"ccy": assets, "availBal": values, "frozenBal": values,
                               "cashBal": values, "eq": values}), max_size=3)),
    st.builds(lambda rows: {"error": [], "result": rows}, st.dictionaries(
        st.sampled_from(["XXBT", "XETH", "USDT", "ETH2.S", "DOT.B", "ZUSD"]),
        st.fixed_dictionaries({"balance": values, "hold_trade": values}), max_size=3)),
    st.builds(lambda rows: {"retCode": 0, "retMsg": "OK", "result": {"list": [{"coin": rows}]}},
              st.lists(st.fixed_dictionaries({"coin": assets, "walletBalance": values,
                                               "locked": values, "equity": values}), max_size=3)),
    st.builds(lambda rows: {"code": "200000", "data": rows}, st.lists(st.fixed_dictionaries(
        {"currency": assets, "type": st.sampled_from(["trade", "main", "margin"]),
         "balance": values, "available": values, "holds": values}), max_size=3)),
)


@st.composite
def answers(draw):
    status = draw(st.sampled_from([200] * 6 + [400, 401, 403, 404, 500, 503]))
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return status, draw(raw_texts)
    if kind <= 5:
        return 200, json.dumps(draw(shaped)).encode()
    return status, json.dumps(draw(json_values)).encode()


@pytest.fixture(scope="module")
def clients():
    """One real ccxt client per exchange, all pointed at the fuzz server, on one loop."""
    server = FuzzServer()
    loop = asyncio.new_event_loop()
    made = {}
    for exchange_id in EXCHANGES:
        adapter = adapter_for(exchange_id)
        from exposure_app.exchanges.client_factory import required_credentials

        creds = {k: CREDENTIALS[k] for k in required_credentials(exchange_id)}
        if exchange_id == "coinbase":
            # a CDP key that can sign: with any other secret ccxt fails while signing,
            # before a request is sent, and no answer would ever be parsed
            creds = {"apiKey": "organizations/fuzz/apiKeys/fuzz", "secret": new_ec_secret()}
        made[exchange_id] = loop.run_until_complete(_build(exchange_id, adapter, creds, server))
    yield server, loop, made
    for client in made.values():
        loop.run_until_complete(client.close())
    loop.close()
    server.stop()


async def _build(exchange_id, adapter, creds, server):
    client = build_client(exchange_id, creds,
                          ConnectionOptions(api_url=server.base_url, timeout_seconds=3),
                          adapter.client_options({}), adapter.ccxt_config())
    client.enableRateLimit = False   # the throttle only adds waiting against loopback
    return client


def _raised_in_app_code(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and frames[-1].filename.startswith(APP_ROOT)


@pytest.mark.parametrize("exchange_id", EXCHANGES)
def test_every_wallet_reader_sends_its_request_so_the_fuzzing_reaches_the_parsers(
        clients, exchange_id):
    """The premise of the fuzz test below: a reader that failed before sending (a key
    that cannot sign, say) would pass it without parsing a single answer."""
    server, loop, made = clients
    server.answer(200, b"{}")
    for index in range(len(adapter_for(exchange_id).wallets())):
        spec = adapter_for(exchange_id).wallets()[index]   # a fresh adapter: no shared call
        before = server.requests
        try:
            loop.run_until_complete(asyncio.wait_for(spec.read(made[exchange_id]), 10))
        except Exception as exc:   # "{}" is a bad answer for most readers
            assert type(exc).__name__ != "UnusableSecretError", (exchange_id, spec.name)
        assert server.requests > before, (exchange_id, spec.name)


@settings(max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(exchange_id=st.sampled_from(EXCHANGES), wallet=st.integers(0, 20), answer=answers())
def test_every_wallet_reader_rejects_bad_answers_clearly(clients, exchange_id, wallet, answer):
    import ccxt

    server, loop, made = clients
    client = made[exchange_id]
    adapter = adapter_for(exchange_id)          # a fresh adapter: no shared call cached
    specs = adapter.wallets()
    spec = specs[wallet % len(specs)]
    server.answer(*answer)
    try:
        rows = loop.run_until_complete(asyncio.wait_for(spec.read(client), 10))
    except (SyncError, BadResponseError) as exc:
        assert str(exc).strip()
        assert str(adapter.classify(exc, client)).strip()
        return
    except ccxt.BaseError as exc:
        error = adapter.classify(exc, client)
        assert isinstance(error, SyncError) and str(error).strip()
        return
    except Exception as exc:  # a Python error: only acceptable from inside ccxt's parsers
        assert not _raised_in_app_code(exc), (
            f"{exchange_id} {spec.name}: {type(exc).__name__} from app code on {answer!r}:\n"
            + "".join(traceback.format_exception(exc)))
        error = adapter.classify(exc, client)
        assert isinstance(error, SyncError) and str(error).strip()
        return
    assert isinstance(rows, list)
    for row in rows:
        assert isinstance(row.asset, str) and row.asset
        for value in (row.free, row.locked, row.total):
            assert isinstance(value, Decimal) and value.is_finite(), (exchange_id, spec.name, row)


# -- through the whole sync: a rejected answer changes nothing stored --------------------------

@pytest.fixture(scope="module")
def synced_profile(tmp_path_factory):
    """A profile whose Binance account synced once against the emulator, then re-pointed
    at the fuzz server (so every later sync reads generated answers)."""
    import keyring

    from exposure_app.emulator.base import EmulatorServer
    from exposure_app.services.exchange_accounts import create_exchange_account
    from exposure_app.services.profile import Profile
    from exposure_app.services.sync_service import sync_blocking
    from exposure_app.storage.secrets import SecretStore, memory_keyring
    from exposure_app.storage.store import ProfileStore
    from tests.hardening.sync_fixtures import big_binance

    previous = keyring.get_keyring()
    backend = memory_keyring()
    keyring.set_keyring(backend)
    emulators = EmulatorServer()
    fuzz = FuzzServer()
    try:
        emulator = big_binance(4)
        emulators.add(emulator)
        profile = Profile.resolve(tmp_path_factory.mktemp("sync-fuzz") / "profile")
        secrets = SecretStore(backend)
        with profile.open_store() as store:
            account = create_exchange_account(
                store, secrets, name="Binance", exchange_id="binance",
                credentials=emulator.account.credentials(),
                connection=ConnectionOptions(api_url=emulator.base_url, timeout_seconds=3))
        report = sync_blocking(profile, secret_store=secrets)
        assert report.results[0].status.value == "ok"
        with ProfileStore.open(profile.data_dir) as store:
            options = dict(store.accounts.get(account.id).options, api_url=fuzz.base_url)
            store.accounts.update_options(account.id, options)
        yield profile, secrets, fuzz
    finally:
        fuzz.stop()
        emulators.stop()
        keyring.set_keyring(previous)


def _stored(profile):
    conn = sqlite3.connect(profile.data_dir / "exposure.sqlite3")
    try:
        snapshots = conn.execute(
            "SELECT id, status, usable, total_value, error FROM snapshots ORDER BY id").fetchall()
        holdings = conn.execute(
            "SELECT snapshot_id, asset, total, value FROM holdings ORDER BY id").fetchall()
    finally:
        conn.close()
    return snapshots, holdings


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=answers())
def test_a_sync_on_generated_answers_keeps_the_last_good_snapshot(synced_profile, answer):
    from exposure_app.services.sync_service import sync_blocking

    profile, secrets, fuzz = synced_profile
    fuzz.answer(*answer)
    snapshots_before, holdings_before = _stored(profile)
    result = sync_blocking(profile, secret_store=secrets, account_timeout=15).results[0]
    snapshots, holdings = _stored(profile)
    # Everything stored before is untouched (the good snapshot stays the last usable one).
    assert snapshots[: len(snapshots_before)] == snapshots_before
    assert holdings[: len(holdings_before)] == holdings_before
    new = snapshots[len(snapshots_before):]
    assert len(new) == 1
    _, status, usable, total, error = new[0]
    assert status == result.status.value
    if status == "failed":
        assert not usable and error and str(result.error).strip()
        assert result.stale_since is not None
        assert holdings == holdings_before
    else:  # an answer that happened to be valid: a whole, consistent snapshot
        values = [Decimal(v) for sid, _, _, v in holdings if sid == new[0][0] and v is not None]
        assert sum(values, Decimal(0)) == Decimal(total)
