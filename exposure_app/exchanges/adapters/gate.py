"""Gate: spot, isolated and cross margin, perpetual and delivery futures, options, earn.

Each wallet is one signed v4 endpoint, called through ccxt's implicit methods
(so ccxt's ``fetch_balance`` pre-calls, ``load_markets`` and the
``/account/detail`` unified-mode check, are never made) and parsed from the
raw body into exact decimals:

=============  =====================================  ================================
wallet         endpoint                               locked
=============  =====================================  ================================
spot           GET spot/accounts                      ``locked`` (open orders)
margin         GET margin/accounts (isolated pairs)   ``locked`` (open orders)
cross_margin   GET margin/cross/accounts              ``freeze``
futures        GET futures/usdt/accounts              position + order margin
futures_coinm  GET futures/btc/accounts               position + order margin
delivery       GET delivery/usdt/accounts             position + order margin
options        GET options/accounts                   initial + order margin
earn_flexible  GET earn/uni/lends (Uni lending)       ``frozen_amount`` (redeeming)
earn_locked    GET earn/dual/orders (dual investment) all of an open order, until its
                                                      ``delivery_time``
staking        GET earn/staking/assets                all of a locked product (type 1),
                                                      else ``freeze_amount``
=============  =====================================  ================================

Margin balances are stored gross (``available + locked``): borrowed amounts
are a debt to Gate, not a holding, and the wallet rows have no debt column.
Futures totals include unrealised profit and loss (what closing would leave).
The USDT-settled and the BTC-settled (coin-margined) perpetual accounts are
two wallets, read by two calls, so one settle currency's endpoint failing
keeps what the other answered and names only the failed one in ``missing``.

After the wallets are read, Gate's own valuation of every account
(``GET wallet/total_balance``) is checked for accounts this adapter does not
read (quant bots, warrants, CBBCs, or any account Gate adds later): one
holding value there is named in ``missing``, so the snapshot is stored as
partial rather than silently short. That check is best effort: if the call
itself fails, the wallets read stand.

A contract or options account the user never opened answers
``USER_NOT_FOUND`` ("please transfer funds first"); that is read as an empty
wallet, since Gate says so explicitly. Gate has no documented call that tells
a key's permissions, so they are reported as unknown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from exposure_app.domain.balances import AccountReading, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.exchanges.adapters.base import ExchangeAdapter, reads_wallet
from exposure_app.exchanges.balance_rows import BalanceFields, numbered_entries, row, sum_rows
from exposure_app.exchanges.errors import ErrorKind
from exposure_app.exchanges.validation import (
    Envelope,
    amount,
    asset_code,
    mapping_at,
    optional_quantity,
    quantity_at,
    require_key,
    require_list,
    require_mapping,
)

log = logging.getLogger(__name__)


# Where Gate's balance lines keep their figures. Every figure is a holding
# (never negative): margin is stored gross, and equity is read only from the
# contract accounts below.
SPOT_LINE = BalanceFields("currency", free="available", locked=("locked",),
                          lock_reason="open_orders", never_negative=True)
CROSS_MARGIN_LINE = BalanceFields("currency", free="available", locked=("freeze",),
                                  lock_reason="open_orders", never_negative=True)
UNI_LEND = BalanceFields("currency", total="amount", locked=("frozen_amount",), clamp=True,
                         lock_reason="redeeming", never_negative=True)
STAKED = BalanceFields("mortgage_coin", free="mortgage_amount", locked=("freeze_amount",),
                       lock_reason="staking", never_negative=True)
STAKED_FIXED = replace(STAKED, all_locked=True)   # a locked product (type 1): all of it


def parse_spot(client: Any, response: Any, wallet: str = "spot") -> list[WalletBalance]:
    return sum_rows(SPOT_LINE.row(client, entry, wallet, f"Gate {what}")
                    for what, entry in numbered_entries(response, "Gate", f"{wallet} accounts"))


def parse_isolated_margin(client: Any, response: Any) -> list[WalletBalance]:
    """Each isolated pair's base and quote, summed per asset (stored gross)."""
    rows = []
    for what, pair in numbered_entries(response, "Gate", "margin accounts"):
        for side in ("base", "quote"):
            part = require_mapping(require_key(pair, side, f"Gate {what}"), f"Gate {what}.{side}")
            rows.append(SPOT_LINE.row(client, part, "margin", f"Gate {what}.{side}"))
    return sum_rows(rows)


