"""The exchange tests' fixtures (in-memory keyring, emulator server, exchange accounts)."""

from tests.exchanges.conftest import (  # noqa: F401 - fixtures
    add_exchange_account,
    emulator_server,
    memory_keyring,
    memory_keyring_backend,
    secret_store,
)
