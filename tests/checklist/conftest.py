"""The exchange tests' ``add_exchange_account`` fixture (the keyring and emulator server
fixtures are the whole suite's)."""

from tests.exchanges.conftest import add_exchange_account  # noqa: F401 - a fixture