def parse_cross_margin(client: Any, response: Any) -> list[WalletBalance]:
    body = require_mapping(response, "Gate cross margin account")
    balances = mapping_at(body, "balances", "Gate cross margin account")
    rows = []
    for currency_id, entry in balances.items():
        what = f"Gate cross margin balances[{currency_id!r}]"
        line = {**require_mapping(entry, what), "currency": currency_id}
        rows.append(CROSS_MARGIN_LINE.row(client, line, "cross_margin", what))
    return sum_rows(rows)


def parse_contract_account(client: Any, response: Any, wallet: str) -> list[WalletBalance]:
    what = f"{wallet} account"
    body = require_mapping(response, f"Gate {what}")
    code = asset_code(client, require_key(body, "currency", f"Gate {what}"), what)
    balance = quantity_at(body, "total", f"Gate {what}")
    pnl = body.get("unrealised_pnl")
    if pnl not in (None, ""):
        balance += amount(pnl, f"Gate {what}.unrealised_pnl")
    margin = ZERO
    for key in ("position_margin", "order_margin", "init_margin"):
        margin += optional_quantity(body, key, f"Gate {what}")
    total = max(balance, ZERO)
    return sum_rows([row(wallet, code, total=total, locked=margin, lock_reason="margin")])


def parse_uni_lends(client: Any, response: Any) -> list[WalletBalance]:
    return sum_rows(UNI_LEND.row(client, entry, "earn_flexible", f"Gate {what}")
                    for what, entry in numbered_entries(response, "Gate", "uni lends"))


def parse_staking_assets(client: Any, response: Any) -> list[WalletBalance]:
    return sum_rows((STAKED_FIXED if str(entry.get("type")) == "1" else STAKED).row(
                        client, entry, "staking", f"Gate {what}")
                    for what, entry in numbered_entries(response, "Gate", "staking assets"))


# Gate's account names (wallet/total_balance "details") that the wallets above read
_READ_ACCOUNTS = frozenset({
    "spot", "margin", "cross_margin", "futures", "delivery", "options", "finance",
})


def unread_accounts(response: Any) -> dict[str, Decimal]:
    """Gate accounts with a value that no wallet reader covers: name -> value."""
    body = require_mapping(response, "Gate total balance")
    details = mapping_at(body, "details", "Gate total balance")
    unread = {}
    for name, entry in details.items():
        entry = require_mapping(entry, f"Gate total balance.details[{name!r}]")
        value = amount(require_key(entry, "amount", f"Gate total balance.{name}"),
                       f"Gate total balance.{name}.amount")
        if name not in _READ_ACCOUNTS and value > 0:
            unread[str(name)] = value
    return unread


_DUAL_DONE = frozenset({"SETTLEMENT_SUCCESS", "CANCELED", "FAILED", "REFUND_SUCCESS"})
# Bare JSON bodies (errors carry a "label"); dual investment orders in pages of 100.
# ccxt raises AuthenticationError for REQUEST_EXPIRED: it is the computer's clock.
# A contract or options account never opened answers USER_NOT_FOUND.
ENVELOPE = Envelope("Gate", code_key=None, data_key=None, page_size=100, max_pages=100,
                    error_words={"REQUEST_EXPIRED": ErrorKind.CLOCK_SKEW,
                                 "IP_FORBIDDEN": ErrorKind.IP_NOT_WHITELISTED},
                    never_opened=("USER_NOT_FOUND",))


def parse_dual_orders(client: Any, orders: list[Any]) -> list[WalletBalance]:
    """Open dual-investment orders as locked earn, dated by settlement time.

    Settled, cancelled and failed orders are history; any other status
    (created, settling, or one Gate adds later) still holds the funds.
    """
    rows = []
    for what, order in numbered_entries(orders, "Gate", "dual orders"):
        if require_key(order, "status", f"Gate {what}") in _DUAL_DONE:
            continue
        code = asset_code(client, require_key(order, "invest_currency", f"Gate {what}"), what)
        invested = quantity_at(order, "invest_amount", f"Gate {what}")
        delivery = order.get("delivery_time")
        unlock_at = None
        if isinstance(delivery, int) and not isinstance(delivery, bool) and delivery > 0:
            unlock_at = datetime.fromtimestamp(delivery, UTC).isoformat(timespec="seconds")
        rows.append(row("earn_locked", code, total=invested, locked=invested,
                        lock_reason="dual_investment", unlock_at=unlock_at))
    return sum_rows(rows)


