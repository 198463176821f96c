"""Parses DefiLlama's ``/protocol/<slug>`` reply into a :class:`ReserveSeries`.

Shape used (``defillama-server`` ``getProtocol``): top-level ``tokens`` and
``tokensInUsd`` are lists of ``{"date": <unix seconds>, "tokens": {SYMBOL:
number}}`` (amounts and USD values per token); ``chainTvls`` holds the same
per chain. When the top-level lists are missing, the per-chain lists are summed
(skipping DefiLlama's derived keys such as ``borrowed`` or ``staking``).

The reply is validated as a whole: anything malformed raises
:class:`ReserveDataError` and the caller keeps its previous cache.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from exposure_app.risk.outflows import ReserveSeries, TokenPoint

_DERIVED_CHAIN_KEYS = ("borrowed", "staking", "pool2", "offers", "vesting", "treasury")


class ReserveDataError(ValueError):
    """The reserve data does not have the expected shape."""


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ReserveDataError(f"{what}: expected a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ReserveDataError(f"{what}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ReserveDataError(f"{what}: {value!r} is not a finite number")
    return number


def _rows(raw: object, what: str) -> dict[int, dict[str, float]]:
    if not isinstance(raw, list):
        raise ReserveDataError(f"{what}: expected a list")
    out: dict[int, dict[str, float]] = {}
    for index, row in enumerate(raw):
        if not isinstance(row, Mapping):
            raise ReserveDataError(f"{what}[{index}]: expected an object")
        stamp = row.get("date")
        tokens = row.get("tokens")
        if isinstance(stamp, bool) or not isinstance(stamp, int | float) or stamp <= 0:
            raise ReserveDataError(f"{what}[{index}].date: expected unix seconds")
        if not isinstance(tokens, Mapping):
            raise ReserveDataError(f"{what}[{index}].tokens: expected an object")
        parsed: dict[str, float] = {}
        for symbol, value in tokens.items():
            if not isinstance(symbol, str) or not symbol:
                raise ReserveDataError(f"{what}[{index}]: bad token name {symbol!r}")
            number = _number(value, f"{what}[{index}].{symbol}")
            key = symbol.upper()
            parsed[key] = parsed.get(key, 0.0) + number
        out[int(stamp)] = parsed
    return out


def _merge(into: dict[int, dict[str, float]], rows: dict[int, dict[str, float]]) -> None:
    for stamp, tokens in rows.items():
        bucket = into.setdefault(stamp, defaultdict(float))
        for token, value in tokens.items():
            bucket[token] += value


def parse_protocol_payload(payload: object, slug: str,
                           fetched_at: datetime | None = None) -> ReserveSeries:
    """Build a series from a ``/protocol/<slug>`` reply; raises :class:`ReserveDataError`."""
    if not isinstance(payload, Mapping):
        raise ReserveDataError("expected a JSON object")
    amounts: dict[int, dict[str, float]] = {}
    values: dict[int, dict[str, float]] = {}
    if payload.get("tokens") and payload.get("tokensInUsd"):
        amounts = _rows(payload["tokens"], "tokens")
        values = _rows(payload["tokensInUsd"], "tokensInUsd")
    else:
        chains = payload.get("chainTvls")
        if not isinstance(chains, Mapping) or not chains:
            raise ReserveDataError("no per-token history (tokens/tokensInUsd or chainTvls)")
        for chain, body in chains.items():
            if not isinstance(chain, str) or any(
                chain == key or chain.endswith(f"-{key}") for key in _DERIVED_CHAIN_KEYS
            ):
                continue
            if not isinstance(body, Mapping):
                raise ReserveDataError(f"chainTvls.{chain}: expected an object")
            if body.get("tokens") is None or body.get("tokensInUsd") is None:
                continue
            _merge(amounts, _rows(body["tokens"], f"chainTvls.{chain}.tokens"))
            _merge(values, _rows(body["tokensInUsd"], f"chainTvls.{chain}.tokensInUsd"))
    points = [
        TokenPoint(
            at=datetime.fromtimestamp(stamp, UTC),
            amounts=dict(amounts[stamp]),
            usd=dict(values[stamp]),
        )
        for stamp in sorted(set(amounts) & set(values))
    ]
    if not points:
        raise ReserveDataError("no dated rows with both token amounts and USD values")
    return ReserveSeries(slug=slug, points=tuple(points), fetched_at=fetched_at)


def series_to_json(series: ReserveSeries) -> dict[str, Any]:
    """A compact columnar JSON form for the cache.

    ``{"slug", "tokens": [names], "points": [[unix, [amounts], [usd]], ...]}``
    with ``null`` where a point lacks a token (loading is several times faster
    than one object per point).
    """
    tokens = sorted({t for p in series.points for t in (*p.amounts, *p.usd)})
    return {
        "slug": series.slug,
        "tokens": tokens,
        "points": [[int(p.at.timestamp()),
                    [p.amounts.get(t) for t in tokens],
                    [p.usd.get(t) for t in tokens]]
                   for p in series.points],
    }


def series_from_json(data: Mapping[str, Any], fetched_at: datetime | None = None) -> ReserveSeries:
    try:
        tokens = list(data["tokens"])
        points = []
        for stamp, amounts, usd in data["points"]:
            if len(amounts) != len(tokens) or len(usd) != len(tokens):
                raise ValueError("row length differs from the token list")
            points.append(TokenPoint(
                at=datetime.fromtimestamp(int(stamp), UTC),
                amounts={t: a for t, a in zip(tokens, amounts, strict=True) if a is not None},
                usd={t: u for t, u in zip(tokens, usd, strict=True) if u is not None},
            ))
        return ReserveSeries(slug=str(data["slug"]), points=tuple(points), fetched_at=fetched_at)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ReserveDataError(f"cached reserve data is damaged ({exc})") from None
