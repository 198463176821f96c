"""The emulator framework: accounts, fault injection and the server thread.

An :class:`ExchangeEmulator` subclass declares the exchange's routes beside
their handlers (:func:`exposure_app.emulator.routes.route`), checks a signed
request in :meth:`ExchangeEmulator.authenticate` and knows how that exchange
words its errors (:class:`ErrorSpec`). The framework handles what is the same
everywhere: latency, the request log, and faults that do not depend on the
exchange (timeouts, connection resets, HTML or malformed bodies, 5xx).

Threading: an :class:`EmulatorServer` runs all its emulators on one asyncio
loop in a daemon thread. Tests and the demo change an emulator's state
(balances, faults, latency) from other threads; those fields are plain
attribute writes read by the handlers, which is safe enough for test control
under the GIL. ``requests`` is appended to from the loop thread only.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from aiohttp import web

from exposure_app.emulator.http_faults import drip_answer, endless_answer
from exposure_app.emulator.market_tape import MarketTape
from exposure_app.emulator.routes import DECLARED_ROUTES, Route


class FaultKind(StrEnum):
    AUTH = "auth"                      # wrong key / signature: the exchange's 401-style answer
    PERMISSION_DENIED = "permission"   # key lacks the read permission for this endpoint
    IP_NOT_WHITELISTED = "ip"          # key bound to other IPs
    RATE_LIMIT = "rate_limit"          # 429 with Retry-After
    BAN = "ban"                        # 418 (binance) / exchange's ban answer, with Retry-After
    SERVER_ERROR = "server_error"      # 5xx
    MAINTENANCE = "maintenance"        # the exchange's maintenance answer
    TIMEOUT = "timeout"                # never answers within the client's timeout
    CONNECTION_RESET = "reset"         # TCP connection closed without an answer
    HTML_200 = "html_200"              # captive portal / WAF page with status 200
    MALFORMED_JSON = "malformed_json"  # status 200, body not JSON
    EMPTY_BODY = "empty_body"          # status 200, empty body
    CLOCK_SKEW = "clock_skew"          # server clock far from the client's: timestamp rejected
    NOT_FOUND = "not_found"            # 404 with a plain-text body (a proxy's or web server's)
    DRIP = "drip"                      # 200, one byte a second: only a whole-request deadline ends it
    HUGE_BODY = "huge_body"            # 200 with an endless chunked body: only a size cap ends it


GENERIC_FAULTS = frozenset(
    {
        FaultKind.TIMEOUT,
        FaultKind.CONNECTION_RESET,
        FaultKind.HTML_200,
        FaultKind.MALFORMED_JSON,
        FaultKind.EMPTY_BODY,
        FaultKind.NOT_FOUND,
    }
)


@dataclass
class Fault:
    """A fault to inject. ``path_prefix`` limits it to matching paths;
    ``times`` limits how many requests it hits (``None`` = until removed);
    ``private_only`` spares public endpoints (markets, tickers, time)."""

    kind: FaultKind
    path_prefix: str = ""
    times: int | None = None
    private_only: bool = True
    retry_after: int = 2
    skew_ms: int = 120_000


@dataclass
class EmulatedBalance:
    """One asset in one wallet of an emulated account (tests, samples and the demo).

    A locked earn or staking product ends at ``unlock_at`` (an ISO date), or
    ``unlock_in_days`` after the day the emulator is built, for portfolios that
    must look the same whenever they are served (the demo's); :meth:`dated`
    turns the second into the first, and emulators read only ``unlock_at``.
    """

    wallet: str          # the app's wallet name: spot, funding, margin, futures, earn_flexible...
    asset: str           # the unified code (BTC), emulators translate to native ids (XBT...)
    free: Decimal
    locked: Decimal = Decimal(0)
    unlock_at: str | None = None   # ISO date for locked earn, where the exchange tells
    unlock_in_days: int | None = None

    @property
    def total(self) -> Decimal:
        return self.free + self.locked

    def dated(self, today: date) -> EmulatedBalance:
        """A copy with ``unlock_in_days`` resolved against ``today`` into ``unlock_at``."""
        if self.unlock_in_days is None:
            return replace(self)
        unlock = (today + timedelta(days=self.unlock_in_days)).isoformat()
        return replace(self, unlock_at=unlock, unlock_in_days=None)


def totals_by_asset(balances: Iterable[EmulatedBalance]) -> list[EmulatedBalance]:
    """Free and locked summed per asset, in first-seen order: one balance per asset,
    in the wallet of its first balance, without an unlock date (sums of products that
    end on different days have none)."""
    sums: dict[str, EmulatedBalance] = {}
    for b in balances:
        seen = sums.get(b.asset)
        sums[b.asset] = (EmulatedBalance(b.wallet, b.asset, b.free, b.locked) if seen is None
                         else replace(seen, free=seen.free + b.free, locked=seen.locked + b.locked))
    return list(sums.values())


@dataclass
class EmulatedAccount:
    """The state of one user's account on an emulated exchange."""

    api_key: str
    secret: str
    password: str | None = None            # okx, kucoin, bitget passphrase
    uid: str | None = None
    balances: list[EmulatedBalance] = field(default_factory=list)
    permissions: frozenset[str] = frozenset({"read"})   # subset of read, trade, withdraw, transfer
    ip_whitelist: tuple[str, ...] = ()

    def wallet(self, name: str) -> list[EmulatedBalance]:
        return [b for b in self.balances if b.wallet == name]

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def credentials(self) -> dict[str, str]:
        """The ccxt credential names for this account (apiKey, secret, password, uid)."""
        creds = {"apiKey": self.api_key, "secret": self.secret}
        if self.password is not None:
            creds["password"] = self.password
        if self.uid is not None:
            creds["uid"] = self.uid
        return creds


# A portfolio over the usual wallet names; each emulator keeps the wallets it
# serves (``ExchangeEmulator.wallet_names``) for the demo and smoke tests.
SAMPLE_BALANCES: tuple[EmulatedBalance, ...] = (
    EmulatedBalance("spot", "BTC", Decimal("0.5"), Decimal("0.1")),
    EmulatedBalance("spot", "ETH", Decimal("4")),
    EmulatedBalance("spot", "USDT", Decimal("1250.5"), Decimal("250")),
    EmulatedBalance("funding", "USDC", Decimal("800")),
    EmulatedBalance("margin", "BTC", Decimal("0.05")),
    EmulatedBalance("futures", "USDT", Decimal("3000")),
    EmulatedBalance("earn_flexible", "USDT", Decimal("5000")),
    EmulatedBalance("earn_locked", "ETH", Decimal("0"), Decimal("2"), unlock_at="2027-01-15"),
    EmulatedBalance("staking", "SOL", Decimal("0"), Decimal("40"), unlock_at="2026-12-31"),
)

SAMPLE_TICKERS: dict[str, Decimal] = {
    "BTC/USDT": Decimal("64000"),
    "ETH/USDT": Decimal("3200"),
    "SOL/USDT": Decimal("150"),
    "USDC/USDT": Decimal("1.0001"),
}


HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Attention Required</title></head>"
    "<body><h1>Please wait while we check your browser</h1></body></html>"
)


