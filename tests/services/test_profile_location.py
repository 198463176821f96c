"""Choosing and moving the profile's folder (``services.profile_location``), on real files."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.profile import ENV_DATA_DIR, default_data_dir
from exposure_app.services.profile_location import (
    LOCATION_FILE,
    ProfileLocationError,
    chosen_data_dir,
    move_profile,
    record_choice,
)
from exposure_app.services.settings import Settings
from exposure_app.storage.store import DB_NAME, ProfileStore


def _populated(data_dir):
    store = ProfileStore.open(data_dir)
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, ledger, "BTC", Decimal("0.5"), price=Decimal(60000))
    settings = Settings.load(data_dir)
    settings.set("base_currency", "EUR")
    settings.save()
    (data_dir / "logs").mkdir()
    (data_dir / "logs" / "exposure.log").write_text("log line\n")
    return store


def test_the_choice_is_read_back_and_bad_files_are_ignored(isolated_config_dir, tmp_path):
    assert chosen_data_dir() is None
    record_choice(tmp_path / "elsewhere")
    assert chosen_data_dir() == tmp_path / "elsewhere"
    (isolated_config_dir / LOCATION_FILE).write_text("{not json")
    assert chosen_data_dir() is None
    (isolated_config_dir / LOCATION_FILE).write_text(json.dumps({"data_dir": "relative/path"}))
    assert chosen_data_dir() is None
    record_choice(None)
    assert not (isolated_config_dir / LOCATION_FILE).exists()


def test_data_dir_flag_then_environment_then_choice_then_platform(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    platform_default = default_data_dir()
    assert platform_default.name == "Exposure"
    record_choice(tmp_path / "chosen")
    assert default_data_dir() == tmp_path / "chosen"
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert default_data_dir() == tmp_path / "env"
    monkeypatch.delenv(ENV_DATA_DIR)
    record_choice(None)
    assert default_data_dir() == platform_default


def test_moving_copies_the_profile_and_leaves_the_old_one_as_it_was(data_dir, tmp_path):
    store = _populated(data_dir)
    try:
        before = store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0]
        target = tmp_path / "new home"
        result = move_profile(data_dir, target)      # while the profile is open
    finally:
        store.close()
    assert result.copied and result.data_dir == target
    assert chosen_data_dir() == target
    copy = ProfileStore.open(target)
    try:
        assert [a.name for a in copy.accounts.list()] == ["Ledger"]
        assert copy.db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == before
    finally:
        copy.close()
    assert Settings.load(target).base_currency == "EUR"
    assert not (target / "logs").exists()                  # logs and the lock stay behind
    assert not (target / (DB_NAME + ".partial")).exists()
    assert (data_dir / DB_NAME).exists() and (data_dir / "logs" / "exposure.log").exists()


def test_a_folder_holding_a_profile_is_used_as_it_is(data_dir, tmp_path):
    _populated(data_dir).close()
    other = tmp_path / "other"
    ProfileStore.open(other).close()
    size = (other / DB_NAME).stat().st_size
    result = move_profile(data_dir, other)
    assert not result.copied and chosen_data_dir() == other
    assert (other / DB_NAME).stat().st_size == size       # nothing copied over it


def test_a_profile_from_a_newer_version_is_refused(data_dir, tmp_path):
    _populated(data_dir).close()
    newer = tmp_path / "newer"
    ProfileStore.open(newer).close()
    conn = sqlite3.connect(newer / DB_NAME)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(ProfileLocationError, match="newer version of Exposure"):
        move_profile(data_dir, newer)
    assert chosen_data_dir() is None


@pytest.mark.parametrize("case", ["not empty", "same", "inside", "a file"])
def test_folders_that_cannot_take_the_profile_change_nothing(data_dir, tmp_path, case):
    _populated(data_dir).close()
    if case == "not empty":
        target = tmp_path / "photos"
        target.mkdir()
        (target / "cat.jpg").write_bytes(b"jpeg")
        words = "not empty"
    elif case == "same":
        target, words = data_dir, "already"
    elif case == "inside":
        target, words = data_dir / "sub", "inside"
    else:
        target = tmp_path / "file.txt"
        target.write_text("x")
        words = "is a file"
    with pytest.raises(ProfileLocationError, match=words):
        move_profile(data_dir, target)
    assert chosen_data_dir() is None
    if case == "not empty":
        assert sorted(p.name for p in target.iterdir()) == ["cat.jpg"]
    if case == "inside":
        assert not target.exists()


def test_a_chosen_folder_without_a_profile_is_refused_and_left_empty(tmp_path, monkeypatch):
    from exposure_app.services.profile import ChosenFolderMissingError, Profile

    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    unplugged = tmp_path / "media" / "vault"          # a drive's mount point, drive not there
    unplugged.mkdir(parents=True)
    record_choice(unplugged)
    profile = Profile.resolve()
    assert profile.data_dir == unplugged and profile.chosen and profile.missing
    with pytest.raises(ChosenFolderMissingError, match="is its drive connected"):
        profile.open_store()
    assert list(unplugged.iterdir()) == []            # nothing created there
    # once the profile is there again, it opens
    ProfileStore.open(unplugged).close()
    assert not Profile.resolve().missing
    # an explicit --data-dir is never "missing": a new profile may start there
    assert not Profile.resolve(tmp_path / "fresh").missing


def _exchange_account(store, secret_store, name="Binance"):
    from exposure_app.storage.secrets import new_secret_ref

    ref = new_secret_ref()
    secret_store.save(ref, {"apiKey": f"{name}-key", "secret": f"{name}-secret"})
    return store.accounts.add(name, AccountKind.EXCHANGE_API, counterparty="binance",
                              exchange_id="binance", options={"secret_ref": ref}), ref


def test_a_key_both_copies_use_stays_until_the_last_copy_removes_its_account(data_dir, tmp_path):
    from exposure_app.services.accounts import remove_account_everywhere
    from exposure_app.services.profile_location import profile_copies
    from exposure_app.storage.secrets import SERVICE_NAME, SecretStore, memory_keyring

    backend = memory_keyring()
    secrets = SecretStore(backend)
    store = ProfileStore.open(data_dir)
    try:
        account, ref = _exchange_account(store, secrets)
        target = tmp_path / "vault"
        move_profile(data_dir, target)
        assert profile_copies() == [data_dir.resolve(), target.resolve()]
        # removed in the old copy: the new one still refers to the key, so it stays
        removal = remove_account_everywhere(store, account, secrets)
        assert removal.key_kept_for == target.resolve()
        assert (SERVICE_NAME, ref) in backend.entries
        assert store.accounts.find("Binance") is None
    finally:
        store.close()
    copy = ProfileStore.open(target)
    try:
        moved = copy.accounts.by_name("Binance")
        assert secrets.load(ref)["apiKey"] == "Binance-key"      # the copy's account still works
        # removed in the last copy that uses it: the entry goes
        assert remove_account_everywhere(copy, moved, secrets).key_kept_for is None
        assert (SERVICE_NAME, ref) not in backend.entries
    finally:
        copy.close()


def test_a_deleted_copy_uses_nothing_and_an_unreadable_one_keeps_the_key(data_dir, tmp_path):
    from exposure_app.services.accounts import remove_account_everywhere
    from exposure_app.storage.secrets import SERVICE_NAME, SecretStore, memory_keyring

    backend = memory_keyring()
    secrets = SecretStore(backend)
    store = ProfileStore.open(data_dir)
    try:
        first, first_ref = _exchange_account(store, secrets, "First")
        second, second_ref = _exchange_account(store, secrets, "Second")
        target = tmp_path / "vault"
        move_profile(data_dir, target)
        (target / DB_NAME).write_bytes(b"not a database, " * 512)
        assert remove_account_everywhere(store, first, secrets).key_kept_for == target.resolve()
        assert (SERVICE_NAME, first_ref) in backend.entries
        import shutil

        shutil.rmtree(target)                                 # the user deleted the copy
        assert remove_account_everywhere(store, second, secrets).key_kept_for is None
        assert (SERVICE_NAME, second_ref) not in backend.entries
    finally:
        store.close()


def test_going_back_to_the_default_keeps_the_list_of_copies(data_dir, tmp_path):
    from exposure_app.services.profile_location import profile_copies

    _populated(data_dir).close()
    move_profile(data_dir, tmp_path / "a")
    record_choice(None)
    assert chosen_data_dir() is None
    assert profile_copies() == [data_dir.resolve(), (tmp_path / "a").resolve()]
    move_profile(tmp_path / "a", tmp_path / "b")              # a second move adds only the new one
    assert profile_copies() == [data_dir.resolve(), (tmp_path / "a").resolve(),
                                (tmp_path / "b").resolve()]
