"""The balance answers ccxt documents, and a loopback server that replays one.

ccxt's source documents each exchange's balance endpoint with an example
answer in a comment inside ``fetch_balance`` / ``parse_balance``
(``#     {"BTC": {"available": "0.123", "freeze": "1"}}``). These are read
from the installed ccxt (nothing is copied into this repository), cleaned of
the JavaScript comment style (trailing commas, ``//`` remarks, bare keys,
single quotes) and parsed as JSON; examples that are still not complete JSON,
or that elide parts with ``...``, are left out.

:class:`ReplayServer` answers every request with one such body, so ccxt's own
``fetch_balance`` and the generic adapter can be run on the same answer.
Not a test module.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from typing import Any

from aiohttp import web

_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_LINE_REMARK = re.compile(r"(^|\s)//.*$")
_OPENERS = {"{": "}", "[": "]"}
_SINGLE_QUOTED = re.compile(r"'([^'\"\n]*)'")
_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")


def _comment_blocks(source: str) -> Iterator[str]:
    """Runs of comment lines, with the ``#`` and the indent after it removed."""
    block: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped[1:])
            continue
        if block:
            yield "\n".join(block)
            block = []
    if block:
        yield "\n".join(block)


def _json_values(text: str) -> Iterator[Any]:
    """Every top-level JSON object or array that starts a line of ``text``."""
    lines = [_LINE_REMARK.sub("", line) if '"http' not in line else line
             for line in text.splitlines()]
    start = None
    depth = 0
    for index, line in enumerate(lines):
        body = line.strip()
        if start is None:
            if body[:1] in _OPENERS:
                start, depth = index, 0
            else:
                continue
        depth += body.count("{") + body.count("[") - body.count("}") - body.count("]")
        if depth <= 0:
            chunk = "\n".join(lines[start:index + 1])
            start = None
            if "..." in chunk or "…" in chunk:
                continue
            text = _TRAILING_COMMA.sub(r"\1", chunk)
            try:
                yield json.loads(text)
                continue
            except ValueError:
                pass
            # JavaScript object style: bare keys and single-quoted strings
            text = _SINGLE_QUOTED.sub(lambda m: json.dumps(m.group(1)), text)
            text = _BARE_KEY.sub(r'\1"\2":', text)
            try:
                yield json.loads(text)
            except ValueError:
                continue


def documented_balance_answers(exchange_class: type) -> list[Any]:
    """The example answers in ``fetch_balance`` and ``parse_balance`` of one
    ccxt exchange class (its own methods only, not inherited ones)."""
    found: list[Any] = []
    for name in ("fetch_balance", "parse_balance"):
        method = exchange_class.__dict__.get(name)
        if method is None:
            continue
        try:
            source = inspect.getsource(method)
        except (OSError, TypeError):
            continue
        for block in _comment_blocks(source):
            for value in _json_values(block):
                if isinstance(value, dict | list) and value and value not in found:
                    found.append(value)
    return found


class ReplayServer:
    """Answers a request for a path in ``routes`` with that body, any other with
    ``body`` (JSON, status 200), or 404 when ``body`` is ``None``. Runs on the
    caller's event loop; ``requests`` lists the paths asked for."""

    def __init__(self) -> None:
        self.body: Any = {}
        self.routes: dict[str, Any] = {}
        self.requests: list[str] = []
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def _answer(self, request: web.Request) -> web.Response:
        self.requests.append(request.path)
        body = self.routes.get(request.path, self.body)
        if body is None:
            return web.Response(status=404, text="404 page not found")
        if isinstance(body, str):   # a page instead of data (captive portal, WAF)
            return web.Response(text=body, content_type="text/html")
        return web.json_response(body)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
