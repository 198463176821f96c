"""The exchange conformance suite: every shared scenario against every dedicated adapter.

Each scenario runs the real ccxt client, built by the app's client factory,
against the venue's loopback emulator (the table is in ``venues.py``):

* a complete priced snapshot through the sync service;
* a wrong secret is the exchange's own refusal and an ``auth`` failure;
* key permissions read from the exchange (or unknown where it cannot tell);
* the fault matrix: every fault fails the account with its kind, the account
  reads normally once the fault is gone, clock skew is recovered;
* a bad body (HTML, empty, broken JSON) is never read as an empty wallet;
* partial coverage: a wallet the key may not read is missing with the reason;
* unified/classic mode detection in either mode, cached between syncs, a stale
  cache learnt again;
* pagination: every page of a paged list is read;
* the client's own checks where a venue has them: a wrong passphrase, a 429's
  headers, a well-formed answer missing a field, prices from one tickers call, a
  skewed clock refused in the exchange's words then adjusted for, accounts never
  opened read as empty.

A venue takes part in a "where a venue has them" scenario by declaring the field
it needs in ``venues.py`` (``wrong_password_words``, ``skew_refusal``, ...).

Run one exchange's scenarios alone with ``pytest tests/exchanges/test_conformance.py -k kraken``.
Per-exchange files keep only that exchange's quirks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import ccxt
import pytest
from signed_venues import (
    assert_complete_sync,
    expected_by_wallet,
    holdings_by_wallet,
    read_by_wallet,
    second_sync,
    sync_through_service,
    unlock_dates,
)
from venues import VENUES, Venue, venue_params

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import FaultKind
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, SyncError

EXPECTED_KIND = {
    FaultKind.AUTH: "auth",
    FaultKind.PERMISSION_DENIED: "permission",
    FaultKind.IP_NOT_WHITELISTED: "ip",
    FaultKind.RATE_LIMIT: "rate_limit",
    FaultKind.BAN: "rate_limit",
    FaultKind.SERVER_ERROR: "unavailable",
    FaultKind.MAINTENANCE: "maintenance",
    FaultKind.TIMEOUT: "timeout",
    FaultKind.CONNECTION_RESET: "network",
    FaultKind.HTML_200: "bad_response",
    FaultKind.MALFORMED_JSON: "bad_response",
    FaultKind.EMPTY_BODY: "bad_response",
}

BAD_BODIES = {
    FaultKind.HTML_200: "web page (HTML)",
    FaultKind.EMPTY_BODY: "empty answer",
    FaultKind.MALFORMED_JSON: "not valid JSON",
}


def expected_holdings(venue: Venue, emulator) -> dict:
    if venue.expected:
        return dict(venue.expected)
    return {(venue.stored_in.get(key, key[0]), key[1]): value
            for key, value in expected_by_wallet(emulator.account.balances).items()}


def fast(client):
    # ccxt's per-client throttle is the client's own pacing, not under test
    # here; the sync service scenarios keep it on.
    client.enableRateLimit = False
    return client


# -- a complete priced snapshot --------------------------------------------------------------


@pytest.mark.parametrize("venue", venue_params())
def test_sync_service_stores_a_complete_priced_snapshot(venue, data_dir, store, secret_store,
                                                        add_exchange_account):
    emulator = venue.emulator()
    account = add_exchange_account(store, f"my {venue.exchange_id}", emulator)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert_complete_sync(result, snapshot, coverage=venue.wallets)
    assert holdings_by_wallet(snapshot) == expected_holdings(venue, emulator)
    # an asset without a market is kept, unpriced, never dropped
    assert result.unpriced_assets == venue.unpriced
    values = {}
    for holding in snapshot.holdings:
        key = (holding.wallet, holding.asset)
        values[key] = values.get(key, 0) + (holding.value or 0)
    for key, value in venue.values.items():
        assert values[key] == value, key
    if venue.reads_permissions:
        assert result.permissions.level is PermissionLevel.READ_ONLY
        assert result.permission_warning is None
    if venue.unlock is not None:
        wallet, asset, day = venue.unlock
        assert unlock_dates(store, snapshot, wallet, asset) == [parse_instant(day)]


# -- credentials and permissions ---------------------------------------------------------------


@pytest.mark.parametrize("venue", venue_params())
def test_a_wrong_secret_is_refused_in_the_exchanges_words_and_fails_as_auth(venue, run_adapter):
    emulator = venue.emulator()
    wrong = venue.credentials(secret=venue.wrong_secret)
    with pytest.raises(ccxt.AuthenticationError, match=re.escape(venue.auth_words)):
        run_adapter(emulator, credentials=wrong,
                    action=lambda client: _raise_first_error(venue, fast(client)))
    with pytest.raises(SyncError) as caught:
        run_adapter(emulator, credentials=wrong)
    assert caught.value.kind is ErrorKind.AUTH
    assert venue.wrong_secret not in caught.value.message


async def _raise_first_error(venue: Venue, client):
    """Runs every wallet reader and raises the first ccxt error, unclassified."""
    adapter = venue.adapter()
    for spec in adapter.wallets():
        await spec.read(client)


@pytest.mark.parametrize("venue", venue_params())
@pytest.mark.parametrize(("granted", "level"), [
    ({"read"}, PermissionLevel.READ_ONLY),
    ({"read", "trade"}, PermissionLevel.TRADE),
    ({"read", "trade", "withdraw"}, PermissionLevel.WITHDRAW),
], ids=["read", "trade", "withdraw"])
def test_key_permissions(venue, granted, level, run_adapter):
    emulator = venue.emulator(permissions=granted)
    adapter = venue.adapter()
    reading = run_adapter(emulator, adapter)
    permissions = reading.permissions
    if not venue.reads_permissions:
        # no documented call tells the key's rights: unknown, never "read only"
        assert permissions.level is PermissionLevel.UNKNOWN
        assert permissions.can_withdraw is None
        return
    assert permissions.level is level
    assert permissions.can_trade is ("trade" in granted)
    assert permissions.can_withdraw is ("withdraw" in granted)
    assert permissions.is_dangerous is (level is not PermissionLevel.READ_ONLY)


@pytest.mark.parametrize("venue", venue_params())
def test_a_key_bound_to_other_ips_is_refused(venue, run_adapter):
    emulator = venue.emulator(ip_whitelist=("10.1.2.3",))
    with pytest.raises(SyncError) as caught:
        run_adapter(emulator)
    assert caught.value.kind.value == venue.fault_kinds.get(FaultKind.IP_NOT_WHITELISTED, "ip")


# -- the fault matrix -------------------------------------------------------------------------


@pytest.mark.parametrize("venue", venue_params())
def test_each_fault_fails_the_account_with_its_kind_then_recovers(venue, run_adapter):
    emulator = venue.emulator()
    adapter = venue.adapter()
    expected_kinds = {fault: venue.fault_kinds.get(fault, kind)
                      for fault, kind in EXPECTED_KIND.items()}

    async def matrix(client):
        fast(client).timeout = 1000   # ms; the TIMEOUT fault never answers
        outcomes = {}
        for fault in expected_kinds:
            emulator.inject(fault, retry_after=30)
            try:
                await adapter.read_account(client)
                outcomes[fault] = "no error"
            except SyncError as error:
                outcomes[fault] = error.kind.value
                assert venue.secret not in error.message
            finally:
                emulator.clear_faults()
        healthy = await adapter.read_account(client)
        # outside every venue's timestamp window (OKX: 30 s, Gate: 60 s, ...)
        emulator.inject(FaultKind.CLOCK_SKEW, skew_ms=600_000)
        try:
            skewed = await adapter.read_account(client)
        except SyncError as error:
            skewed = error
        return outcomes, healthy, skewed, client.options.get("adjustForTimeDifference")

    outcomes, healthy, skewed, adjusted = run_adapter(emulator, adapter, action=matrix)
    assert outcomes == expected_kinds
    expected = expected_holdings(venue, emulator)
    assert read_by_wallet(healthy.balances) == expected
    if venue.recovers_clock_skew:
        assert not isinstance(skewed, SyncError), skewed
        assert read_by_wallet(skewed.balances) == expected
        assert adjusted is True
    else:
        assert isinstance(skewed, SyncError) and skewed.kind is ErrorKind.CLOCK_SKEW


def _venue_faults() -> list:
    return [pytest.param(venue, fault, id=f"{venue.exchange_id}-{fault.value}")
            for venue in VENUES.values() for fault in venue.ccxt_errors]


@pytest.mark.parametrize(("venue", "fault"), _venue_faults())
def test_a_fault_arrives_as_the_exchanges_own_ccxt_error(venue, fault, run_adapter):
    emulator = venue.emulator()
    emulator.inject(fault, retry_after=30)
    with pytest.raises(venue.ccxt_errors[fault]):
        run_adapter(emulator, action=lambda client: _raise_first_error(venue, fast(client)))


# -- bad bodies and partial coverage ---------------------------------------------------------------


@pytest.mark.parametrize("venue", venue_params())
@pytest.mark.parametrize("fault", list(BAD_BODIES), ids=[f.value for f in BAD_BODIES])
def test_a_bad_body_is_never_read_as_an_empty_wallet(venue, fault, run_adapter):
    emulator = venue.emulator()
    if venue.one_wallet is None:
        # one answer serves every wallet: the account fails as a bad response
        emulator.inject(fault)
        with pytest.raises(SyncError) as caught:
            run_adapter(emulator)
        assert caught.value.kind is ErrorKind.BAD_RESPONSE
        assert BAD_BODIES[fault] in caught.value.message
        return
    path, wallets = venue.one_wallet
    emulator.inject(fault, path_prefix=path)
    reading = run_adapter(emulator)
    assert set(reading.missing) >= wallets
    for wallet in wallets:
        assert BAD_BODIES[fault] in reading.missing[wallet]
        assert wallet not in reading.coverage
    assert set(reading.coverage) == venue.wallets - set(reading.missing)
    assert not [r for r in reading.balances if r.wallet in wallets]


@pytest.mark.parametrize("venue", venue_params(lambda v: v.one_wallet is not None))
def test_a_wallet_the_key_may_not_read_is_missing_with_the_reason(venue, run_adapter):
    emulator = venue.emulator()
    path, wallets = venue.one_wallet
    emulator.inject(FaultKind.PERMISSION_DENIED, path_prefix=path)
    reading = run_adapter(emulator)
    assert set(reading.missing) >= wallets
    for wallet in wallets:
        assert "permission" in reading.missing[wallet]
    assert set(reading.coverage) == venue.wallets - set(reading.missing)
    assert not [r for r in reading.balances if r.wallet in wallets]


# -- unified / classic account mode ----------------------------------------------------------------


def _probes(venue: Venue, emulator) -> int:
    count = [p for _, p in emulator.requests].count(venue.mode.probe_path)
    # where the mode comes from the key information, the permission check asks once
    return count - 1 if venue.mode.probe_reads_permissions else count


def _emulator_in_mode(venue: Venue, unified: bool):
    """The venue's emulator in the ``unified`` mode: its portfolio in its own mode,
    the mode's other portfolio in the other."""
    if unified is venue.emulator_kwargs["unified"]:
        return venue.emulator()
    return venue.emulator(balances=venue.mode.other_portfolio, unified=unified)


