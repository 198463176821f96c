"""``data-folder show | move | reset`` through the real CLI entry, and the next start
(no ``--data-dir``) opening the moved profile."""

from __future__ import annotations

import io
import json

import pytest

from exposure_app.cli.main import run_cli
from exposure_app.services.profile import ENV_DATA_DIR

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_move_then_the_next_start_opens_the_new_folder(data_dir, tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    assert _cli("--data-dir", str(data_dir), "accounts", "add-wallet", "Ledger")[0] == 0
    target = tmp_path / "moved"
    code, out, err = _cli("--data-dir", str(data_dir), "data-folder", "move", str(target))
    assert code == 0, err
    assert f"copied this profile to {target}" in out
    assert "same API keys" in err
    code, out, _ = _cli("data-folder", "show", "--json")           # no --data-dir: the choice
    assert json.loads(out) == {"schema": 1, "in_use": str(target), "chosen_default": str(target)}
    code, out, _ = _cli("accounts", "list", "--json")
    assert code == 0 and [a["account"] for a in json.loads(out)["accounts"]] == ["Ledger"]
    # the environment variable still wins, and says so
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    code, out, _ = _cli("data-folder", "show", "--json")
    assert json.loads(out)["in_use"] == str(tmp_path / "env")
    monkeypatch.delenv(ENV_DATA_DIR)
    code, out, _ = _cli("data-folder", "reset")
    assert code == 0 and "platform's data folder is the default again" in out
    code, out, _ = _cli("data-folder", "show", "--json")
    assert json.loads(out)["chosen_default"] is None


def test_a_folder_that_cannot_take_the_profile_is_a_clear_error(data_dir, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    code, _, err = _cli("--data-dir", str(data_dir), "data-folder", "move", str(busy))
    assert code == 1 and "not empty and holds no Exposure profile" in err
    code, out, _ = _cli("--data-dir", str(data_dir), "data-folder", "show", "--json")
    assert json.loads(out)["chosen_default"] is None


def test_a_chosen_folder_whose_drive_is_gone_stops_commands_but_not_reset(tmp_path, monkeypatch):
    from exposure_app.services.profile_location import record_choice

    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    gone = tmp_path / "vault"
    gone.mkdir()
    record_choice(gone)
    code, _, err = _cli("accounts", "add-wallet", "Ledger")
    assert code == 1 and "holds no Exposure profile" in err and "data-folder reset" in err
    code, _, err = _cli("accounts", "list")
    assert code == 1 and "is its drive connected" in err
    assert list(gone.iterdir()) == []
    code, out, _ = _cli("data-folder", "show", "--json")
    assert code == 0 and json.loads(out)["chosen_default"] == str(gone)
    assert _cli("data-folder", "reset")[0] == 0


def test_removing_an_account_in_the_old_copy_keeps_the_key_without_touching_the_keyring(
        data_dir, tmp_path, monkeypatch):
    import keyring
    from keyring.backends import fail

    from exposure_app.domain.models import AccountKind
    from exposure_app.storage.store import ProfileStore

    with ProfileStore.open(data_dir) as store:
        store.accounts.add("Binance", AccountKind.EXCHANGE_API, counterparty="binance",
                           exchange_id="binance", options={"secret_ref": "shared-ref"})
    target = tmp_path / "moved"
    assert _cli("--data-dir", str(data_dir), "data-folder", "move", str(target))[0] == 0
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())       # any keyring call would fail the removal
    try:
        code, _, err = _cli("--data-dir", str(data_dir), "accounts", "remove", "Binance", "--yes")
    finally:
        keyring.set_keyring(previous)
    assert code == 0, err
    assert f"stays in the keyring: the copy of this profile in {target.resolve()}" in err
    code, out, _ = _cli("--data-dir", str(target), "accounts", "list", "--json")
    assert [a["account"] for a in json.loads(out)["accounts"]] == ["Binance"]
