"""Per-account connection options: an HTTP proxy that really carries the requests,
and a SOCKS proxy (needs aiohttp-socks) failing as network trouble when it is down."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import ClientSession, web

from exposure_app.emulator.base import ExchangeEmulator
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.adapters.binance import BinanceAdapter
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client
from exposure_app.exchanges.errors import ErrorKind, SyncError


class ForwardProxy(ExchangeEmulator):
    """A plain HTTP forward proxy on loopback (absolute-URI requests)."""

    exchange_id = "proxy"

    def __init__(self) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.forwarded: list[str] = []

    def is_private(self, request: web.Request) -> bool:
        return False

    def add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/{tail:.*}", self.forward)

    async def forward(self, request: web.Request) -> web.Response:
        url = str(request.url)
        self.forwarded.append(url)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        async with ClientSession() as session, session.request(
            request.method, url, headers=headers, data=await request.read()
        ) as answer:
            return web.Response(body=await answer.read(), status=answer.status,
                                content_type=answer.content_type)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_requests_go_through_the_http_proxy(emulator_server):
    emu = BinanceEmulator.sample()
    emulator_server.add(emu)
    proxy = ForwardProxy()
    proxy_url = emulator_server.add(proxy, key="proxy")
    adapter = BinanceAdapter()

    async def main():
        client = build_client("binance", emu.account.credentials(),
                              ConnectionOptions(api_url=emu.base_url, proxy=proxy_url,
                                                timeout_seconds=5),
                              adapter.client_options({}), adapter.ccxt_config())
        try:
            return await adapter.read_account(client)
        finally:
            await client.close()

    reading = asyncio.run(main())
    assert "spot" in reading.coverage and not reading.missing
    assert len(proxy.forwarded) == len(emu.requests) > 5
    assert all(url.startswith(emu.base_url) for url in proxy.forwarded)


@pytest.mark.parametrize("scheme", ["socks5", "http"])
def test_a_proxy_that_is_down_is_network_trouble(emulator_server, scheme):
    emu = BinanceEmulator.sample()
    emulator_server.add(emu)
    proxy = f"{scheme}://127.0.0.1:{_free_port()}"

    async def main():
        client = build_client("binance", emu.account.credentials(),
                              ConnectionOptions(api_url=emu.base_url, proxy=proxy,
                                                timeout_seconds=3),
                              BinanceAdapter().client_options({}))
        try:
            return await BinanceAdapter().read_account(client)
        finally:
            await client.close()

    with pytest.raises(SyncError) as info:
        asyncio.run(main())
    assert info.value.kind is ErrorKind.NETWORK, info.value
    assert emu.requests == []