_MODE_VENUES = venue_params(lambda v: v.mode is not None)


@pytest.mark.parametrize("unified", [True, False], ids=["unified", "classic"])
@pytest.mark.parametrize("venue", _MODE_VENUES)
def test_the_mode_is_detected_once_and_reported_as_a_fact(venue, unified, run_adapter):
    emulator = _emulator_in_mode(venue, unified)
    adapter = venue.adapter()

    async def action(client):
        return await adapter.read_account(fast(client)), adapter.detected_facts(client)

    reading, facts = run_adapter(emulator, adapter, action=action)
    assert set(reading.coverage) == venue.wallets and dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emulator.account.balances)
    assert facts[venue.mode.fact] is unified
    assert _probes(venue, emulator) in (0, 1)   # bybit learns it from the key check itself
    paths = [p for _, p in emulator.requests]
    assert paths.count(venue.mode.probe_path) == 1
    if unified:
        assert not [p for p in paths if p.startswith(venue.mode.classic_paths)]
    if venue.reads_permissions:
        assert reading.permissions.level is PermissionLevel.READ_ONLY


@pytest.mark.parametrize("venue", venue_params(lambda v: v.mode is not None
                                               and v.mode.relearns_stale))
def test_a_stale_cached_classic_mode_is_learnt_again_on_a_unified_account(venue, run_adapter):
    emulator = _emulator_in_mode(venue, unified=True)
    adapter = venue.adapter()

    async def action(client):
        return await adapter.read_account(fast(client)), adapter.detected_facts(client)

    reading, facts = run_adapter(emulator, adapter, action=action,
                                 options=adapter.client_options({venue.mode.fact: False}))
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emulator.account.balances)
    assert facts[venue.mode.fact] is True


