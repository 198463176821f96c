"""Damage, upgrades, full disks and read-only profiles: plain words, nothing lost.

Each failure is one line on stderr after ``error:``, exit status 1, no
traceback, and the file as it was (a damaged file is never replaced silently).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from exposure_app.storage import migrations as migrations_module
from exposure_app.storage.database_file import (
    KEEP_BACKUPS,
    DamagedDatabaseError,
    MigrationFailedError,
    list_backups,
    make_backup,
)
from exposure_app.storage.migrations import LATEST_VERSION
from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.conftest import REPO_ROOT, cli_env

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def _one_error_line(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def _profile_with_an_account(run_cli) -> None:
    assert run_cli("accounts", "add-manual", "Kept", "--custodian", "kraken").returncode == 0
    assert run_cli("holdings", "set", "Kept", "BTC", "2", "--price", "100",
                   "--date", "2024-01-01").returncode == 0


# -- 7: backups before migrating ---------------------------------------------------------------

def test_an_older_database_is_backed_up_before_it_is_upgraded(data_dir):
    old = LATEST_VERSION - 1
    ProfileStore.open(data_dir, target_version=old).close()
    with ProfileStore.open(data_dir) as store:
        assert store.user_version == LATEST_VERSION
    [backup] = list_backups(data_dir)
    assert f"schema{old}" in backup.name
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_only_the_last_backups_are_kept(data_dir):
    with ProfileStore.open(data_dir) as store:
        made = [make_backup(store.db.conn, data_dir, f"n{i}") for i in range(KEEP_BACKUPS + 3)]
    assert list_backups(data_dir) == made[::-1][:KEEP_BACKUPS]


def test_a_failed_migration_says_so_with_the_backup(data_dir, monkeypatch):
    old = LATEST_VERSION - 1
    with ProfileStore.open(data_dir, target_version=old) as store:
        store.db.execute("INSERT INTO meta (key, value) VALUES ('marker', 'before')")

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("no such column: imaginary")

    patched = list(migrations_module.MIGRATIONS)
    patched[old] = broken
    monkeypatch.setattr("exposure_app.storage.store.MIGRATIONS", patched)
    with pytest.raises(MigrationFailedError) as caught:
        ProfileStore.open(data_dir)
    message = str(caught.value)
    [backup] = list_backups(data_dir)
    assert str(backup) in message and f"schema {old}" in message and "\n" not in message
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall() == []
    conn.close()


# -- 8: an empty or unreadable file is damage, not a new profile ------------------------------

@pytest.mark.parametrize("content", [b"", b"this is not a database" * 100])
def test_an_empty_or_foreign_database_is_reported_and_kept(run_cli, data_dir, content):
    (data_dir / DB_NAME).write_bytes(content)
    line = _one_error_line(run_cli("accounts", "list"))
    assert "damaged" in line and "kept" in line and "data-folder restore" in line
    assert (data_dir / DB_NAME).read_bytes() == content


def test_restore_a_backup_or_start_anew(run_cli, data_dir):
    _profile_with_an_account(run_cli)
    with ProfileStore.open(data_dir) as store:
        backup = make_backup(store.db.conn, data_dir, "manual")
    (data_dir / DB_NAME).write_bytes(b"")
    listed = run_cli("data-folder", "backups")
    assert str(backup) in listed.stdout
    line = _one_error_line(run_cli("holdings", "list"))
    assert str(backup) in line
    restored = run_cli("data-folder", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    kept = list(data_dir.glob(f"{DB_NAME}.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b""
    rows = json.loads(run_cli("holdings", "list", "--json").stdout)["holdings"]
    assert [(r["account"], r["asset"], r["total"]) for r in rows] == [("Kept", "BTC", "2")]
    # a damaged backup is refused and changes nothing
    bad = data_dir / "backups" / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 1000)
    refused = run_cli("data-folder", "restore", str(bad))
    assert "damaged" in _one_error_line(refused)
    assert json.loads(run_cli("holdings", "list", "--json").stdout)["holdings"] == rows
    # starting anew keeps the old file too
    started = run_cli("data-folder", "start-anew")
    assert started.returncode == 0, started.stderr
    assert len(list(data_dir.glob(f"{DB_NAME}.damaged-*"))) == 2
    assert json.loads(run_cli("accounts", "list", "--json").stdout)["accounts"] == []


# -- 12: flipped bytes ---------------------------------------------------------------------------

def _flip_page_headers(path, page_size: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(page_size, len(data), page_size):   # every page but the first
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_flipped_bytes_are_reported_as_damage_on_every_command(run_cli, data_dir):
    _profile_with_an_account(run_cli)
    _flip_page_headers(data_dir / DB_NAME)
    for args in (("accounts", "list"), ("holdings", "list"), ("exposure",)):
        line = _one_error_line(run_cli(*args))
        assert "damaged" in line and "data-folder restore" in line


def test_after_an_unclean_shutdown_the_file_is_checked_when_opened(run_cli, data_dir):
    _profile_with_an_account(run_cli)
    # a writer that dies without closing leaves its -wal file behind
    script = ("import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
              "c.execute('INSERT INTO meta (key, value) VALUES (\"crash\", \"1\")'); c.commit(); "
              "os._exit(0)")
    subprocess.run([sys.executable, "-c", script, str(data_dir / DB_NAME)], check=True)
    assert (data_dir / f"{DB_NAME}-wal").stat().st_size > 0
    _flip_page_headers(data_dir / DB_NAME)
    with pytest.raises(DamagedDatabaseError, match="quick_check"):
        ProfileStore.open(data_dir)
    line = _one_error_line(run_cli("accounts", "list"))
    assert "quick_check" in line and "damaged" in line


# -- 13: a full disk and a read-only profile ----------------------------------------------------

def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_one_line_and_loses_nothing(run_cli, data_dir, tmp_path):
    _profile_with_an_account(run_cli)
    before = json.loads(run_cli("holdings", "list", "--json").stdout)["holdings"]
    rows = "".join(f"2024-02-01,Kept,T{i},{i + 1}\n" for i in range(3000))
    big = tmp_path / "big.csv"
    big.write_text("date,account,asset,amount\n" + rows, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir), "import", "holdings",
         str(big)], capture_output=True, text=True, env=cli_env(), cwd=REPO_ROOT, timeout=120,
        preexec_fn=_limit_file_size(64 * 1024))
    line = _one_error_line(result)
    assert "full" in line and "nothing stored before was lost" in line
    assert json.loads(run_cli("holdings", "list", "--json").stdout)["holdings"] == before
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _unavailable(reason: str) -> None:
    """Skip on a developer's machine; in CI (``CI=true``, where tests run as root) fail."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def _as_nobody(argv: list[str], data_dir) -> subprocess.CompletedProcess[str]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        _unavailable("needs root and setpriv to run the CLI as an unprivileged user")
    env = cli_env(HOME=str(data_dir.parent), EXPOSURE_APP_CONFIG_DIR=str(data_dir.parent / "cfg"))
    return subprocess.run(
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
         "exposure_app", "--data-dir", str(data_dir), *argv],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120)


