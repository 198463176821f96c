"""Loads the shipped counterparty catalogue (``resources/counterparties.json``)."""

from __future__ import annotations

import json
from datetime import date
from functools import cache

from exposure_app.domain.counterparties import (
    Counterparty,
    CounterpartyDirectory,
    CounterpartyKind,
)
from exposure_app.resource_locator import read_resource_text


class CatalogError(ValueError):
    """The catalogue file is malformed."""


def parse_counterparty(raw: dict) -> Counterparty:
    try:
        defunct = raw.get("defunct_since")
        return Counterparty(
            id=raw["id"],
            name=raw["name"],
            kind=CounterpartyKind(raw["kind"]),
            ccxt_ids=tuple(raw.get("ccxt_ids", ())),
            aliases=tuple(raw.get("aliases", ())),
            affiliated_tokens=tuple(raw.get("affiliated_tokens", ())),
            issued_stablecoins=tuple(raw.get("issued_stablecoins", ())),
            reserve_slug=raw.get("reserve_slug"),
            defunct_since=date.fromisoformat(defunct) if defunct else None,
            website=raw.get("website"),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise CatalogError(f"counterparty {raw.get('id', '?')!r}: {exc}") from None


@cache
def load_directory() -> CounterpartyDirectory:
    """The shipped catalogue as a directory (parsed once per process)."""
    data = json.loads(read_resource_text("counterparties.json"))
    return CounterpartyDirectory(parse_counterparty(item) for item in data["counterparties"])
