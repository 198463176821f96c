"""Per-network withdrawal info (fee, minimum, enabled, memo) from the exchanges.

Read through ccxt's unified ``fetch_currencies`` and, only where that leaves
fees unknown, ``fetch_deposit_withdraw_fees``. Per-network values are taken
(the currency-level flags and fee can disagree with the networks: ccxt notes
section 5). Whatever the exchange does not say stays ``None`` ("unknown"),
never guessed. The result is cached in the store
(:class:`~exposure_app.storage.checklist.WithdrawalNetworkRepository`) and
refreshed on sync, at most once per :data:`REFRESH_INTERVAL` per exchange.

The sync hook is :func:`refresh_after_sync`: the sync service awaits it on its
own loop, with the account's client, after storing the account's snapshot.
A failed refresh keeps the last good cache and records the error.

Threading: :func:`fetch_network_infos` and :func:`refresh_after_sync` run on
the sync service's asyncio loop with a client created there; the store they
are given must belong to that thread. Everything else runs on the thread
owning the store passed in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from exposure_app.domain.balances import AccountReading
from exposure_app.domain.checklist import LockDetail
from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.models import Account, AccountState
from exposure_app.domain.money import AmountError, parse_decimal
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.exchanges.errors import SyncError
from exposure_app.storage.checklist import HoldingLockRepository, WithdrawalNetworkRepository
from exposure_app.storage.store import ProfileStore
from exposure_app.storage.withdrawal_status_history import WithdrawalHistoryRepository

log = logging.getLogger(__name__)

REFRESH_INTERVAL = timedelta(hours=1)
DEFAULT_NETWORK = "(unspecified)"
"""Network name used when the exchange gives currency-level figures only."""

# Keys exchanges use in a network's raw ``info`` to say a memo/tag is needed.
_MEMO_KEYS = ("sameAddress", "needTag", "isMemo", "needMemo", "memoRequired", "tagRequired")


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        result = parse_decimal(value, field="withdrawal figure")
    except AmountError:
        return None
    return result if result >= 0 else None


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def _memo_flag(info: Any) -> bool | None:
    if not isinstance(info, Mapping):
        return None
    for key in _MEMO_KEYS:
        if key in info:
            flag = _flag(info[key])
            if flag is not None:
                return flag
    return None


def _limit(entry: Mapping[str, Any], which: str) -> Decimal | None:
    limits = entry.get("limits")
    if not isinstance(limits, Mapping):
        return None
    withdraw = limits.get("withdraw")
    if not isinstance(withdraw, Mapping):
        return None
    return _dec(withdraw.get(which))


def parse_network_infos(
    exchange_id: str, currencies: Any, fees: Any = None, *, fetched_at: datetime,
    assets: Iterable[str] | None = None,
) -> list[NetworkInfo]:
    """ccxt's ``fetch_currencies`` (+ optional ``fetch_deposit_withdraw_fees``) result as rows.

    Malformed entries are skipped (logged), not guessed. ``assets`` limits the
    rows to the assets the user holds (the cache stays small).
    """
    wanted = {a.upper() for a in assets} if assets is not None else None
    fee_map = fees if isinstance(fees, Mapping) else {}
    rows: list[NetworkInfo] = []
    if not isinstance(currencies, Mapping):
        raise ValueError("fetch_currencies did not return a mapping")
    for code, currency in currencies.items():
        if not isinstance(code, str) or not isinstance(currency, Mapping):
            continue
        if wanted is not None and code.upper() not in wanted:
            continue
        raw_fee = fee_map.get(code)
        fee_entry: Mapping[str, Any] = raw_fee if isinstance(raw_fee, Mapping) else {}
        raw_fee_networks = fee_entry.get("networks")
        fee_networks: Mapping[str, Any] = raw_fee_networks if isinstance(raw_fee_networks, Mapping) else {}
        networks = currency.get("networks")
        if isinstance(networks, Mapping) and networks:
            for net_code, net in networks.items():
                if not isinstance(net, Mapping) or not isinstance(net_code, str):
                    continue
                fee = _dec(net.get("fee"))
                if fee is None:
                    fnet = fee_networks.get(net_code)
                    if isinstance(fnet, Mapping) and isinstance(fnet.get("withdraw"), Mapping):
                        fee = _dec(fnet["withdraw"].get("fee"))
                raw_id = net.get("id")
                rows.append(NetworkInfo(
                    exchange_id, code, net_code, raw_id if isinstance(raw_id, str) else None,
                    _flag(net.get("withdraw")), _flag(net.get("deposit")), fee,
                    _limit(net, "min"), _limit(net, "max"), _memo_flag(net.get("info")), fetched_at,
                ))
        else:
            fee = _dec(currency.get("fee"))
            if fee is None and isinstance(fee_entry.get("withdraw"), Mapping):
                fee = _dec(fee_entry["withdraw"].get("fee"))
            row = NetworkInfo(
                exchange_id, code, DEFAULT_NETWORK, None, _flag(currency.get("withdraw")),
                _flag(currency.get("deposit")), fee, _limit(currency, "min"), _limit(currency, "max"),
                _memo_flag(currency.get("info")), fetched_at,
            )
            told = (row.withdraw_enabled, row.deposit_enabled, row.fee, row.minimum, row.maximum,
                    row.memo_required)
            if any(v is not None for v in told):   # a row that says nothing stays "unknown"
                rows.append(row)
    return rows


async def fetch_network_infos(client: Any, exchange_id: str, *, assets: Iterable[str] | None = None,
                              now: datetime | None = None) -> list[NetworkInfo]:
    """Ask the exchange (on the sync loop): the adapter's own withdrawal figures where it
    reads them (:meth:`~exposure_app.exchanges.adapters.base.ExchangeAdapter.withdrawal_currencies`),
    else ccxt's currencies. Raises whatever ccxt or the adapter raises."""
    from exposure_app.exchanges.adapters.registry import adapter_for

    now = now or utc_now()
    assets = list(assets) if assets is not None else None
    own = await adapter_for(exchange_id).withdrawal_currencies(client)
    if own is not None:
        return parse_network_infos(exchange_id, own, fetched_at=now, assets=assets)
    has = getattr(client, "has", {}) or {}
    if not has.get("fetchCurrencies"):
        return []
    options: Any = getattr(client, "options", None)   # ccxt is untyped
    # Binance-family clients are built with options["fetchCurrencies"] = False so
    # that load_markets skips the private currency call; turn it on for this one call.
    disabled = isinstance(options, dict) and options.get("fetchCurrencies") is False
    if disabled:
        options["fetchCurrencies"] = True
    try:
        currencies = await client.fetch_currencies()
    finally:
        if disabled:
            options["fetchCurrencies"] = False
    rows = parse_network_infos(exchange_id, currencies, fetched_at=now, assets=assets)
    if has.get("fetchDepositWithdrawFees") and any(r.fee is None for r in rows):
        codes = sorted({r.asset for r in rows if r.fee is None})
        fees = await client.fetch_deposit_withdraw_fees(codes)
        rows = parse_network_infos(exchange_id, currencies, fees, fetched_at=now, assets=assets)
    return rows


