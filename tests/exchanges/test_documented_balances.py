"""The generic adapter over the balance answers ccxt documents, served on loopback
and compared with ccxt's own ``fetch_balance`` on the same answer (issue 15,
points 25 and 26).

Each exchange without a dedicated adapter whose ``fetch_balance`` or
``parse_balance`` documents an example answer (read from the installed ccxt,
see ``ccxt_documented``) is run twice against a server replaying that answer:
ccxt's ``fetch_balance`` gives the expected figures, the generic adapter's
reader must give the same ones, exactly, as decimals. An answer ccxt itself
cannot parse (an incomplete example, a pre-call the replay cannot answer, a
credential format) is not compared.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from exposure_app.exchanges.adapters.registry import DEDICATED, SIBLINGS, GenericAdapter
from exposure_app.exchanges.client_factory import (
    ConnectionOptions,
    build_client,
    ccxt_async_module,
)
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, SyncError
from exposure_app.exchanges.validation import answers_received, note_answer, require_json_answers
from tests.exchanges.ccxt_documented import ReplayServer, documented_balance_answers

# any base64 text of 32 bytes: a valid HMAC secret and a valid ed25519 seed
SECRET = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
D = Decimal


def _credentials(cls) -> dict[str, str] | None:
    needed = [name for name, needed in cls.requiredCredentials.items() if needed]
    if {"privateKey", "walletAddress"} & set(needed):
        return None     # wallet-signed venues: no key pair to make up
    return {name: SECRET for name in needed}


def _client(exchange_id: str, credentials: dict[str, str], server: ReplayServer):
    client = build_client(exchange_id, credentials,
                          ConnectionOptions(api_url=server.base_url, timeout_seconds=5),
                          GenericAdapter(exchange_id).client_options({}))
    client.set_markets([])   # no market pre-calls: the replay answers only the balance
    return client


def _expected(balance: dict) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    def dec(value) -> Decimal:
        return D(0) if value is None else D(repr(float(value)))

    rows = {}
    for code, total in (balance.get("total") or {}).items():
        entry = balance.get(code) or {}
        free, used = dec(entry.get("free")), dec(entry.get("used"))
        total = dec(total) if total is not None else free + used
        if total or free or used:
            rows[code] = (free, used, total)
    return rows


async def _compare_all() -> tuple[dict[str, int], dict[str, str]]:
    ccxt_async = ccxt_async_module()
    server = ReplayServer()
    await server.start()
    compared: dict[str, int] = {}
    disagreements: dict[str, str] = {}
    try:
        for exchange_id in ccxt_async.exchanges:
            if exchange_id in DEDICATED or exchange_id in SIBLINGS:
                continue
            cls = getattr(ccxt_async, exchange_id)
            credentials = _credentials(cls)
            if credentials is None:
                continue
            for body in documented_balance_answers(cls):
                server.body = body
                client = _client(exchange_id, credentials, server)
                try:
                    try:
                        expected = _expected(await client.fetch_balance())
                    except Exception:
                        continue       # ccxt itself cannot read this example
                    try:
                        rows = await GenericAdapter(exchange_id)._reader(None)(client)
                    except Exception as exc:
                        disagreements[exchange_id] = f"{type(exc).__name__}: {exc}"
                        continue
                    got = {r.asset: (r.free, r.locked, r.total) for r in rows}
                    if got != expected:
                        disagreements[exchange_id] = f"read {got}, ccxt read {expected}"
                    elif expected:
                        compared[exchange_id] = compared.get(exchange_id, 0) + len(expected)
                finally:
                    await client.close()
    finally:
        await server.stop()
    return compared, disagreements


def test_generic_adapter_reads_what_ccxt_reads_for_documented_answers():
    compared, disagreements = asyncio.run(_compare_all())
    assert disagreements == {}
    assert len(compared) >= 20, sorted(compared)
    # parsed without ``info`` by ccxt: read, not called empty (point 25)
    assert {"whitebit", "backpack"} <= set(compared)


def _mexc_answers() -> tuple[dict, dict]:
    cls = ccxt_async_module().mexc
    answers = documented_balance_answers(cls)
    spot = next(a for a in answers if isinstance(a, dict) and "balances" in a)
    swap = next(a for a in answers if isinstance(a, dict) and isinstance(a.get("data"), list))
    return spot, swap


def test_mexc_margin_wallet_is_not_asked_for_and_coverage_says_so():
    """mexc's isolated-margin balance needs a market symbol in ccxt (point 26)."""
    spot, swap = _mexc_answers()

    async def main():
        server = ReplayServer()
        await server.start()
        server.body = None                       # anything else: 404
        server.routes = {"/api/v3/account": spot, "/api/v1/private/account/assets": swap}
        adapter = GenericAdapter("mexc")
        readings = []
        try:
            for _ in range(2):
                client = _client("mexc", {"apiKey": "k", "secret": SECRET}, server)
                try:
                    readings.append(await adapter.read_balances(client))
                finally:
                    await client.close()
        finally:
            await server.stop()
        return adapter, readings, server.requests

    adapter, readings, requests = asyncio.run(main())
    for reading in readings:
        assert "spot" in reading.coverage and "swap" in reading.coverage
        assert reading.missing == {}, reading.missing       # a complete snapshot
        assert "market by market" in reading.skipped["margin"]
        assert "not read: margin" in reading.coverage_note
    assert "margin" not in [spec.name for spec in adapter.wallets()]
    assert not any("margin" in path for path in requests)


def test_an_html_page_is_not_an_empty_whitebit_wallet():
    async def main():
        server = ReplayServer()
        await server.start()
        server.body = "<html><body>Please sign in to the Wi-Fi</body></html>"
        client = _client("whitebit", {"apiKey": "k", "secret": SECRET}, server)
        try:
            await GenericAdapter("whitebit").read_balances(client)
        except SyncError as exc:
            return exc
        finally:
            await client.close()
            await server.stop()
        return None

    error = asyncio.run(main())
    assert error is not None and error.kind is ErrorKind.BAD_RESPONSE


def test_answers_that_are_not_data_are_refused_for_balances_without_info():
    for body, words in (("<!doctype html><p>blocked</p>", "web page"), ("", "empty answer"),
                        ("Service Unavailable", "not valid JSON")):
        with answers_received() as answers:
            note_answer('{"BTC": {"available": "1"}}')
            note_answer(body)
        with pytest.raises(BadResponseError, match=words):
            require_json_answers(answers, "spot balance")
    with answers_received() as answers:
        note_answer("{}")
        note_answer("1717000000000")   # a bare server time
    require_json_answers(answers, "spot balance")
    note_answer("outside any reader")   # not collected, no error