@dataclass(frozen=True)
class ErrorSpec:
    """How an emulated exchange words its errors, declared once per venue.

    ``errors`` maps the exchange's code to (HTTP status, message; ``{name}``
    fields are filled from the call); ``faults`` says which code answers each
    injected fault; the ``retry_faults`` answers carry ``Retry-After``.
    """

    errors: Mapping[str | int, tuple[int, str]]
    faults: Mapping[FaultKind, str | int]
    retry_faults: frozenset[FaultKind] = frozenset(
        {FaultKind.RATE_LIMIT, FaultKind.BAN, FaultKind.MAINTENANCE})
    bad_signature: str | int | None = None   # when not the AUTH fault's code


def json_response(body: object, *, status: int = 200,
                  headers: Mapping[str, str] | None = None) -> web.Response:
    """Compact JSON, as the exchanges send it."""
    return web.Response(status=status, text=json.dumps(body, separators=(",", ":")),
                        content_type="application/json", headers=dict(headers or {}))


class ExchangeEmulator:
    """Base class; subclasses set ``exchange_id``, declare their routes and
    either an :attr:`error_spec` or their own :meth:`fault_response`."""

    exchange_id: ClassVar[str] = ""
    # Wallet names this emulator serves (used to build the sample portfolio).
    wallet_names: ClassVar[tuple[str, ...]] = ("spot",)

    def __init__(
        self,
        account: EmulatedAccount,
        *,
        tickers: dict[str, Decimal] | None = None,
        latency: float = 0.0,
    ) -> None:
        self.account = account
        self.tickers = dict(tickers or {})   # "BTC/USDT" -> last price
        self.latency = latency
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str]] = []
        self.base_url: str | None = None
        self.market: MarketTape | None = None
        self.market_symbols: tuple[str, ...] = ()

    def use_market(self, tape: MarketTape, symbols: Iterable[str]) -> None:
        """Serve ``symbols`` from ``tape``: tickers at its latest close, daily OHLCV
        from its closes. The tickers follow later changes to the tape."""
        self.market = tape
        self.market_symbols = tuple(symbols)
        self._refresh_market_tickers()

    def _refresh_market_tickers(self) -> None:
        if self.market is None:
            return
        for symbol in self.market_symbols:
            last = self.market.last(symbol)
            if last is not None:
                self.tickers[symbol] = last

    # -- to implement ----------------------------------------------------------

    def declared_routes(self) -> Iterator[tuple[Route, Callable[[web.Request], Awaitable[Any]]]]:
        """Every :func:`route` declared on this class and its bases, with its bound
        handler, in definition order (a subclass's handler replaces its base's)."""
        for routes, handler in DECLARED_ROUTES.on(self):
            for declared in routes:
                yield declared, handler

    def add_routes(self, app: web.Application) -> None:
        """Registers the :func:`route` declarations; signed ones authenticate first."""
        for declared, handler in self.declared_routes():
            app.router.add_route(declared.method, declared.path,
                                 self._guarded(handler, declared) if declared.signed else handler)

    def _guarded(self, handler: Callable[[web.Request], Awaitable[Any]],
                 declared: Route) -> Callable[[web.Request], Awaitable[Any]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            denied = await self.authenticate(request, needs=declared.needs)
            return denied if denied is not None else await handler(request)

        return serve

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:  # pragma: no cover
        """The exchange's refusal of a signed request, or ``None`` to let it through
        (key, timestamp, signature, IP whitelist, then the permission ``needs``)."""
        raise NotImplementedError(f"{self.exchange_id} emulator has no signed routes")

    # the venue's error table; with it, error() and fault_response() need no code of their own
    error_spec: ClassVar[ErrorSpec | None] = None

    def error_body(self, code: str | int, message: str) -> object:  # pragma: no cover - abstract
        """The exchange's error envelope (for :attr:`error_spec` venues)."""
        raise NotImplementedError

    def error_headers(self, fault: Fault | None) -> dict[str, str]:
        """Headers every error answer carries (rate-limit counters); ``fault`` when injected."""
        return {}

    def error(self, code: str | int, *, headers: Mapping[str, str] | None = None,
              fault: Fault | None = None, **fields: str) -> web.Response:
        """The answer for ``code`` of :attr:`error_spec`, worded as the exchange words it."""
        assert self.error_spec is not None, f"{self.exchange_id} declares no error_spec"
        status, message = self.error_spec.errors[code]
        return json_response(self.error_body(code, message.format(**fields)), status=status,
                             headers={**self.error_headers(fault), **(headers or {})})

    def refusal(self, request: web.Request, *, signed: bool,
                needs: str = "read") -> web.Response | None:
        """The last checks of a signed request, in the order the exchanges make them:
        the signature (``signed``), the key's IP whitelist, then the permission
        ``needs``; the refusal worded from :attr:`error_spec`, or ``None``."""
        assert self.error_spec is not None, f"{self.exchange_id} declares no error_spec"
        spec = self.error_spec
        if not signed:
            code = spec.faults[FaultKind.AUTH] if spec.bad_signature is None else spec.bad_signature
            return self.error(code)
        whitelist = self.account.ip_whitelist
        if whitelist and (request.remote or "") not in whitelist:
            return self.error(spec.faults[FaultKind.IP_NOT_WHITELISTED], ip=request.remote or "")
        if needs not in self.account.permissions:
            return self.error(spec.faults[FaultKind.PERMISSION_DENIED])
        return None

    def fault_response(self, fault: Fault, request: web.Request) -> web.StreamResponse:
        """The exchange's own answer for a non-generic fault kind, from :attr:`error_spec`."""
        spec = self.error_spec
        if spec is None or fault.kind not in spec.faults:
            raise ValueError(f"{self.exchange_id} emulator has no answer for {fault.kind}")
        retry = ({"Retry-After": str(fault.retry_after)} if fault.kind in spec.retry_faults
                 else {})
        return self.error(spec.faults[fault.kind], headers=retry, fault=fault,
                          ip=request.remote or "")

    def is_private(self, request: web.Request) -> bool:
        """Whether ``request`` is a signed endpoint (faults default to those)."""
        return True

    # -- construction helpers ---------------------------------------------------

    @classmethod
    def sample(cls, *, latency: float = 0.0) -> ExchangeEmulator:
        """An emulator with demo credentials and :data:`SAMPLE_BALANCES` for its wallets."""
        ex = cls.exchange_id
        account = EmulatedAccount(
            api_key=f"demo-{ex}-key",
            secret=f"demo-{ex}-secret",
            password=f"demo-{ex}-passphrase" if cls.needs_password else None,
            uid=f"demo-{ex}-uid" if cls.needs_uid else None,
            balances=[b for b in SAMPLE_BALANCES if b.wallet in cls.wallet_names],
        )
        return cls(account, tickers=SAMPLE_TICKERS, latency=latency)

    needs_password: ClassVar[bool] = False
    needs_uid: ClassVar[bool] = False

    # -- helpers for subclasses -----------------------------------------------

    @staticmethod
    def json(data: object, *, status: int = 200, headers: dict[str, str] | None = None
             ) -> web.Response:
        return web.json_response(data, status=status, headers=headers)

    def ticker_price(self, symbol: str) -> Decimal | None:
        return self.tickers.get(symbol)

    def ticker_pairs(self) -> list[tuple[str, str, Decimal]]:
        """``(base, quote, last price)`` of every ticker served, in ticker order."""
        pairs = []
        for symbol, price in self.tickers.items():
            base, quote = symbol.split("/")
            pairs.append((base, quote, price))
        return pairs

    def server_time_ms(self) -> int:
        """The server clock, shifted while a CLOCK_SKEW fault is active."""
        skew = sum(f.skew_ms for f in self.faults if f.kind is FaultKind.CLOCK_SKEW)
        return int(time.time() * 1000) + skew

    def clock_skew_active(self) -> bool:
        return any(f.kind is FaultKind.CLOCK_SKEW for f in self.faults)

    def inject(self, kind: FaultKind, **kwargs) -> Fault:
        fault = Fault(kind, **kwargs)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- framework -------------------------------------------------------------

    def _matching_fault(self, request: web.Request) -> Fault | None:
        for fault in list(self.faults):
            if fault.kind is FaultKind.CLOCK_SKEW:
                continue  # applied by the subclass's timestamp check
            if fault.path_prefix and not request.path.startswith(fault.path_prefix):
                continue
            if fault.private_only and not self.is_private(request):
                continue
            if fault.times is not None:
                if fault.times <= 0:
                    continue
                fault.times -= 1
            return fault
        return None

    @web.middleware
    async def _middleware(self, request: web.Request, handler):
        self.requests.append((request.method, request.path))
        self._refresh_market_tickers()
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self._matching_fault(request)
        if fault is None:
            return await handler(request)
        if fault.kind is FaultKind.TIMEOUT:
            await asyncio.sleep(3600)
        if fault.kind is FaultKind.CONNECTION_RESET:
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError("fault injected: connection reset")
        if fault.kind is FaultKind.HTML_200:
            return web.Response(text=HTML_PAGE, content_type="text/html")
        if fault.kind is FaultKind.MALFORMED_JSON:
            return web.Response(text='{"code": 0, "data": [', content_type="application/json")
        if fault.kind is FaultKind.EMPTY_BODY:
            return web.Response(text="", content_type="application/json")
        if fault.kind is FaultKind.NOT_FOUND:
            return web.Response(status=404, text="404 page not found", content_type="text/plain")
        if fault.kind is FaultKind.DRIP:
            return await drip_answer(request)
        if fault.kind is FaultKind.HUGE_BODY:
            return await endless_answer(request)
        if fault.kind is FaultKind.SERVER_ERROR:
            return web.Response(
                status=503,
                text="<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
                content_type="text/html",
            )
        return self.fault_response(fault, request)

    def build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        self.add_routes(app)
        return app


class EmulatorServer:
    """Runs emulators on 127.0.0.1 (one port each) on a private loop thread."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="exchange-emulators", daemon=True
        )
        self._runners: list[web.AppRunner] = []
        self.emulators: dict[str, ExchangeEmulator] = {}
        self._thread.start()

    def add(self, emulator: ExchangeEmulator, *, key: str | None = None, port: int = 0) -> str:
        """Serve ``emulator``; returns its base URL (``http://127.0.0.1:PORT``)."""
        future = asyncio.run_coroutine_threadsafe(self._serve(emulator, port), self._loop)
        emulator.base_url = future.result(timeout=10)
        self.emulators[key or emulator.exchange_id] = emulator
        return emulator.base_url

    async def _serve(self, emulator: ExchangeEmulator, port: int) -> str:
        runner = web.AppRunner(emulator.build_app(), access_log=None, handle_signals=False,
                               shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self._runners.append(runner)
        sockets = site._server.sockets  # type: ignore[union-attr]
        return f"http://127.0.0.1:{sockets[0].getsockname()[1]}"

    def stop(self) -> None:
        if not self._thread.is_alive():
            return

        async def _cleanup() -> None:
            for runner in self._runners:
                await runner.cleanup()
            # answers still held back (a TIMEOUT fault, latency) end before the loop closes
            held = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in held:
                task.cancel()
            await asyncio.gather(*held, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(_cleanup(), self._loop).result(timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulators(emulators: Iterable[ExchangeEmulator]) -> EmulatorServer:
    """Start ``emulators`` on loopback; each gets ``base_url`` set."""
    server = EmulatorServer()
    for emulator in emulators:
        server.add(emulator)
    return server