@pytest.mark.parametrize("venue", venue_params(lambda v: v.mode is not None
                                               and v.mode.priced_by is not None))
def test_a_unified_account_syncs_with_the_exchanges_prices(venue, data_dir, store, secret_store,
                                                           add_exchange_account):
    emulator = _emulator_in_mode(venue, unified=True)
    account = add_exchange_account(store, f"{venue.exchange_id} unified", emulator)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert result.status.value == "ok", result
    assert holdings_by_wallet(snapshot) == expected_by_wallet(emulator.account.balances)
    assert result.unpriced_assets == ()
    assert all(h.price is not None for h in snapshot.holdings)
    assert venue.mode.priced_by in [p for _, p in emulator.requests]


@pytest.mark.parametrize("venue", venue_params(lambda v: v.mode is not None))
def test_a_cached_mode_needs_no_probe(venue, run_adapter):
    emulator = venue.emulator()
    adapter = venue.adapter()
    cached = {venue.mode.fact: venue.emulator_kwargs["unified"]}
    reading = run_adapter(emulator, adapter, options=adapter.client_options(cached))
    assert read_by_wallet(reading.balances) == expected_by_wallet(emulator.account.balances)
    assert _probes(venue, emulator) == 0


@pytest.mark.parametrize("venue", venue_params(lambda v: v.mode is not None))
def test_the_account_mode_is_cached_between_syncs(venue, data_dir, store, secret_store,
                                                  add_exchange_account):
    emulator = venue.emulator()
    account = add_exchange_account(store, "mode cache", emulator)
    second, snapshot = second_sync(data_dir, store, secret_store, account.id, emulator)
    assert second.status.value == "ok"
    assert _probes(venue, emulator) == 0
    assert store.exchange_state.facts(account.id)[venue.mode.fact] is (
        venue.emulator_kwargs["unified"])
    assert holdings_by_wallet(snapshot) == expected_by_wallet(emulator.account.balances)


