"""The demo session: a throw-away profile, an in-memory keyring and live emulators.

``exposure-app --demo`` calls :func:`start_demo_session` before it opens the
window and :meth:`DemoSession.close` when it quits. In between:

* the profile is a fresh folder under the system's temporary directory, so
  the user's own profile, settings and logs are never opened;
* the process's keyring is an in-memory backend (set with
  ``keyring.set_keyring`` before anything asked for the platform keyring, so
  the real one is never even discovered in this process); the demo keys live
  there and vanish with the process;
* the loopback emulators of at least three exchanges serve the demo
  portfolios, and the demo's exchange accounts are created through the same
  service as a user's (:func:`~exposure_app.services.exchange_accounts.create_exchange_account`)
  with their API URL pointed at the emulators, so "Sync" runs the real ccxt
  path;
* the generated history (:mod:`exposure_app.services.demo.history`) is
  written into the profile;
* the Kraken and Binance emulators serve the demo's price path as public
  tickers and daily candles, and the profile's price sources point at them.

Threading: :func:`start_demo_session` and :meth:`DemoSession.close` run on
the caller's thread (the GUI thread, before the window exists and after it
is gone). The emulators run on their own loop thread
(:class:`~exposure_app.emulator.base.EmulatorServer`). ``close`` also runs at
interpreter exit if the caller never got to it.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import EmulatorServer, ExchangeEmulator, start_emulators
from exposure_app.emulator.demo_portfolio import build_demo_emulator, pick_demo_exchanges
from exposure_app.emulator.market_tape import MarketTape
from exposure_app.emulator.registry import available as available_emulators
from exposure_app.services.demo.history import (
    DEFAULT_SEED,
    DemoHistory,
    add_manual_accounts,
    generate_demo_history,
    write_demo_history,
)
from exposure_app.services.demo.portfolio import EXCHANGE_NAMES
from exposure_app.services.demo.watch_demo import add_demo_wallet
from exposure_app.services.profile import Profile
from exposure_app.storage.errors import ProfileLockedError
from exposure_app.storage.profile_lock import ProfileLock
from exposure_app.storage.secrets import SecretStore, memory_keyring

MIN_EXCHANGES = 3
TEMP_PREFIX = "exposure-demo-"
DEMO_TIMEOUT_SECONDS = 10.0
STALE_AFTER_SECONDS = 600.0


class DemoError(RuntimeError):
    """The demo could not be set up; the message says why."""


class _ProcessKeyring:
    """Swaps the process's keyring backend and puts the previous one back.

    ``keyring.core`` keeps the backend in a module global that is ``None``
    until the first ``keyring.get_keyring()`` discovers the platform's
    backend. Reading the global (rather than calling ``get_keyring``) is what
    keeps the real keyring from ever being loaded in a demo process; putting
    it back as it was (even ``None``) leaves a test process as it found it.
    """

    def __init__(self, backend: Any) -> None:
        from keyring import core

        self._core = core
        self.previous = core._keyring_backend
        core.set_keyring(backend)
        self.backend = backend

    def restore(self) -> None:
        if self._core._keyring_backend is self.backend:
            self._core._keyring_backend = self.previous


@dataclass
class DemoSession:
    """A running demo. ``profile`` is what the app opens; :meth:`close` undoes it all."""

    profile: Profile
    temp_dir: Path
    server: EmulatorServer
    keyring_backend: Any
    history: DemoHistory
    account_ids: dict[str, int]
    _keyring: _ProcessKeyring = field(repr=False)
    closed: bool = False
    chain_server: EmulatorServer | None = None
    """The loopback chain servers of the demo's watch-only wallet (``demo.watch_demo``)."""

    @property
    def emulators(self) -> dict[str, ExchangeEmulator]:
        return dict(self.server.emulators)

    @property
    def exchanges(self) -> tuple[str, ...]:
        return tuple(self.server.emulators)

    @property
    def secret_store(self) -> SecretStore:
        return SecretStore(self.keyring_backend)

    def close(self) -> None:
        """Stop the emulators, restore the keyring and delete the temporary folder.

        Idempotent. The app must have closed its own stores first (it does so
        when its window closes); the profile lock, taken when the session
        started, is released here.
        """
        if self.closed:
            return
        self.closed = True
        atexit.unregister(self.close)
        if self.chain_server is not None:
            self.chain_server.stop()
        _undo(self.server, self._keyring, self.profile, self.temp_dir)

    def __enter__(self) -> DemoSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_demo_session(
    *,
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    exchanges: Sequence[str] | None = None,
    temp_root: Path | None = None,
) -> DemoSession:
    """Set up the demo (see the module docstring); raises :class:`DemoError`.

    ``exchanges`` limits the emulated exchanges (default: every demo exchange
    with an emulator); at least :data:`MIN_EXCHANGES` are needed. ``now`` and
    ``temp_root`` are for tests. Anything set up before a failure is undone.
    """
    chosen = pick_demo_exchanges(available_emulators())
    if exchanges is not None:
        chosen = [ex for ex in chosen if ex in set(exchanges)]
    if len(chosen) < MIN_EXCHANGES:
        raise DemoError(
            f"the demo needs emulators for at least {MIN_EXCHANGES} exchanges; "
            f"only {', '.join(chosen) or 'none'} are available"
        )
    now = now or utc_now()
    history = generate_demo_history(seed, now=now, exchanges=chosen)
    remove_stale_demo_folders(temp_root)

    backend = memory_keyring()
    process_keyring = _ProcessKeyring(backend)
    temp_dir: Path | None = None
    server: EmulatorServer | None = None
    profile: Profile | None = None
    try:
        temp_dir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=temp_root))
        today = history.end
        prices = history.prices.on(today)
        server = start_emulators(
            build_demo_emulator(available_emulators()[ex], prices, today) for ex in chosen
        )
        price_sources = _serve_demo_market(server, history)
        # Held from the start, so a sweep by another demo never takes this folder.
        profile = Profile(temp_dir / "profile", temporary=True)
        profile.lock.acquire()
        account_ids = _populate(profile, history, server, SecretStore(backend))
        settings = profile.load_settings()
        settings.price_sources = price_sources
        settings.save()
    except BaseException:
        _undo(server, process_keyring, profile, temp_dir)
        raise
    session = DemoSession(
        profile=profile, temp_dir=temp_dir, server=server, keyring_backend=backend,
        history=history, account_ids=account_ids, _keyring=process_keyring,
    )
    atexit.register(session.close)
    try:   # the watched wallet and its withdrawal (services.demo.watch_demo)
        session.chain_server = EmulatorServer()
        session.account_ids["watch-only"] = add_demo_wallet(
            profile, session.chain_server, server.emulators)
    except BaseException:
        session.close()
        raise
    return session


