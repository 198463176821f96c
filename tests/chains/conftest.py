"""Fixtures for the watch-only tests (the chain emulators run on ``emulator_server``,
shared with every other test in tests/conftest.py)."""

from __future__ import annotations

import pytest

from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import SyncService
from exposure_app.storage.secrets import SecretStore, memory_keyring


@pytest.fixture
def service(data_dir):
    """A sync service on the test's profile, keys in memory; shut down after the test."""
    svc = SyncService(Profile(data_dir), secret_store=SecretStore(memory_keyring()),
                      account_timeout=10)
    yield svc
    svc.shutdown()
