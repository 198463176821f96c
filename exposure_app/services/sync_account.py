"""One exchange account on the sync loop: its ccxt client, adapter and a read.

An :class:`AccountSession` owns one ccxt client for one account. The client is
created on the sync loop the first time the account syncs, reused while its
configuration (exchange, connection options, credentials, cached facts) is
unchanged, and closed on the loop when the configuration changes, the account
goes away or the service shuts down. Credentials live only in the client
object and are compared through a hash, never kept elsewhere.

Threading: every method runs on the sync service's loop thread.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exposure_app.domain.balances import AccountReading
from exposure_app.domain.models import Account
from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.watch_only import Receipt
from exposure_app.exchanges.adapters.base import ExchangeAdapter
from exposure_app.exchanges.adapters.registry import adapter_for
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client
from exposure_app.exchanges.errors import ConfigurationError, SyncError
from exposure_app.exchanges.pricing import fetch_quotes
from exposure_app.exchanges.tickers import Rejected


def _fingerprint(account: Account, credentials: dict[str, str], facts: dict[str, Any],
                 request_timeout: float, default_proxy: str | None) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([account.exchange_id, dict(account.options), facts,
                              request_timeout, default_proxy], sort_keys=True,
                             default=str).encode())
    digest.update(json.dumps(credentials, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class ReadOutcome:
    """What one account's read produced (on success) or why it failed."""

    reading: AccountReading | None = None
    error: SyncError | None = None
    quotes: list[MarketPrice] = field(default_factory=list)
    fresh_markets: list[dict[str, Any]] | None = None
    pricing_error: str | None = None
    rejected_prices: Rejected = field(default_factory=Rejected)
    """Tickers of this exchange dropped as unusable (the others were kept)."""
    facts: dict[str, Any] = field(default_factory=dict)
    read_seconds: float | None = None
    pricing_seconds: float | None = None
    receipts: tuple[Receipt, ...] = ()
    """Incoming transactions of a watch-only account."""


class AccountSession:
    """The client and adapter of one account. Threading: sync loop only."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.adapter: ExchangeAdapter = adapter_for(account.exchange_id or "")
        self.client: Any = None
        self._fingerprint: str | None = None

    async def ensure_client(
        self, account: Account, credentials: dict[str, str], facts: dict[str, Any],
        request_timeout: float, default_proxy: str | None = None,
    ) -> Any:
        """The account's client, rebuilt when anything it was built from changed.
        ``default_proxy`` (the profile's) is used when the account has no proxy of its own."""
        fingerprint = _fingerprint(account, credentials, facts, request_timeout, default_proxy)
        if self.client is not None and fingerprint == self._fingerprint:
            return self.client
        await self.close()
        if account.exchange_id != self.account.exchange_id:
            self.adapter = adapter_for(account.exchange_id or "")
        self.account = account
        connection = ConnectionOptions.from_mapping(account.options)
        connection = ConnectionOptions(
            api_url=connection.api_url, sandbox=connection.sandbox,
            proxy=connection.proxy or default_proxy,
            timeout_seconds=min(connection.timeout_seconds, request_timeout),
        )
        try:
            self.client = build_client(
                account.exchange_id or "", credentials, connection,
                self.adapter.client_options(facts), self.adapter.ccxt_config(),
            )
        except ValueError as exc:    # an exchange this ccxt does not know
            raise ConfigurationError(str(exc)) from None
        self._fingerprint = fingerprint
        return self.client

    async def read(self, base_currency: str, now: datetime,
                   cached_markets: list[dict[str, Any]] | None) -> ReadOutcome:
        """Balances and permissions, then this exchange's prices (pricing never fails the read)."""
        outcome = ReadOutcome()
        client = self.client
        started = time.perf_counter()
        try:
            outcome.reading = await self.adapter.read_account(client)
        except SyncError as error:
            outcome.error = error
            return outcome
        except Exception as exc:
            outcome.error = self.adapter.classify(exc, client)
            return outcome
        finally:
            outcome.read_seconds = time.perf_counter() - started
        outcome.facts = self.adapter.detected_facts(client)
        started = time.perf_counter()
        assets = sorted({b.asset for b in outcome.reading.balances})
        try:
            outcome.quotes, outcome.fresh_markets = await fetch_quotes(
                client, self.account.exchange_id or "", assets, base_currency, now,
                cached_markets=cached_markets, rejected=outcome.rejected_prices,
            )
        except Exception as exc:
            failure = self.adapter.classify(exc, client)   # scrubbed of the credentials
            outcome.pricing_error = f"prices from this exchange unavailable: {failure.message}"
        outcome.pricing_seconds = time.perf_counter() - started
        return outcome

    async def close(self) -> None:
        client, self.client, self._fingerprint = self.client, None, None
        if client is not None:
            try:
                await client.close()
            except Exception:  # closing must never hide the real outcome
                pass