def needs_refresh(store: ProfileStore, exchange_id: str, now: datetime) -> bool:
    """Due when never fetched, or the last try (good or failed) is older than the interval.

    A failed try also waits the interval: an exchange that refuses the call
    (or an endpoint it does not offer) costs one request an hour, not one per sync.
    """
    last = WithdrawalNetworkRepository(store).last_fetch(exchange_id)
    return last is None or now - last[0] >= REFRESH_INTERVAL


def lock_details(store: ProfileStore, snapshot_ids: Iterable[int]) -> dict[int, list[LockDetail]]:
    """Why locked amounts are locked, per snapshot (recorded by the sync hook)."""
    return HoldingLockRepository(store).for_snapshots(snapshot_ids)


def record_lock_details(store: ProfileStore, snapshot_id: int, reading: AccountReading) -> None:
    """Keep why locked amounts are locked (the snapshot rows keep only amounts)."""
    HoldingLockRepository(store).record(snapshot_id, (
        LockDetail(b.wallet, b.asset, b.lock_reason, b.unlock_at, b.locked)
        for b in reading.balances if b.locked and (b.lock_reason or b.unlock_at)
    ))


async def refresh_after_sync(
    store: ProfileStore, account: Account, client: Any, *,
    assets: Iterable[str] | None = None, now: datetime | None = None, force: bool = False,
) -> int | None:
    """Refresh the exchange's withdrawal info if due (the sync hook's part).

    Never raises for exchange errors (the sync result must not depend on it);
    returns the number of network rows stored, or ``None`` when nothing was
    fetched. Only ``assets`` are kept when given (every asset held at that
    exchange, so the cache stays small).
    """
    now = now or utc_now()
    exchange_id = account.exchange_id
    if not exchange_id:
        return None
    repo = WithdrawalNetworkRepository(store)
    assets = sorted(set(assets)) if assets is not None else None
    if not (force or needs_refresh(store, exchange_id, now)):
        return None
    try:
        rows = await fetch_network_infos(client, exchange_id, now=now, assets=assets)
    except Exception as exc:  # any exchange failure keeps the old cache
        reason = exc.message if isinstance(exc, SyncError) else \
            f"{type(exc).__name__}: could not read withdrawal info"
        log.info("withdrawal info for %s not refreshed (%s)", exchange_id, type(exc).__name__)
        repo.record_failure(exchange_id, now, reason)
        return None
    with store.transaction():
        count = repo.replace_exchange(exchange_id, rows, now)
        WithdrawalHistoryRepository(store).record(exchange_id, rows, now)
    return count


def networks_for_plan(
    store: ProfileStore, exchange_ids: Iterable[str], states: Iterable[AccountState],
    directory: CounterpartyDirectory,
) -> tuple[dict[tuple[str, str], list[NetworkInfo]], dict[str, str]]:
    """The cached network rows for these exchanges, and a note per custodian on their age."""
    repo = WithdrawalNetworkRepository(store)
    networks: dict[tuple[str, str], list[NetworkInfo]] = {}
    notes: dict[str, str] = {}
    for exchange_id in sorted(set(exchange_ids)):
        networks.update(repo.for_exchange(exchange_id))
        cp = directory.resolve(exchange_id)
        last = repo.last_fetch(exchange_id)
        if last is None:
            note = "withdrawal networks not read yet (they are read on the next sync)"
        elif last[1] != "ok":
            note = (f"withdrawal networks could not be refreshed on {last[0]:%Y-%m-%d %H:%M} UTC "
                    f"({last[2]}); older figures shown where cached")
        else:
            note = f"withdrawal networks as of {last[0]:%Y-%m-%d %H:%M} UTC"
        notes[cp] = note
    for state in states:
        account = state.account
        if account.is_custodial and account.counterparty and not account.exchange_id:
            notes.setdefault(directory.resolve(account.counterparty),
                             "manual account: withdrawal networks unknown (check on the custodian's site)")
    return networks, notes