# -- pagination ------------------------------------------------------------------------------------


@pytest.mark.parametrize("venue", venue_params(lambda v: v.paging is not None))
def test_every_page_of_a_paged_list_is_read(venue, run_adapter):
    paging = venue.paging
    emulator = venue.emulator(balances=paging.balances)
    if paging.emulator_page_size is not None:
        emulator.page_size = paging.emulator_page_size
    adapter = venue.adapter()
    if paging.page_size is not None:
        adapter.envelope = replace(adapter.envelope, page_size=paging.page_size)
    reading = run_adapter(emulator, adapter)
    rows = [r for r in reading.balances if r.wallet == paging.wallet]
    expected = expected_by_wallet(paging.balances)
    assert read_by_wallet(rows) == expected
    assert {r.unlock_at[:10] for r in rows if r.unlock_at} == {
        b.unlock_at for b in paging.balances if b.unlock_at}
    assert len([p for _, p in emulator.requests if p.endswith(paging.path)]) == paging.requests


# -- the client's own checks, where a venue has them ------------------------------------------------


@pytest.mark.parametrize("venue", venue_params(lambda v: v.wrong_password_words is not None))
def test_a_wrong_passphrase_is_an_authentication_error(venue, run_adapter):
    wrong = venue.credentials(password="wrong")
    with pytest.raises(ccxt.AuthenticationError, match=re.escape(venue.wrong_password_words)):
        run_adapter(venue.emulator(), credentials=wrong,
                    action=lambda client: _raise_first_error(venue, fast(client)))