@pytest.fixture
def shared_profile():
    """A profile folder any user can reach (pytest's tmp folders are root-only)."""
    root = Path(tempfile.mkdtemp(prefix="exposure-ro-"))
    os.chmod(root, 0o755)
    try:
        yield root / "profile"
    finally:
        for path in (root / "profile", root / "profile" / DB_NAME):
            if path.exists():
                os.chmod(path, 0o700)
        shutil.rmtree(root)


@pytest.fixture
def kept_profile(run_cli, shared_profile):
    """``shared_profile`` with one manual account, "Kept", holding 2 BTC at 100."""
    assert run_cli("accounts", "add-manual", "Kept", "--custodian", "kraken",
                   data=shared_profile).returncode == 0
    assert run_cli("holdings", "set", "Kept", "BTC", "2", "--price", "100", "--date",
                   "2024-01-01", data=shared_profile).returncode == 0
    return shared_profile


def test_a_read_only_profile_opens_for_reading_and_refuses_changes(run_cli, kept_profile):
    profile = kept_profile
    expected = json.loads(run_cli("holdings", "list", "--json", data=profile).stdout)["holdings"]
    os.chmod(profile, 0o555)            # read-only to everyone but root
    os.chmod(profile / DB_NAME, 0o444)
    read = _as_nobody(["holdings", "list", "--json"], profile)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["holdings"] == expected
    write = _as_nobody(["holdings", "set", "Kept", "ETH", "1"], profile)
    line = _one_error_line(write)
    assert "read-only" in line and "nothing was changed" in line
    os.chmod(profile, 0o700)
    os.chmod(profile / DB_NAME, 0o600)
    assert json.loads(run_cli("holdings", "list", "--json",
                              data=profile).stdout)["holdings"] == expected


def test_the_desktop_app_opens_a_read_only_profile_to_look_at(kept_profile):
    profile = kept_profile
    before = (profile / DB_NAME).read_bytes()
    os.chmod(profile, 0o555)
    os.chmod(profile / DB_NAME, 0o444)
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        _unavailable("needs root and setpriv to run the app as an unprivileged user")
    env = cli_env(HOME=str(profile.parent), QT_QPA_PLATFORM="offscreen",
                  EXPOSURE_APP_CONFIG_DIR=str(profile.parent / "cfg"),
                  XDG_RUNTIME_DIR=str(profile.parent / "run"))
    result = subprocess.run(
        [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
         "tests.hardening.gui_read_only_probe", "--data-dir", str(profile)],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    seen = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert "read-only" in seen[0]["dialog"]
    assert seen[-1]["window"].endswith("(read-only)")
    assert seen[-1]["accounts"] == ["Kept"] and seen[-1]["holdings"] == 1
    os.chmod(profile, 0o700)
    os.chmod(profile / DB_NAME, 0o600)
    assert (profile / DB_NAME).read_bytes() == before
