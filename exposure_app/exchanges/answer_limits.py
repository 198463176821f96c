"""How much of one exchange or chain answer is read: a size cap per kind of answer.

ccxt reads every answer whole (``response.text()``) before parsing it, and its
``timeout`` bounds only the time: over loopback an endless body fills more
than a gigabyte of memory within a 3 s timeout. Every ccxt client the app
builds therefore reads through :func:`capped_response_class` (installed by
:func:`exposure_app.exchanges.client_factory.build_client` on each of the
client's aiohttp sessions), which stops at the caps of the client's kind and
raises :class:`AnswerTooLargeError`; the chain clients read through
:func:`read_capped` with their own cap.

The caps, one :class:`AnswerLimit` per kind of client (decoded bytes, after
any gzip): one answer, and all the answers one client reads at the same moment.

* :data:`ACCOUNT_ANSWERS` (32 MiB an answer, 64 MiB at once): what a sync or a
  key test reads with the account's key: balances, positions, earn and funding
  wallets, the currency and network lists, the market list. The largest of
  these (a venue's full market or currency list) is a few megabytes; the caps
  leave room for venues that grow.
* :data:`MARKET_DATA_ANSWERS` (the same): the public price sources: the market
  list, tickers of many markets, daily candles (at most 1,000 a page).
* Chain servers (Esplora, JSON-RPC) get
  :data:`exposure_app.chains.pool.MAX_BODY_BYTES` an answer: their pages are small.

Time is bounded separately and as a whole: ccxt passes its ``timeout`` to
aiohttp as ``ClientTimeout(total=...)``, whose timer runs until the body has
been read (aiohttp 3.x), so an answer dripping one byte a second ends at the
timeout (``tests/exchanges/test_answer_bounds.py`` checks both).

An :class:`AnswerTooLargeError` is a :class:`BadResponseError`: the sync
reports it as a bad answer from that exchange, keeps the last good snapshot
and marks it stale with the reason.

Threading: the response class runs wherever its session runs (the sync loop).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exposure_app.exchanges.errors import BadResponseError

if TYPE_CHECKING:
    import aiohttp

MIB = 1024 * 1024
_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class AnswerLimit:
    """How much one client reads: ``per_answer`` bytes of any one answer, and
    ``together`` bytes of all the answers it is reading at the same moment (an
    adapter reads its wallets side by side, so without this one account could
    hold ten capped answers at once)."""

    per_answer: int
    together: int


ACCOUNT_ANSWERS = AnswerLimit(per_answer=32 * MIB, together=64 * MIB)
MARKET_DATA_ANSWERS = AnswerLimit(per_answer=32 * MIB, together=64 * MIB)


class AnswerTooLargeError(BadResponseError):
    """An answer (or the answers read at once) over the cap; nothing of it was kept."""

    def __init__(self, limit: int, *, together: bool = False) -> None:
        what = ("its answers read at the same time were together" if together
                else "it was")
        super().__init__(f"{what} larger than {describe_size(limit)}, more than Exposure "
                         "reads" + (" at once" if together else " from one answer"))
        self.limit = limit


def describe_size(size: int) -> str:
    if size % MIB == 0:
        return f"{size // MIB} MiB"
    if size % 1024 == 0:
        return f"{size // 1024} KiB"
    return f"{size} bytes"


class AnswerBudget:
    """The bytes one client's answers hold while they are read.

    Threading: used on the one loop the client runs on; no locking needed."""

    def __init__(self, limit: AnswerLimit) -> None:
        self.limit = limit
        self.held = 0


async def read_capped(response: aiohttp.ClientResponse, limit: int,
                      budget: AnswerBudget | None = None) -> bytes:
    """The body of ``response``, or :class:`AnswerTooLargeError` once it passes ``limit``
    (or once the answers ``budget`` counts pass its ``together`` cap).

    A declared ``Content-Length`` over the cap is refused before reading; an
    undeclared (chunked, or ended by closing) body is read in chunks and
    dropped as soon as it passes the cap, so at most ``limit`` plus one chunk
    is held."""
    declared = response.content_length
    if declared is not None and declared > limit:
        raise AnswerTooLargeError(limit)
    body = bytearray()
    try:
        async for chunk in response.content.iter_chunked(_CHUNK):
            body += chunk
            if budget is not None:
                budget.held += len(chunk)
            if len(body) > limit:
                raise AnswerTooLargeError(limit)
            if budget is not None and budget.held > budget.limit.together:
                raise AnswerTooLargeError(budget.limit.together, together=True)
        return bytes(body)
    finally:
        if budget is not None:
            budget.held -= len(body)
        body.clear()   # a kept traceback keeps this frame, and must not keep the bytes


def capped_response_class(budget: AnswerBudget) -> type[aiohttp.ClientResponse]:
    """An ``aiohttp.ClientResponse`` whose ``read()`` (and so ``text()``/``json()``,
    which ccxt uses) reads within ``budget``. One class per client, made when the
    client is built, so that importing this module does not import aiohttp."""
    import aiohttp

    class CappedResponse(aiohttp.ClientResponse):
        async def read(self) -> bytes:
            if self._body is None:
                try:
                    self._body = await read_capped(self, budget.limit.per_answer, budget)
                except BaseException:
                    self.close()   # a connection with an unread body is not reused
                    raise
            return await super().read()   # with the body set: waits for the release

    return CappedResponse


def cap_session(session: Any, response_class: type) -> Any:
    """``session`` (an ``aiohttp.ClientSession``), its answers read by ``response_class``.

    aiohttp takes the response class only when a session is made, and ccxt makes
    its sessions itself (in ``open()`` and for each SOCKS proxy); the class is set on
    the made session, in the attribute aiohttp reads it from for every request."""
    if session is not None:
        session._response_class = response_class
    return session


def cap_client_answers(client: Any, limit: AnswerLimit) -> None:
    """Make every session ``client`` (a ccxt async exchange) opens read within ``limit``."""
    response_class = capped_response_class(AnswerBudget(limit))
    open_session = client.open
    socks_session = client.get_socks_proxy_session

    def open(*args: Any, **kwargs: Any) -> Any:
        result = open_session(*args, **kwargs)
        cap_session(client.session, response_class)
        return result

    def get_socks_proxy_session(*args: Any, **kwargs: Any) -> Any:
        return cap_session(socks_session(*args, **kwargs), response_class)

    client.open = open
    client.get_socks_proxy_session = get_socks_proxy_session
    client.exposure_answer_limit = limit
