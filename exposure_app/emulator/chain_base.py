"""What the loopback chain servers (Esplora, EVM JSON-RPC) share with the exchange emulators.

They reuse :class:`~exposure_app.emulator.base.ExchangeEmulator`'s framework
(latency, request log, generic faults, :class:`EmulatorServer`) and add a
server-side concurrency limit: more than ``max_concurrent`` requests in flight
get HTTP 429, as public servers answer; ``peak_concurrent`` records the most
seen, so tests and the benchmark can check the client stays within it.

Threading: as for every emulator, the handlers run on the server's loop;
tests change state from their own thread (plain attribute writes).
"""

from __future__ import annotations

from aiohttp import web

from exposure_app.emulator.base import EmulatedAccount, ExchangeEmulator, Fault, FaultKind


class ChainEmulator(ExchangeEmulator):
    """Base of the chain servers; subclasses add routes."""

    def __init__(self, *, latency: float = 0.0, max_concurrent: int = 32) -> None:
        super().__init__(EmulatedAccount(api_key="", secret=""), latency=latency)
        self.max_concurrent = max_concurrent
        self.in_flight = 0
        self.peak_concurrent = 0

    def fault_response(self, fault: Fault, request: web.Request) -> web.StreamResponse:
        if fault.kind in (FaultKind.RATE_LIMIT, FaultKind.BAN):
            return web.Response(status=429, text="Too Many Requests",
                                headers={"Retry-After": str(fault.retry_after)})
        return web.Response(status=500, text="Internal Server Error")

    @web.middleware
    async def _limit(self, request: web.Request, handler):
        self.in_flight += 1
        self.peak_concurrent = max(self.peak_concurrent, self.in_flight)
        try:
            if self.in_flight > self.max_concurrent:
                return web.Response(status=429, text="Too Many Requests",
                                    headers={"Retry-After": "1"})
            return await handler(request)
        finally:
            self.in_flight -= 1

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._limit, self._middleware])
        self.add_routes(app)
        return app
