"""Shared helpers for the risk tests: events, series and a loopback HTTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from exposure_app.risk.events import Category, Origin, Resolution, RiskEvent
from exposure_app.risk.outflows import ReserveSeries, TokenPoint

# A holdings CSV for the CLI tests: FTX and a Ledger, with an FTT position, before the halt.
FTX_HOLDINGS = """date,account,asset,amount,price
2022-11-01,FTX main,BTC,1,20000
2022-11-01,FTX main,USDT,5000,1
2022-11-01,Ledger,BTC,1,20000
2022-11-01,Ledger,FTT,100,25
"""


def event(
    cp: str = "binance", day: str | date = "2022-01-01", category: str = "hack", *,
    eid: str | None = None, magnitude: str | None = None, resolved: str | None = None,
    origin: Origin = Origin.USER, published: str | None = None,
) -> RiskEvent:
    """A test event; ``published`` (YYYY-MM-DD) defaults to the event's own date."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return RiskEvent(
        id=eid or f"t-{cp}-{day}-{category}",
        date=day, counterparty=cp, category=Category(category),
        title=f"{category} at {cp}", summary="test event",
        sources=("https://example.org/source",),
        magnitude_usd=Decimal(magnitude) if magnitude else None,
        resolved=Resolution(date.fromisoformat(resolved), "") if resolved else None,
        origin=origin,
        published=(datetime.combine(date.fromisoformat(published), datetime.min.time(), UTC)
                   if published else None),  # type: ignore[arg-type]
    )


def raw_event(eid: str = "my-event-1", **overrides) -> dict:
    raw = {
        "id": eid, "date": "2024-05-01", "counterparty": "kraken", "category": "hack",
        "title": "A test hack", "summary": "Something happened.",
        "sources": ["https://example.org/a"],
    }
    raw.update(overrides)
    return raw


def daily_series(
    slug: str,
    start: date,
    amounts: list[dict[str, float]],
    prices: Callable[[int, str], float] | dict[str, float],
) -> ReserveSeries:
    """One point per day at 00:00 UTC; ``prices`` maps (day index, token) to a USD price."""
    points = []
    for index, day_amounts in enumerate(amounts):
        at = datetime.combine(start + timedelta(days=index), datetime.min.time(), tzinfo=UTC)
        usd = {}
        for token, amount in day_amounts.items():
            price = prices(index, token) if callable(prices) else prices[token]
            usd[token] = Decimal(repr(amount * price))
        points.append(TokenPoint(at, {t: Decimal(repr(a)) for t, a in day_amounts.items()}, usd))
    return ReserveSeries(slug, tuple(points))


def protocol_payload(series: ReserveSeries) -> dict:
    """``series`` in DefiLlama's ``/protocol/<slug>`` reply shape (split over two chains)."""
    def rows(which: str, half: int) -> list[dict]:
        out = []
        for p in series.points:
            src = p.amounts if which == "tokens" else p.usd
            out.append({"date": int(p.at.timestamp()),
                        "tokens": {t: float(v) / 2 for t, v in src.items()} if half
                        else {t: float(v) - float(v) / 2 for t, v in src.items()}})
        return out
    return {
        "id": "1234", "name": series.slug, "category": "CEX",
        "tvl": [{"date": int(p.at.timestamp()), "totalLiquidityUSD": float(sum(p.usd.values()))}
                for p in series.points],
        "chainTvls": {
            "Ethereum": {"tvl": [], "tokens": rows("tokens", 1), "tokensInUsd": rows("usd", 1)},
            "Bitcoin": {"tvl": [], "tokens": rows("tokens", 0), "tokensInUsd": rows("usd", 0)},
        },
    }


@contextmanager
def loopback_server(routes: dict[str, tuple[int, bytes]]):
    """A real HTTP server on 127.0.0.1 serving ``routes`` (path -> (status, body)).

    ``routes`` may be changed while it runs. Yields the base URL.
    """
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            status, body = routes.get(self.path, (404, b'{"message":"not found"}'))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        server.hits = hits  # type: ignore[attr-defined]
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def as_json_bytes(data: object) -> bytes:
    return json.dumps(data).encode()