# Emulators whose public market routes (tickers and daily OHLCV) ccxt reads for prices.
DEMO_PRICE_SOURCES = ("kraken", "binance")


def _serve_demo_market(server: EmulatorServer, history: DemoHistory) -> str:
    """Serve the demo's price path as the market of the price-source emulators.

    Their tickers and daily candles then come from the same seeded path the
    generated history was priced with (``services.demo.prices``; illustrative,
    not market data), and the demo profile's price sources point at them, so a
    price update in the demo reads its market through ccxt like a real one.
    Returns the ``price_sources`` setting.
    """
    tape = MarketTape(today=history.end)
    for asset, series in history.prices.prices.items():
        tape.set(asset, series)
    sources = []
    for exchange_id in DEMO_PRICE_SOURCES:
        emulator = server.emulators.get(exchange_id)
        if emulator is None:
            continue
        emulator.use_market(tape, tuple(emulator.tickers))
        sources.append(f"{exchange_id}={emulator.base_url}")
    return ", ".join(sources) or "kraken"


def _undo(
    server: EmulatorServer | None,
    process_keyring: _ProcessKeyring,
    profile: Profile | None,
    temp_dir: Path | None,
) -> None:
    """Stop, restore, unlock and delete, each even if an earlier step failed."""
    try:
        if server is not None:
            server.stop()
    finally:
        try:
            process_keyring.restore()
        finally:
            try:
                if profile is not None:
                    profile.lock.release()
            finally:
                if temp_dir is not None:
                    shutil.rmtree(temp_dir, ignore_errors=True)


def remove_stale_demo_folders(temp_root: Path | None = None) -> list[Path]:
    """Delete demo folders that a demo process left behind when it was killed.

    A folder is stale when it is older than :data:`STALE_AFTER_SECONDS` and
    its profile lock is free (the OS drops the lock when its process dies; a
    running demo holds it from the start). Problems are skipped, never raised:
    the sweep must not stop a demo from starting.
    """
    root = Path(temp_root or tempfile.gettempdir())
    cutoff = time.time() - STALE_AFTER_SECONDS
    removed = []
    for folder in root.glob(f"{TEMP_PREFIX}*"):
        try:
            if not folder.is_dir() or folder.stat().st_mtime > cutoff:
                continue
            lock = ProfileLock(folder / "profile")
            try:
                lock.acquire()
            except ProfileLockedError:
                continue  # a running demo
            lock.release()
            shutil.rmtree(folder)
            removed.append(folder)
        except OSError:
            continue
    return removed


def _populate(
    profile: Profile, history: DemoHistory, server: EmulatorServer, secrets: SecretStore
) -> dict[str, int]:
    """Create the accounts (exchange ones through the app's own service) and the history."""
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import (
        ExchangeAccountError,
        create_exchange_account,
    )

    store = profile.open_store()
    try:
        ids = add_manual_accounts(store, history.specs)
        for spec in history.specs:
            if spec.exchange_id is None:
                continue
            emulator = server.emulators[spec.exchange_id]
            try:
                account = create_exchange_account(
                    store,
                    secrets,
                    name=EXCHANGE_NAMES[spec.exchange_id],
                    exchange_id=spec.exchange_id,
                    credentials=emulator.account.credentials(),
                    connection=ConnectionOptions(
                        api_url=emulator.base_url, timeout_seconds=DEMO_TIMEOUT_SECONDS
                    ),
                )
            except ExchangeAccountError as exc:
                raise DemoError(f"the demo's {spec.name} account could not be added: {exc}") from None
            ids[spec.key] = account.id
        write_demo_history(store, history, ids)
    finally:
        store.close()
    return ids