@pytest.mark.parametrize("venue", venue_params(lambda v: v.rate_limit_headers is not None))
def test_a_rate_limit_answers_429_with_retry_after(venue, run_adapter):
    emulator = venue.emulator()
    emulator.inject(FaultKind.RATE_LIMIT, retry_after=7)

    async def action(client):
        try:
            await _raise_first_error(venue, fast(client))
        except ccxt.RateLimitExceeded:
            return client.last_response_headers
        raise AssertionError("no rate limit error")

    headers = run_adapter(emulator, action=action)
    assert headers["Retry-After"] == "7"
    for name, value in venue.rate_limit_headers.items():
        assert headers[name] == value


@pytest.mark.parametrize("venue", venue_params(lambda v: v.short_body is not None))
def test_an_answer_missing_a_needed_field_is_rejected(venue, run_adapter):
    short = venue.short_body
    adapter = venue.adapter()

    async def action(client):
        async def answer(params=None):
            return dict(short.body)
        setattr(client, short.client_method, answer)
        return await getattr(adapter, short.reader)(fast(client))

    with pytest.raises(BadResponseError, match=short.words):
        run_adapter(venue.emulator(), adapter, action=action)


@pytest.mark.parametrize("venue", venue_params(lambda v: v.ticker_params is not None))
def test_prices_come_from_one_tickers_call(venue, run_adapter):
    tickers = run_adapter(venue.emulator(), action=lambda client: fast(client).fetch_tickers(
        None, dict(venue.ticker_params)))
    for symbol, price in venue.tickers.items():
        assert Decimal(str(tickers[symbol]["last"])) == price, symbol


@pytest.mark.parametrize("venue", venue_params(lambda v: v.skew_refusal is not None))
def test_a_skewed_clock_is_refused_in_the_exchanges_words_then_adjusted_for(venue, run_adapter):
    emulator = venue.emulator()
    emulator.inject(FaultKind.CLOCK_SKEW, skew_ms=900_000)
    error, words = venue.skew_refusal
    with pytest.raises(error, match=re.escape(words) if words else None):
        run_adapter(emulator, action=lambda client: _raise_first_error(venue, fast(client)))
    # the adapter's one retry turns on ccxt's time adjustment and reads everything
    reading = run_adapter(emulator)
    assert read_by_wallet(reading.balances) == expected_holdings(venue, emulator)
    assert ("GET", venue.time_path) in emulator.requests


@pytest.mark.parametrize("venue", venue_params(lambda v: bool(v.never_opened)))
def test_accounts_never_opened_read_as_empty(venue, run_adapter):
    emulator = venue.emulator(balances=[b for b in venue.portfolio
                                        if b.wallet not in venue.never_opened])
    reading = run_adapter(emulator)
    assert set(reading.coverage) == venue.wallets and not reading.missing
    assert {r.wallet for r in reading.balances} == (
        {b.wallet for b in venue.portfolio} - venue.never_opened)
