"""Fixtures for the demo tests.

* ``demo_history``: the generated history for a fixed seed and a fixed "now"
  (module-independent, built once per session: generation is pure).
* ``demo_store``: that history written into a real SQLite profile, with the
  exchange accounts added as plain rows (no emulators or keys are needed to
  read history).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.demo.history import (
    DEFAULT_SEED,
    DemoHistory,
    add_manual_accounts,
    generate_demo_history,
    write_demo_history,
)
from exposure_app.storage.store import ProfileStore

NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
EXCHANGES = ("binance", "okx", "kraken")


def populate(store: ProfileStore, history: DemoHistory) -> dict[str, int]:
    ids = add_manual_accounts(store, history.specs)
    for spec in history.specs:
        if spec.exchange_id is not None:
            ids[spec.key] = store.accounts.add(
                spec.name, AccountKind.EXCHANGE_API, counterparty=spec.counterparty,
                exchange_id=spec.exchange_id,
            ).id
    write_demo_history(store, history, ids)
    return ids


@pytest.fixture(scope="session")
def demo_history() -> DemoHistory:
    return generate_demo_history(DEFAULT_SEED, now=NOW, exchanges=EXCHANGES)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, demo_history):
    store = ProfileStore.open(tmp_path_factory.mktemp("demo-profile"))
    ids = populate(store, demo_history)
    store.demo_ids = ids  # type: ignore[attr-defined]
    yield store
    store.close()
