"""The exchanges a user can pick when adding an account: names, grouped by custodian.

ccxt lists its ids (``binance``, ``binancecoinm``, ``binanceusdm``...); a user
knows names, and thinks of the COIN-M and USDⓈ-M futures APIs as parts of
Binance. :func:`exchange_choices` gives each id its ccxt display name and its
custodian (the catalogue's id, the one exposure is counted against), leaves
out ccxt's pure aliases (the same API under an old name, e.g. ``gateio``),
and orders the popular custodians first, then by name.

Threading: imports ccxt and instantiates each exchange class once (about a
second): call it on a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exposure_app.exchanges.client_factory import exchange_ids
from exposure_app.risk.catalog import load_directory

POPULAR = ("binance", "coinbase", "kraken", "okx", "bybit", "kucoin", "gate", "bitget", "htx")


@dataclass(frozen=True, slots=True)
class ExchangeChoice:
    exchange_id: str     # the ccxt id
    name: str            # ccxt's display name ("Binance COIN-M")
    custodian: str       # catalogue id the exposure counts against ("binance")
    custodian_name: str  # "Binance"


@dataclass(frozen=True, slots=True)
class CustodianGroup:
    """A custodian and its APIs; ``main`` is the one named like it, if any."""

    custodian: str
    name: str
    main: ExchangeChoice | None
    siblings: tuple[ExchangeChoice, ...]


def _describe(exchange_id: str) -> tuple[str, bool]:
    import ccxt

    try:
        info = getattr(ccxt, exchange_id)().describe()
    except Exception:   # a broken class in ccxt must not empty the picker
        return exchange_id, False
    name = info.get("name")
    return (name if isinstance(name, str) and name.strip() else exchange_id,
            bool(info.get("alias")))


def exchange_choices(ids: Iterable[str] | None = None) -> list[ExchangeChoice]:
    """Every pickable ccxt exchange with its name and custodian (aliases left out)."""
    directory = load_directory()
    out = []
    for exchange_id in ids if ids is not None else exchange_ids():
        name, alias = _describe(exchange_id)
        if alias:
            continue
        custodian = directory.resolve(exchange_id)
        known = directory.get(custodian) is not None
        out.append(ExchangeChoice(exchange_id, name, custodian,
                                  directory.name(custodian) if known else name))
    return out


def grouped(choices: Iterable[ExchangeChoice]) -> list[CustodianGroup]:
    """Choices grouped by custodian: popular custodians first, then by name."""
    by_custodian: dict[str, list[ExchangeChoice]] = {}
    for choice in choices:
        by_custodian.setdefault(choice.custodian, []).append(choice)
    groups = []
    for custodian, members in by_custodian.items():
        main = next((m for m in members if m.exchange_id == custodian), None)
        if main is None and len(members) == 1:
            main = members[0]
        siblings = tuple(sorted((m for m in members if m is not main),
                                key=lambda m: m.name.casefold()))
        name = members[0].custodian_name
        groups.append(CustodianGroup(custodian, name, main, siblings))
    rank = {cp: i for i, cp in enumerate(POPULAR)}
    groups.sort(key=lambda g: (rank.get(g.custodian, len(rank)), g.name.casefold()))
    return groups
