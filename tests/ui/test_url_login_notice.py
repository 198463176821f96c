"""The window's notices say when a login an older version kept inside a URL could not move
to the keyring (the keyring refused it when the profile was opened)."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

from exposure_app.domain.models import AccountKind
from exposure_app.services.profile import Profile
from exposure_app.storage.store import ProfileStore


class LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service, username):
        raise KeyringLocked("the keyring is locked")

    def set_password(self, service, username, password):
        raise KeyringLocked("the keyring is locked")

    def delete_password(self, service, username):
        raise KeyringLocked("the keyring is locked")


@pytest.fixture
def locked_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_a_login_left_in_the_database_is_a_notice_in_the_window(qtbot, data_dir, locked_keyring):
    from exposure_app.ui.view_state import ViewState

    with ProfileStore.open(data_dir) as store:
        store.accounts.add("Kraken", AccountKind.EXCHANGE_API, counterparty="kraken",
                           exchange_id="kraken",
                           options={"api_url": "http://u:pw-left-behind@127.0.0.1:9",
                                    "secret_ref": "account-test", "timeout_seconds": 5.0})
    view = ViewState(Profile(data_dir))
    try:
        [notice] = [p for p in view.data.problems if "keyring" in p]
    finally:
        view.close()
    assert "'Kraken'" in notice and "still in the profile's database" in notice
    with ProfileStore.open(data_dir) as store:       # the login was not lost
        options = json.loads(store.db.execute("SELECT options FROM accounts").fetchone()[0])
    assert options["api_url"] == "http://u:pw-left-behind@127.0.0.1:9"