def contract_account(wallet: str, method: str, settle: str | None
                     ) -> Callable[[GateAdapter, Any], Awaitable[list[WalletBalance]]]:
    """The reader of one contract account (``settle`` picks the settle currency's
    account); an account never opened (``USER_NOT_FOUND``) is empty."""

    @reads_wallet(wallet)
    async def read(self: GateAdapter, client: Any) -> list[WalletBalance]:
        call = getattr(client, method)
        response = await self.unless_never_opened(call({"settle": settle}) if settle else call())
        return [] if response is None else parse_contract_account(client, response, wallet)

    return read


class GateAdapter(ExchangeAdapter):
    """Reads every Gate wallet from its own v4 endpoint.

    Threading: stateless; coroutines run on the sync service's loop.
    """

    exchange_id: ClassVar[str] = "gate"
    envelope: ClassVar[Envelope] = ENVELOPE

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # The readers use implicit endpoints and never load markets. Prices do
        # (fetch_tickers): spot markets only, and no /account/detail
        # unified-mode check, which only ccxt's own fetch_balance would use.
        return {"fetchMarkets": {"types": ["spot"]}, "unifiedAccount": False}

    async def read_balances(self, client: Any) -> AccountReading:
        reading = await super().read_balances(client)
        try:
            unread = unread_accounts(
                await client.private_wallet_get_total_balance({"currency": "USDT"}))
        except asyncio.CancelledError:
            raise
        except Exception as exc:   # a cross-check only: the wallets read stand
            log.info("Gate total balance cross-check unavailable: %s", type(exc).__name__)
            return reading
        if not unread:
            return reading
        missing = dict(reading.missing)
        for name, value in unread.items():
            missing[name] = (
                f"Gate reports about {value.normalize():f} USDT in its {name!r} account, "
                "which this app cannot read yet"
            )
        return replace(reading, missing=missing)

    @reads_wallet("spot")
    async def read_spot(self, client: Any) -> list[WalletBalance]:
        return parse_spot(client, await client.private_spot_get_accounts())

    @reads_wallet("margin")
    async def read_isolated_margin(self, client: Any) -> list[WalletBalance]:
        return parse_isolated_margin(client, await client.private_margin_get_accounts())

    @reads_wallet("cross_margin")
    async def read_cross_margin(self, client: Any) -> list[WalletBalance]:
        response = await self.unless_never_opened(client.private_margin_get_cross_accounts())
        return [] if response is None else parse_cross_margin(client, response)

    # The contract accounts, one wallet each: the ccxt method and the settle currency.
    read_futures = contract_account("futures", "private_futures_get_settle_accounts", "usdt")
    read_coin_margined_futures = contract_account(
        "futures_coinm", "private_futures_get_settle_accounts", "btc")
    read_delivery = contract_account("delivery", "private_delivery_get_settle_accounts", "usdt")
    read_options = contract_account("options", "private_options_get_accounts", None)

    @reads_wallet("earn_flexible")
    async def read_uni_lends(self, client: Any) -> list[WalletBalance]:
        return parse_uni_lends(client, await client.private_earn_get_uni_lends())

    @reads_wallet("earn_locked")
    async def read_dual_orders(self, client: Any) -> list[WalletBalance]:
        size = self.envelope.page_size

        async def page(number: int) -> tuple[list[Any], int | None]:
            batch = require_list(await client.private_earn_get_dual_orders(
                {"page": number, "limit": size}), "Gate dual orders")
            return batch, None if len(batch) < size else number + 1

        orders = await self.envelope.all_pages(page, "Gate dual investment orders", first=1)
        return parse_dual_orders(client, orders)

    @reads_wallet("staking")
    async def read_staking(self, client: Any) -> list[WalletBalance]:
        return parse_staking_assets(client, await client.private_earn_get_staking_assets())
