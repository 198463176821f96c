"""The adapter interface: how one exchange's wallets and key permissions are read.

An adapter is stateless apart from its options; the ccxt client it is given
is created, used and closed by the sync service on the service's own loop.
``read_balances`` must never return a silently partial result: a wallet whose
call failed goes into ``AccountReading.missing`` with the reason, and a
response without the expected structure raises
:class:`~exposure_app.exchanges.errors.BadResponseError` rather than reading
as an empty wallet.

Subclasses mark each wallet's reader with :func:`reads_wallet` (or build
:meth:`ExchangeAdapter.wallets` at run time), each reader validating its
response through :mod:`exposure_app.exchanges.validation` and building rows
through :mod:`exposure_app.exchanges.balance_rows`, and implement, where the
exchange tells, :meth:`ExchangeAdapter.read_permissions`. The framework here reads all wallets
concurrently, classifies failures, retries once after clock skew (turning on
ccxt's time-difference adjustment) and once after a short Retry-After.

Threading: every coroutine runs on the sync service's loop, with a client
created on that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, TypeVar

from exposure_app.domain.balances import (
    AccountReading,
    KeyPermissions,
    PermissionLevel,
    WalletBalance,
)
from exposure_app.domain.bounds import reported_balance_problem
from exposure_app.domain.method_marks import MethodMarks
from exposure_app.exchanges.errors import (
    ErrorKind,
    SyncError,
    describe_exception,
    friendly_name,
    make_error,
)
from exposure_app.exchanges.validation import Envelope

# A wallet reader takes the ccxt client and returns the wallet's rows.
WalletReader = Callable[[Any], Awaitable[list[WalletBalance]]]

# Facts cached per account between syncs (see ExchangeAdapter.detected_facts).
ADJUST_TIME_FACT = "adjust_for_time_difference"

# Longest Retry-After the adapter waits for within one sync; longer ones fail
# the account with the wait in the message (the service then backs off).
MAX_INLINE_RETRY_WAIT = 5.0


@dataclass(frozen=True, slots=True)
class WalletSpec:
    """One wallet to read: ``name`` as stored (spot, funding, earn_flexible...)."""

    name: str
    read: WalletReader
    required: bool = True   # a required wallet failing makes the snapshot partial
    may_owe: bool = False
    """Whether a coin's total may be negative here besides the borrowing and
    derivatives wallets (``domain.bounds.WALLETS_THAT_MAY_OWE``): a unified
    trading account read as ``spot`` (OKX, Bybit, Bitget UTA) reports equity
    net of what is borrowed."""


_Reader = TypeVar("_Reader", bound=Callable[..., Awaitable[list[WalletBalance]]])
# reader method -> the wallet it reads (a WalletSpec without its bound reader)
_DECLARED_WALLETS: MethodMarks[WalletSpec] = MethodMarks()


def reads_wallet(name: str, *, required: bool = True,
                 may_owe: bool = False) -> Callable[[_Reader], _Reader]:
    """Declares that the decorated reader method reads wallet ``name`` (see
    :class:`WalletSpec`); :meth:`ExchangeAdapter.wallets` lists the declared
    readers in the order they are defined, the primary wallet first."""

    def declare(reader: _Reader) -> _Reader:
        _DECLARED_WALLETS.mark(reader, WalletSpec(name, reader, required, may_owe))
        return reader

    return declare


def permission_level(*, can_withdraw: bool, can_trade: bool,
                     read_only: bool = True) -> PermissionLevel:
    """The level a key's grants amount to: withdrawing over trading over reading.
    ``read_only`` False (a grant the adapter does not know) leaves a key that
    can neither withdraw nor trade ``UNKNOWN``, never guessed as read-only."""
    if can_withdraw:
        return PermissionLevel.WITHDRAW
    if can_trade:
        return PermissionLevel.TRADE
    return PermissionLevel.READ_ONLY if read_only else PermissionLevel.UNKNOWN


def credential_values(client: Any) -> list[str]:
    """The client's credentials, so error texts can be scrubbed of them."""
    values = []
    for attr in ("apiKey", "secret", "password", "uid", "privateKey", "walletAddress", "token"):
        value = getattr(client, attr, None)
        if isinstance(value, str) and value:
            values.append(value)
    return values


