"""Picks the adapter for a ccxt exchange id.

Dedicated adapters (binance, okx, bybit, ...) register here by module path so
that nothing imports them, or ccxt, until an account of that exchange syncs.
Every other exchange gets :class:`GenericAdapter`: ccxt's unified
``fetch_balance`` for each wallet type ccxt supports there, with coverage
reported as such (earn and staking are not in unified balances).
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import Any

from exposure_app.domain.balances import AccountReading, WalletBalance
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec
from exposure_app.exchanges.errors import ErrorKind, SyncError, friendly_name
from exposure_app.exchanges.validation import (
    answers_received,
    require_json_answers,
    unified_balance_rows,
)

# ccxt id -> "module:Class". Other developers add one line per exchange.
DEDICATED: dict[str, str] = {
    "binance": "exposure_app.exchanges.adapters.binance:BinanceAdapter",
    "okx": "exposure_app.exchanges.adapters.okx:OkxAdapter",
    "bybit": "exposure_app.exchanges.adapters.bybit:BybitAdapter",
    "bitget": "exposure_app.exchanges.adapters.bitget:BitgetAdapter",
    "kucoin": "exposure_app.exchanges.adapters.kucoin:KucoinAdapter",
    "kraken": "exposure_app.exchanges.adapters.kraken:KrakenAdapter",
    "coinbase": "exposure_app.exchanges.adapters.coinbase:CoinbaseAdapter",
    "gate": "exposure_app.exchanges.adapters.gate:GateAdapter",
    "htx": "exposure_app.exchanges.adapters.htx:HtxAdapter",
}

# ccxt ids that speak the same API as a dedicated adapter's exchange (ccxt
# subclasses with another default market type or regional host). Sibling
# venues with a different API (krakenfutures, kucoinfutures) use the generic
# adapter; they still roll up to one custodian through the risk catalogue.
SIBLINGS: dict[str, str] = {
    "binanceusdm": "binance",
    "binancecoinm": "binance",
    "okxus": "okx",
    "myokx": "okx",
}

# Unified fetch_balance types worth trying on an unknown exchange, with the
# ``has`` flag or ``accountsByType`` key that says the venue offers them.
_GENERIC_TYPES = (
    ("funding", "funding"),
    ("margin", "margin"),
    ("swap", "swap"),
    ("future", "future"),
)


def _needs_arguments(exc: BaseException) -> bool:
    """ccxt refused the call before sending it: the method needs an argument
    (a symbol) to list this wallet (``ArgumentsRequired``)."""
    return any(cls.__name__ == "ArgumentsRequired" for cls in type(exc).__mro__)


def canonical_id(exchange_id: str) -> str:
    """The dedicated adapter's id for ``exchange_id`` (itself when none)."""
    return SIBLINGS.get(exchange_id, exchange_id)


def _load_dedicated(exchange_id: str) -> ExchangeAdapter | None:
    target = DEDICATED.get(canonical_id(exchange_id))
    if target is None:
        return None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:   # not written yet: fall back to the generic adapter
            return None
        raise
    return getattr(module, class_name)()


def adapter_for(exchange_id: str) -> ExchangeAdapter:
    """The adapter for ``exchange_id``: dedicated if there is one, else generic."""
    dedicated = _load_dedicated(exchange_id)   # a sibling id shares its API
    return dedicated if dedicated is not None else GenericAdapter(exchange_id)


def has_dedicated_adapter(exchange_id: str) -> bool:
    return canonical_id(exchange_id) in DEDICATED


class GenericAdapter(ExchangeAdapter):
    """Unified ``fetch_balance`` per wallet type for exchanges without a dedicated adapter.

    The wallet types are chosen when the first sync builds the wallet list
    (:meth:`prepare`), from the client's ``has`` flags and ``accountsByType``.
    A type whose balances are identical to an earlier wallet's (some venues
    ignore unknown types and return the spot wallet again; binance maps
    ``future`` and ``swap`` to the same USDⓈ-M account) is dropped so it is
    never counted twice.
    """

    def __init__(self, exchange_id: str) -> None:
        self.exchange_id = exchange_id  # type: ignore[misc]
        self._types: tuple[str, ...] = ()
        self._prepared = False
        self._infos: dict[str, Any] = {}
        # wallet types ccxt lists only with extra arguments (mexc's margin wallet
        # needs a market symbol): learnt once, then never asked for again
        self._unlistable: dict[str, str] = {}
        self._note_coverage()

    def _note_coverage(self) -> None:
        self.coverage_note = (
            "generic: ccxt unified balances only (earn, staking and savings are not "
            "covered for this exchange)"
        )
        if self._unlistable:
            self.coverage_note += (f"; not read: {', '.join(sorted(self._unlistable))} (listed "
                                   "only market by market)")

    def prepare(self, client: Any) -> None:
        has = getattr(client, "has", {}) or {}
        by_type = (getattr(client, "options", {}) or {}).get("accountsByType") or {}
        types = []
        for wallet_type, flag in _GENERIC_TYPES:
            if wallet_type in by_type or has.get(flag) is True:
                types.append(wallet_type)
        self._types = tuple(types)

    def wallets(self) -> list[WalletSpec]:
        specs = [WalletSpec("spot", self._reader(None))]
        specs += [WalletSpec(t, self._reader(t), required=False) for t in self._types
                  if t not in self._unlistable]
        return specs

    def _reader(self, wallet_type: str | None):
        name = wallet_type or "spot"

        async def read(client: Any) -> list[WalletBalance]:
            params = {} if wallet_type is None else {"type": wallet_type}
            with answers_received() as answers:
                try:
                    balance = await client.fetch_balance(params)
                except Exception as exc:
                    if wallet_type is None or not _needs_arguments(exc):
                        raise
                    reason = (f"{friendly_name(self.exchange_id)} lists its {name} wallet "
                              "only market by market (ccxt needs a symbol), so it is not read")
                    self._unlistable[name] = reason
                    self._note_coverage()
                    raise SyncError(ErrorKind.NOT_SUPPORTED, reason) from None
            require_json_answers(answers, f"{name} balance")
            rows = unified_balance_rows(balance, name, f"{name} balance")
            # what identifies the answer: its balances (bodies carry timestamps)
            self._infos[name] = sorted((r.asset, r.free, r.locked, r.total) for r in rows)
            return rows

        return read

    async def read_balances(self, client: Any) -> AccountReading:
        if not self._prepared:
            self.prepare(client)
            self._prepared = True
        self._infos = {}
        reading = await super().read_balances(client)
        reading = replace(reading, skipped={**self._unlistable, **reading.skipped},
                          coverage_note=self.coverage_note)
        # drop a wallet type answered with the same balances as an earlier one
        # (venues that ignore an unknown type, or map two types to one endpoint);
        # it is listed in ``skipped`` so the user sees why
        echoed: dict[str, str] = {}
        seen: list[tuple[str, Any]] = []
        for name in ("spot", *self._types):
            if name not in self._infos:
                continue
            info = self._infos[name]
            if not info:
                continue
            twin = next((other for other, earlier in seen if earlier == info), None)
            if twin is not None:
                echoed[name] = f"same answer as the {twin} wallet (not counted twice)"
            else:
                seen.append((name, info))
        if not echoed:
            return reading
        return replace(
            reading,
            balances=tuple(b for b in reading.balances if b.wallet not in echoed),
            coverage=tuple(c for c in reading.coverage if c not in echoed),
            skipped={**reading.skipped, **echoed},
        )
