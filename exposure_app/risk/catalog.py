"""Loads the shipped counterparty catalogue (``resources/counterparties.json``).

Each entry: ``id``, ``name``, ``kind`` (exchange, lender, broker, trading_firm,
stablecoin_issuer), ``ccxt_ids`` (current ccxt ids it covers, siblings
included), ``aliases`` (old or renamed ids such as ``okex``),
``affiliated_tokens``, ``issued_stablecoins``, ``reserve_slug`` (DefiLlama
``/protocol/<slug>``), ``status`` (``active`` or ``defunct``) with
``defunct_since``, ``custody`` (``custodial`` or ``non_custodial`` for on-chain
venues) and an optional ``note``/``website``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from exposure_app.domain.counterparties import (
    Counterparty,
    CounterpartyDirectory,
    CounterpartyKind,
)
from exposure_app.resource_locator import read_resource_text

KNOWN_FIELDS = frozenset({
    "id", "name", "kind", "ccxt_ids", "aliases", "affiliated_tokens", "issued_stablecoins",
    "reserve_slug", "status", "defunct_since", "custody", "website", "note",
})
CUSTODY_VALUES = ("custodial", "non_custodial")


class CatalogError(ValueError):
    """The catalogue file is malformed."""


@dataclass(frozen=True, slots=True)
class CatalogDetails:
    """Catalogue facts the domain record does not carry."""

    custody: str = "custodial"
    note: str | None = None


def _str_list(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"counterparty {raw.get('id', '?')!r}: {key} must be a list of ids")
    return tuple(value)


def parse_counterparty(raw: dict[str, Any]) -> Counterparty:
    try:
        unknown = set(raw) - KNOWN_FIELDS
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)}")
        defunct = raw.get("defunct_since")
        status = raw.get("status", "defunct" if defunct else "active")
        if status not in ("active", "defunct") or (status == "defunct") != bool(defunct):
            raise ValueError("status must be 'defunct' exactly when defunct_since is set")
        if raw.get("custody", "custodial") not in CUSTODY_VALUES:
            raise ValueError(f"custody must be one of {CUSTODY_VALUES}")
        return Counterparty(
            id=raw["id"],
            name=raw["name"],
            kind=CounterpartyKind(raw["kind"]),
            ccxt_ids=_str_list(raw, "ccxt_ids"),
            aliases=_str_list(raw, "aliases"),
            affiliated_tokens=tuple(t.upper() for t in _str_list(raw, "affiliated_tokens")),
            issued_stablecoins=tuple(t.upper() for t in _str_list(raw, "issued_stablecoins")),
            reserve_slug=raw.get("reserve_slug"),
            defunct_since=date.fromisoformat(defunct) if defunct else None,
            website=raw.get("website"),
        )
    except (KeyError, ValueError, TypeError) as exc:
        if isinstance(exc, CatalogError):
            raise
        raise CatalogError(f"counterparty {raw.get('id', '?')!r}: {exc}") from None


def _raw_catalog() -> list[dict[str, Any]]:
    data = json.loads(read_resource_text("counterparties.json"))
    items = data.get("counterparties") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise CatalogError("counterparties.json: expected {\"counterparties\": [...]}")
    return items


@cache
def load_directory() -> CounterpartyDirectory:
    """The shipped catalogue as a directory (parsed once per process)."""
    return CounterpartyDirectory(parse_counterparty(item) for item in _raw_catalog())


@cache
def load_details() -> dict[str, CatalogDetails]:
    """Per-id custody and notes from the shipped catalogue."""
    return {
        item["id"]: CatalogDetails(item.get("custody", "custodial"), item.get("note"))
        for item in _raw_catalog()
    }