def retry_after_seconds(client: Any) -> float | None:
    """The ``Retry-After`` the exchange asked for during this read, if any.

    Recorded per answer by the client factory's hook (concurrent requests make
    ``last_response_headers`` unreliable); falls back to the last headers.
    """
    recorded = getattr(client, "exposure_retry_after", None)
    if recorded is not None:
        return recorded
    headers = getattr(client, "last_response_headers", None) or {}
    with contextlib.suppress(AttributeError):
        for key, value in headers.items():
            if key.lower() == "retry-after":
                try:
                    return max(0.0, float(value))
                except (TypeError, ValueError):
                    return None
    return None


class ExchangeAdapter:
    """Base class; subclasses set ``exchange_id`` and implement the readers.

    ``sibling_ids`` are other ccxt ids of the same venue (binanceus is *not* a
    sibling of binance: different company) that this adapter also serves.
    """

    exchange_id: ClassVar[str] = ""
    sibling_ids: ClassVar[tuple[str, ...]] = ()
    # the exchange's answer envelope, declared as data (see validation.Envelope)
    envelope: ClassVar[Envelope | None] = None
    max_inline_retry_wait: float = MAX_INLINE_RETRY_WAIT
    # answers shared between wallets, only while read_balances runs (once_per_read)
    _answers: dict[str, asyncio.Future] | None = None

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        """ccxt ``options`` that avoid needless pre-calls (markets, account mode).

        ``cached`` holds facts detected on earlier syncs (unified-account mode,
        account ids) so they need not be fetched again.
        """
        return {}

    def ccxt_config(self) -> dict[str, Any]:
        """Top-level ccxt settings besides ``options`` (passed as ``extra_config``
        to :func:`~exposure_app.exchanges.client_factory.build_client`)."""
        return {}

    def client_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        """``ccxt_options`` plus the framework's cached facts (time adjustment)."""
        options = dict(self.ccxt_options(cached))
        if cached.get(ADJUST_TIME_FACT):
            options["adjustForTimeDifference"] = True
        return options

    def detected_facts(self, client: Any) -> dict[str, Any]:
        """Facts learned during this sync worth caching for the next one.

        Subclasses extend this (e.g. bybit's unified-account flag) by calling
        ``super().detected_facts(client)`` and adding keys.
        """
        facts: dict[str, Any] = {}
        if client.options.get("adjustForTimeDifference"):
            facts[ADJUST_TIME_FACT] = True
        return facts

    def wallets(self) -> list[WalletSpec]:
        """One spec per :func:`reads_wallet` reader of this class and its bases,
        in definition order (adapters whose wallets are built at run time
        override this)."""
        return [replace(spec, read=reader) for spec, reader in _DECLARED_WALLETS.on(self)]

    async def read_permissions(self, client: Any) -> KeyPermissions:
        return KeyPermissions.unknown()

    async def withdrawal_currencies(self, client: Any) -> Mapping[str, Any] | None:
        """Per-network withdrawal figures in the shape of ccxt's ``fetch_currencies``, for an
        exchange whose ccxt currencies leave them out (Kraken); ``None``, the default, means
        ccxt's own ``fetch_currencies`` has them. Raises like the wallet readers."""
        return None

    def classify(self, exc: BaseException, client: Any) -> SyncError:
        """Turn any exception from a reader into a :class:`SyncError`.

        An error code listed in the adapter's :attr:`envelope` wins; subclasses
        may refine further for exchange-specific texts, then fall back to
        ``super().classify``.
        """
        if self.envelope is not None:
            kind = self.envelope.error_kind(exc)
            if kind is not None:
                return make_error(kind, self.exchange_id)
        return describe_exception(
            exc, self.exchange_id,
            retry_after=retry_after_seconds(client),
            secrets=credential_values(client),
        )

    # what the adapter cannot read on this exchange, given with every reading
    coverage_note: str = ""

    async def unless_never_opened(self, answer: Awaitable[Any]) -> Any | None:
        """``answer``'s result, or ``None`` when the exchange says explicitly that
        the account was never opened (:attr:`Envelope.never_opened`): nothing is
        held there, so the wallet reads as empty rather than failed."""
        try:
            return await answer
        except Exception as exc:
            if self.envelope is not None and self.envelope.says_never_opened(exc):
                return None
            raise

    # -- the framework ---------------------------------------------------------

    async def read_balances(self, client: Any) -> AccountReading:
        """Read every wallet concurrently; see the module docstring for the rules.

        Raises :class:`SyncError` when the account as a whole failed: a
        key-level failure (auth, IP, clock skew) on any wallet, or no wallet
        read at all (the primary wallet's error is raised).
        """
        self._answers = {}
        try:
            return await self._read_wallets(client)
        finally:
            self._answers = None

    async def once_per_read(self, key: str, fetch: Callable[[], Awaitable[Any]]) -> Any:
        """``fetch()`` once per :meth:`read_balances`, shared by the wallets that need
        the same answer (KuCoin's account list, Bitget's savings); a reader called on
        its own fetches for itself, so no answer outlives one read."""
        answers = self._answers
        if answers is None:
            return await fetch()
        future = answers.get(key)
        if future is None:
            future = answers[key] = asyncio.ensure_future(fetch())
        return await asyncio.shield(future)

    def shared_wallet(self, key: str, fetch: Callable[[Any], Awaitable[Any]],
                      select: Callable[[Any], list[WalletBalance]]) -> WalletReader:
        """A wallet reader taking ``select(answer)`` of one call several wallets share
        (Kraken's ``BalanceEx``, Coinbase's account list): each wallet keeps its own
        :class:`WalletSpec` (coverage is per wallet), the call is made once per read."""

        async def read(client: Any) -> list[WalletBalance]:
            return select(await self.once_per_read(key, lambda: fetch(client)))

        return read

    async def _read_wallets(self, client: Any) -> AccountReading:
        specs = self.wallets()
        results = await asyncio.gather(
            *(spec.read(client) for spec in specs), return_exceptions=True
        )
        rows: list[WalletBalance] = []
        coverage: list[str] = []
        missing: dict[str, str] = {}
        skipped: dict[str, str] = {}
        errors: list[SyncError] = []
        for spec, result in zip(specs, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                error = self.classify(result, client)
                if not spec.required and error.kind is ErrorKind.NOT_SUPPORTED:
                    skipped[spec.name] = error.message
                    continue
                errors.append(error)
                missing[spec.name] = error.message
                continue
            wallet_rows = [row if row.wallet == spec.name else replace(row, wallet=spec.name)
                           for row in result]
            implausible = self.implausible_balance(spec.name, wallet_rows,
                                                   may_owe=spec.may_owe)
            if implausible is not None:
                errors.append(implausible)
                missing[spec.name] = implausible.message
                continue
            rows.extend(wallet_rows)
            coverage.append(spec.name)
        for error in errors:
            if error.account_level:
                raise error
        if errors and not coverage:
            raise errors[0]
        return AccountReading(
            balances=tuple(rows), coverage=tuple(coverage), missing=missing,
            skipped=skipped, coverage_note=self.coverage_note,
        )

    def implausible_balance(self, wallet: str, rows: list[WalletBalance], *,
                            may_owe: bool = False) -> SyncError | None:
        """The error for a wallet whose answer holds a balance that cannot be right.

        A negative total outside a borrowing or derivatives wallet, a
        non-finite figure or one beyond any real holding
        (:func:`~exposure_app.domain.bounds.reported_balance_problem`) makes
        the whole wallet's reading invalid: it is reported like a failed
        wallet, so its last good figures are carried forward with this reason.
        """
        for row in rows:
            problem = reported_balance_problem(wallet, row.asset, row.free, row.locked, row.total,
                                               may_owe=may_owe)
            if problem is not None:
                return SyncError(ErrorKind.BAD_RESPONSE, (
                    f"{friendly_name(self.exchange_id)} reported a balance that cannot be "
                    f"right ({problem}); nothing was stored from the {wallet} wallet."
                ))
        return None

    async def read_permissions_safely(self, client: Any) -> KeyPermissions:
        """Permissions, or ``unknown`` with the reason when they cannot be read."""
        try:
            return await self.read_permissions(client)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            error = self.classify(exc, client)
            return KeyPermissions.unknown(f"the key's permissions could not be read: {error}")

    async def read_account(self, client: Any) -> AccountReading:
        """Balances and key permissions, with one retry for clock skew or a short ban."""
        retried = False
        while True:
            client.exposure_retry_after = None
            try:
                reading = await self.read_balances(client)
                break
            except SyncError as error:
                if retried:
                    raise
                if error.kind is ErrorKind.CLOCK_SKEW and not client.options.get(
                    "adjustForTimeDifference"
                ):
                    client.options["adjustForTimeDifference"] = True
                    try:
                        await client.load_time_difference()
                    except Exception as exc:
                        raise self.classify(exc, client) from None
                    retried = True
                    continue
                if (error.kind is ErrorKind.RATE_LIMIT and error.retry_after is not None
                        and error.retry_after <= self.max_inline_retry_wait):
                    await asyncio.sleep(error.retry_after)
                    retried = True
                    continue
                raise
        permissions = await self.read_permissions_safely(client)
        return replace(reading, permissions=permissions)
