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

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal

from exposure_app.domain.money import AmountError, add, parse_decimal
from exposure_app.risk.outflows import ReserveSeries, TokenPoint

_DERIVED_CHAIN_KEYS = ("borrowed", "staking", "pool2", "offers", "vesting", "treasury")


class ReserveDataError(ValueError):
    """The reserve data does not have the expected shape."""


def _rows(raw: object, what: str) -> dict[int, dict[str, Decimal]]:
    if not isinstance(raw, list):
        raise ReserveDataError(f"{what}: expected a list")
    out: dict[int, dict[str, Decimal]] = {}
    for index, row in enumerate(raw):
        if not isinstance(row, Mapping):
            raise ReserveDataError(f"{what}[{index}]: expected an object")
        stamp = row.get("date")
        tokens = row.get("tokens")
        if isinstance(stamp, bool) or not isinstance(stamp, int | float) or stamp <= 0:
            raise ReserveDataError(f"{what}[{index}].date: expected unix seconds")
        if not isinstance(tokens, Mapping):
            raise ReserveDataError(f"{what}[{index}].tokens: expected an object")
        parsed: dict[str, Decimal] = {}
        for symbol, value in tokens.items():
            if not isinstance(symbol, str) or not symbol:
                raise ReserveDataError(f"{what}[{index}]: bad token name {symbol!r}")
            try:
                number = parse_decimal(value, field=f"{what}[{index}].{symbol}")
            except AmountError as exc:
                raise ReserveDataError(str(exc)) from None
            key = symbol.upper()
            parsed[key] = add(parsed.get(key, Decimal(0)), number)
        out[int(stamp)] = parsed
    return out


def _merge(into: dict[int, dict[str, Decimal]], rows: dict[int, dict[str, Decimal]]) -> None:
    for stamp, tokens in rows.items():
        bucket = into.setdefault(stamp, defaultdict(lambda: Decimal(0)))
        for token, value in tokens.items():
            bucket[token] = add(bucket[token], value)


def parse_protocol_payload(payload: object, slug: str,
                           fetched_at: datetime | None = None) -> ReserveSeries:
    """Build a series from a ``/protocol/<slug>`` reply; raises :class:`ReserveDataError`."""
    if not isinstance(payload, Mapping):
        raise ReserveDataError("expected a JSON object")
    amounts: dict[int, dict[str, Decimal]] = {}
    values: dict[int, dict[str, Decimal]] = {}
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


def series_to_json(series: ReserveSeries) -> dict:
    """A compact JSON form for the cache: ``[[unix, {token: amount}, {token: usd}], ...]``."""
    from exposure_app.domain.money import to_text

    return {
        "slug": series.slug,
        "points": [
            [int(p.at.timestamp()),
             {t: to_text(v) for t, v in p.amounts.items()},
             {t: to_text(v) for t, v in p.usd.items()}]
            for p in series.points
        ],
    }


def series_from_json(data: Mapping, fetched_at: datetime | None = None) -> ReserveSeries:
    try:
        points = tuple(
            TokenPoint(
                at=datetime.fromtimestamp(int(stamp), UTC),
                amounts={t: Decimal(v) for t, v in amounts.items()},
                usd={t: Decimal(v) for t, v in usd.items()},
            )
            for stamp, amounts, usd in data["points"]
        )
        return ReserveSeries(slug=str(data["slug"]), points=points, fetched_at=fetched_at)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ReserveDataError(f"cached reserve data is damaged ({exc})") from None
