"""Who the counterparties are: custodians, their tokens, stablecoin issuers.

The catalogue itself is data (``resources/counterparties.json``, loaded by
:mod:`exposure_app.risk.catalog`); this module holds the records and the
lookups the exposure math needs, so the math stays testable with any
catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class CounterpartyKind(StrEnum):
    EXCHANGE = "exchange"
    LENDER = "lender"
    BROKER = "broker"
    STABLECOIN_ISSUER = "stablecoin_issuer"
    CUSTODIAN = "custodian"
    TRADING_FIRM = "trading_firm"
    """A trading firm or fund that held no user's deposits (Alameda Research, Three Arrows
    Capital): in the catalogue so that links can carry its failure to the custodians that
    lent to it or were tied to it; not a custodian, so the backtest does not replay it."""


@dataclass(frozen=True, slots=True)
class Counterparty:
    """One custodian or issuer.

    ``ccxt_ids`` are the ccxt exchange ids it covers (siblings such as
    ``binanceusdm`` included), ``aliases`` old or renamed ids (``okex``).
    ``affiliated_tokens`` are tokens whose value depends on it (BNB for
    Binance, FTT for FTX); ``issued_stablecoins`` the stablecoins it issues.
    """

    id: str
    name: str
    kind: CounterpartyKind
    ccxt_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    affiliated_tokens: tuple[str, ...] = ()
    issued_stablecoins: tuple[str, ...] = ()
    reserve_slug: str | None = None
    defunct_since: date | None = None
    website: str | None = None

    @property
    def is_active(self) -> bool:
        return self.defunct_since is None


class CounterpartyDirectory:
    """Resolves ids, names and token affiliations.

    Threading: immutable after construction; safe to share between threads.
    Unknown ids resolve to themselves with a title-cased name, so a custodian
    missing from the catalogue is still shown (never dropped).
    """

    def __init__(self, counterparties: Iterable[Counterparty] = ()) -> None:
        self._by_id: dict[str, Counterparty] = {}
        self._alias: dict[str, str] = {}
        self._token_owner: dict[str, str] = {}
        self._stable_issuer: dict[str, str] = {}
        for cp in counterparties:
            if cp.id in self._by_id:
                raise ValueError(f"duplicate counterparty id {cp.id!r}")
            self._by_id[cp.id] = cp
        for cp in self._by_id.values():
            for other in (cp.id, *cp.ccxt_ids, *cp.aliases):
                owner = self._alias.setdefault(other.lower(), cp.id)
                if owner != cp.id:
                    raise ValueError(f"id {other!r} claimed by {owner!r} and {cp.id!r}")
            for token in cp.affiliated_tokens:
                self._token_owner.setdefault(token.upper(), cp.id)
            for coin in cp.issued_stablecoins:
                self._stable_issuer.setdefault(coin.upper(), cp.id)

    def __iter__(self) -> Iterator[Counterparty]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def resolve(self, any_id: str) -> str:
        """The canonical counterparty id for a ccxt id, alias or sibling id."""
        key = any_id.strip().lower()
        return self._alias.get(key, key)

    def holder(self, counterparty: str | None) -> str | None:
        """The canonical id of an account's custodian (``Account.counterparty``); ``None``
        for an account that names none (self-custody)."""
        return self.resolve(counterparty) if counterparty else None

    def knows(self, any_id: str) -> bool:
        """Whether ``any_id`` is a catalogue id, ccxt id or alias."""
        return any_id.strip().lower() in self._alias

    def closest(self, text: str, extra_ids: Iterable[str] = (), limit: int = 3) -> list[str]:
        """Up to ``limit`` ids whose id, alias or name is spelt like ``text``, best first.

        ``extra_ids`` are ids known besides the catalogue (custodians the user
        created). For "did you mean ...?" when an id is not known.
        """
        import difflib

        spellings: dict[str, str] = {key: owner for key, owner in self._alias.items()}
        for cp in self._by_id.values():
            spellings.setdefault(cp.name.lower(), cp.id)
        for other in extra_ids:
            spellings.setdefault(other.lower(), other)
        found: list[str] = []
        for key in difflib.get_close_matches(text.strip().lower(), spellings, n=10, cutoff=0.6):
            if spellings[key] not in found:
                found.append(spellings[key])
        return found[:limit]

    def get(self, any_id: str) -> Counterparty | None:
        return self._by_id.get(self.resolve(any_id))

    def name(self, any_id: str) -> str:
        cp = self.get(any_id)
        if cp is not None:
            return cp.name
        return any_id.replace("_", " ").replace("-", " ").title()

    def affiliated_owner(self, asset: str) -> str | None:
        """The counterparty whose own token ``asset`` is (BNB -> binance)."""
        return self._token_owner.get(asset.upper())

    def stablecoin_issuer(self, asset: str) -> str | None:
        """The issuer of stablecoin ``asset`` (USDT -> tether), if any."""
        return self._stable_issuer.get(asset.upper())

    def as_mapping(self) -> Mapping[str, Counterparty]:
        return dict(self._by_id)
