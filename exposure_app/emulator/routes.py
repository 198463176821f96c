"""Routes declared beside the emulator handlers that serve them.

An emulator's handler carries its endpoint (``@route("/api/v5/account/balance",
signed=True)``); :meth:`exposure_app.emulator.base.ExchangeEmulator.add_routes`
registers every declared route, letting a signed one through only after the
emulator's ``authenticate`` did, so no handler repeats that check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from aiohttp import web

from exposure_app.domain.method_marks import MethodMarks


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint a handler serves, declared with :func:`route` beside the handler.

    A ``signed`` route answers only after :meth:`ExchangeEmulator.authenticate`
    let the request through with the permission ``needs``.
    """

    path: str
    method: str = "GET"
    signed: bool = False
    needs: str = "read"


_Handler = TypeVar("_Handler", bound=Callable[..., Awaitable[web.StreamResponse]])
# handler function -> the routes it serves, in the order they are declared
DECLARED_ROUTES: MethodMarks[tuple[Route, ...]] = MethodMarks()


def route(path: str, *, method: str = "GET", signed: bool = False,
          needs: str = "read") -> Callable[[_Handler], _Handler]:
    """Declares that the decorated handler serves ``method path`` (stack it for
    several paths); :meth:`ExchangeEmulator.add_routes` registers every declared
    route in the order the handlers are defined."""

    def declare(handler: _Handler) -> _Handler:
        DECLARED_ROUTES.mark(handler, (Route(path, method, signed, needs),
                                        *(DECLARED_ROUTES.get(handler) or ())))
        return handler

    return declare
