"""HTX: spot, funding (OTC), earn, isolated and cross margin, USDT-M and coin-M futures.

HTX's spot API keeps one account id per account type; ``GET
/v1/account/accounts`` lists them (ccxt's ``fetch_balance`` calls it before
every spot balance). The adapter reads that list once, caches the ids as an
account fact (:meth:`HtxAdapter.detected_facts`) and, on later syncs within a
day, goes straight to the balances (after a day the list is read again, so
an account opened since is not left out).

==============  ================================================  =====================
wallet          endpoint                                          locked
==============  ================================================  =====================
spot            GET v1/account/accounts/{spot id}/balance         ``frozen`` + ``lock``
funding         same, for the ``otc`` account (if any)            ``frozen`` + ``lock``
earn_flexible   same, for the ``deposit-earning`` account         ``frozen`` + ``lock``
margin          GET v1/margin/accounts/balance (isolated)         ``frozen``
cross_margin    GET v1/cross-margin/accounts/balance              ``frozen``
futures         GET v5/account/balance (USDT-M unified account)   ``initial_margin``
futures_coinm   POST swap-api/v1/swap_account_info and            position + frozen margin
                api/v1/contract_account_info (coin-margined)
==============  ================================================  =====================

Balance lists carry ``trade``, ``frozen``, ``lock`` and ``bank`` lines per
currency (all held by HTX, summed) and ``loan``/``interest`` lines (debts,
not holdings, left out). HTX's fixed-term earn products have no public API
ccxt exposes; ``deposit-earning`` is the flexible earn account.

Key permissions: ``GET v2/user/uid`` then ``GET v2/user/api-key`` for this
key, whose ``permission`` field lists ``readOnly``, ``trade``, ``withdraw``.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec, permission_level
from exposure_app.exchanges.balance_rows import numbered_entries, row, sum_rows
from exposure_app.exchanges.errors import BadResponseError, ErrorKind
from exposure_app.exchanges.validation import (
    Envelope,
    amount,
    list_at,
    mapping_at,
    quantity,
    quantity_at,
    require_key,
    require_list,
    require_mapping,
)

ACCOUNT_IDS_FACT = "htx_account_ids"
ACCOUNT_IDS_CHECKED_FACT = "htx_account_ids_checked_at"
# An account opened later (OTC, earn) must not stay unread for long: the
# cached list is trusted for a day, then fetched again.
ACCOUNT_IDS_MAX_AGE_SECONDS = 86_400
_OPTION = "exposureAccountIds"
_OPTION_CHECKED = "exposureAccountIdsCheckedAt"
_HELD = {"trade": False, "frozen": True, "lock": True, "bank": False}
_DEBTS = frozenset({"loan", "interest"})


# Spot-host answers: {"status": "ok", "data": ...}; "error" with err-code otherwise.
# An account never opened: ccxt's AccountNotEnabled, or "...inexistent" / for
# contracts {"err_code": 1010, "err_msg": "Account doesnt exist."}.
ENVELOPE = Envelope("HTX", code_key="status", success=("ok",),
                    error_words={"Timestamp expired": ErrorKind.CLOCK_SKEW},
                    never_opened=("AccountNotEnabled", "inexistent"))


def parse_account_ids(response: Any) -> dict[str, int]:
    ids: dict[str, int] = {}
    for index, entry in enumerate(ENVELOPE.data_list(response, "HTX accounts")):
        entry = require_mapping(entry, f"HTX accounts[{index}]")
        kind = require_key(entry, "type", f"HTX accounts[{index}]")
        account_id = require_key(entry, "id", f"HTX accounts[{index}]")
        if not isinstance(account_id, int) or isinstance(account_id, bool):
            raise BadResponseError(f"HTX: accounts[{index}].id is not a number")
        if kind in ("spot", "otc", "deposit-earning") and kind not in ids:
            ids[str(kind)] = account_id
    if "spot" not in ids:
        raise BadResponseError("HTX: the account list has no spot account")
    return ids


def parse_balance_list(client: Any, entries: Any, wallet: str, what: str) -> list[WalletBalance]:
    rows = []
    for line, entry in numbered_entries(entries, "HTX", what):
        currency = require_key(entry, "currency", f"HTX {line}")
        kind = require_key(entry, "type", f"HTX {line}")
        if not isinstance(currency, str) or not currency:
            raise BadResponseError(f"HTX: {line} has no currency")
        value = quantity_at(entry, "balance", f"HTX {line}")
        if kind in _DEBTS:
            continue
        held = _HELD.get(str(kind))
        if held is None:
            # an unknown line type is still money HTX holds: count it, locked
            held = True
        code = client.safe_currency_code(currency.upper())
        rows.append(row(wallet, code, total=value, locked=value if held else ZERO,
                        lock_reason="open_orders"))
    return sum_rows(rows)


def parse_contract_balance(client: Any, response: Any) -> list[WalletBalance]:
    body = require_mapping(response, "HTX contract balance")
    code = require_key(body, "code", "HTX contract balance")
    if str(code) != "200":
        raise BadResponseError(f"HTX: contract balance has code {code!r}")
    data = mapping_at(body, "data", "HTX contract balance")
    rows = []
    details = require_list(require_key(data, "details", "HTX contract balance.data"),
                           "HTX contract balance.details")
    for what, entry in numbered_entries(details, "HTX", "contract balance.details"):
        currency = require_key(entry, "currency", f"HTX {what}")
        equity = amount(require_key(entry, "equity", f"HTX {what}"), f"HTX {what}.equity")
        margin = entry.get("initial_margin")
        locked = ZERO if margin in (None, "") else quantity(margin, f"HTX {what}.initial_margin")
        rows.append(row("futures", client.safe_currency_code(str(currency).upper()),
                        total=max(equity, ZERO), locked=locked, lock_reason="margin"))
    return sum_rows(rows)


def parse_coin_margined(client: Any, response: Any) -> list[WalletBalance]:
    rows = []
    accounts = ENVELOPE.data_list(response, "HTX coin-margined account")
    for what, entry in numbered_entries(accounts, "HTX", "coin-margined account"):
        symbol = require_key(entry, "symbol", f"HTX {what}")
        if not isinstance(symbol, str) or not symbol:
            raise BadResponseError(f"HTX: {what} has no symbol")
        balance = amount(require_key(entry, "margin_balance", f"HTX {what}"), f"HTX {what}.margin_balance")
        margin = ZERO
        for key in ("margin_position", "margin_frozen"):
            value = entry.get(key)
            if value not in (None, ""):
                margin += quantity(value, f"HTX {what}.{key}")
        rows.append(row("futures_coinm", client.safe_currency_code(symbol.upper()),
                        total=max(balance, ZERO), locked=margin, lock_reason="margin"))
    return sum_rows(rows)


def parse_api_key(response: Any, access_key: str) -> KeyPermissions:
    body = require_mapping(response, "HTX api-key")
    if str(body.get("code")) != "200":
        raise BadResponseError(f"HTX: api-key answered code {body.get('code')!r}")
    keys = list_at(body, "data", "HTX api-key")
    for entry in keys:
        if isinstance(entry, dict) and entry.get("accessKey") == access_key:
            permission = str(require_key(entry, "permission", "HTX api-key"))
            granted = {p.strip() for p in permission.split(",") if p.strip()}
            can_trade, can_withdraw = "trade" in granted, "withdraw" in granted
            return KeyPermissions(
                level=permission_level(can_withdraw=can_withdraw, can_trade=can_trade),
                can_trade=can_trade, can_withdraw=can_withdraw,
                ip_restricted=bool(entry.get("ipAddresses")), source="v2/user/api-key",
                detail=",".join(sorted(granted)),
            )
    raise BadResponseError("HTX: api-key did not list this key")


class HtxAdapter(ExchangeAdapter):
    """Reads HTX's spot-host accounts and the USDT-M contract account.

    Threading: coroutines run on the sync service's loop; the account-id list
    is fetched at most once per read (shared by the readers).
    """

    exchange_id: ClassVar[str] = "htx"
    envelope: ClassVar[Envelope] = ENVELOPE

    @property
    def coverage_note(self) -> str:
        return ("HTX fixed-term earn and staking products have no API; only the flexible "
                "earn (deposit-earning) account is read")

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # Prices load markets (fetch_tickers): spot ones only. Cached account
        # ids spare the account list call.
        options: dict[str, Any] = {
            "fetchMarkets": {"types": {"spot": True, "linear": False, "inverse": False}},
        }
        ids = cached.get(ACCOUNT_IDS_FACT)
        checked = cached.get(ACCOUNT_IDS_CHECKED_FACT)
        fresh = (isinstance(checked, int | float)
                 and 0 <= time.time() - checked < ACCOUNT_IDS_MAX_AGE_SECONDS)
        if isinstance(ids, dict) and ids.get("spot") and fresh:
            options[_OPTION] = dict(ids)
            options[_OPTION_CHECKED] = checked
        return options

    def detected_facts(self, client: Any) -> dict[str, Any]:
        facts = super().detected_facts(client)
        ids = client.options.get(_OPTION)
        checked = client.options.get(_OPTION_CHECKED)
        if isinstance(ids, dict) and ids.get("spot") and isinstance(checked, int | float):
            facts[ACCOUNT_IDS_FACT] = dict(ids)
            facts[ACCOUNT_IDS_CHECKED_FACT] = checked
        return facts

    def wallets(self) -> list[WalletSpec]:
        return [
            WalletSpec("spot", self._account_reader("spot", "spot")),
            WalletSpec("funding", self._account_reader("otc", "funding")),
            WalletSpec("earn_flexible", self._account_reader("deposit-earning", "earn_flexible")),
            WalletSpec("margin", self.read_isolated_margin),
            WalletSpec("cross_margin", self.read_cross_margin),
            WalletSpec("futures", self.read_futures),
            WalletSpec("futures_coinm", self.read_coin_margined),
        ]

    async def _account_ids(self, client: Any) -> dict[str, int]:
        cached = client.options.get(_OPTION)
        if isinstance(cached, dict) and cached.get("spot"):
            return cached
        ids = parse_account_ids(await client.spot_private_get_v1_account_accounts())
        client.options[_OPTION] = ids
        client.options[_OPTION_CHECKED] = int(time.time())
        return ids

    def _account_reader(self, kind: str, wallet: str):
        async def read(client: Any) -> list[WalletBalance]:
            ids = await self.once_per_read("account-ids", lambda: self._account_ids(client))
            if kind not in ids:
                return []   # the user has no such account: nothing held there
            try:
                response = await client.spot_private_get_v1_account_accounts_account_id_balance(
                    {"account-id": ids[kind]})
            except Exception as exc:
                if "inexistent" in str(exc):
                    # a cached id HTX no longer knows: forget the cache so the
                    # next sync reads the account list again
                    client.options.pop(_OPTION, None)
                    client.options.pop(_OPTION_CHECKED, None)
                raise
            data = ENVELOPE.data_mapping(response, f"HTX {wallet} balance")
            return parse_balance_list(client, require_key(data, "list", f"HTX {wallet} balance"),
                                      wallet, f"{wallet} balance.list")

        return read

    async def read_isolated_margin(self, client: Any) -> list[WalletBalance]:
        data = ENVELOPE.data_list(await client.spot_private_get_v1_margin_accounts_balance(),
                                  "HTX margin balance")
        rows = []
        for index, pair in enumerate(data):
            pair = require_mapping(pair, f"HTX margin balance[{index}]")
            rows += parse_balance_list(client, require_key(pair, "list", f"HTX margin balance[{index}]"),
                                       "margin", f"margin balance[{index}].list")
        return sum_rows(rows)

    async def read_cross_margin(self, client: Any) -> list[WalletBalance]:
        response = await self.unless_never_opened(
            client.spot_private_get_v1_cross_margin_accounts_balance())
        if response is None:
            return []
        data = ENVELOPE.data_mapping(response, "HTX cross margin balance")
        return parse_balance_list(client, require_key(data, "list", "HTX cross margin balance"),
                                  "cross_margin", "cross margin balance.list")

    async def read_futures(self, client: Any) -> list[WalletBalance]:
        response = await self.unless_never_opened(client.contract_private_get_v5_account_balance())
        return [] if response is None else parse_contract_balance(client, response)

    async def read_coin_margined(self, client: Any) -> list[WalletBalance]:
        """Coin-margined perpetual swaps and delivery futures, summed per coin."""
        rows: list[WalletBalance] = []
        for method in ("contract_private_post_swap_api_v1_swap_account_info",
                       "contract_private_post_api_v1_contract_account_info"):
            response = await self.unless_never_opened(getattr(client, method)())
            if response is not None:
                rows += parse_coin_margined(client, response)
        return sum_rows(rows)

    async def read_permissions(self, client: Any) -> KeyPermissions:
        uid_body = require_mapping(await client.v2private_get_user_uid(), "HTX uid")
        uid = require_key(uid_body, "data", "HTX uid")
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise BadResponseError("HTX: uid is not a number")
        response = await client.v2private_get_user_api_key(
            {"uid": str(uid), "accessKey": client.apiKey})
        return parse_api_key(response, client.apiKey)
