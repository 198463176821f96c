"""A loopback HTTP server that answers every request with one chosen body.

Used to feed generated exchange answers to the real ccxt clients and the
app's adapters. ``server.answer(status, body, content_type)`` sets what the
next requests get. Threading: serves on its own asyncio loop thread; the body
is a plain attribute swapped from the test thread.
"""

from __future__ import annotations

import asyncio
import threading

from aiohttp import web


class FuzzServer:
    def __init__(self) -> None:
        self.status = 200
        self.body = b"{}"
        self.content_type = "application/json"
        self.requests = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def answer(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.status, self.body, self.content_type = status, body, content_type

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        await request.read()
        return web.Response(status=self.status, body=self.body,
                            headers={"Content-Type": self.content_type})

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        async def shutdown() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
