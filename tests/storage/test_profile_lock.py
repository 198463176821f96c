from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from exposure_app.storage.errors import ProfileLockedError
from exposure_app.storage.profile_lock import ProfileLock
from tests.conftest import REPO_ROOT, cli_env

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from exposure_app.storage.profile_lock import ProfileLock
    lock = ProfileLock(Path(sys.argv[1]))
    lock.acquire()
    print("locked", flush=True)
    time.sleep(60)
    """
)


def test_second_process_gets_a_clear_message_and_lock_dies_with_its_owner(data_dir):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data_dir)], stdout=subprocess.PIPE,
                              text=True, env=cli_env(), cwd=REPO_ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(ProfileLockedError, match=rf"in use by another Exposure process \(pid {holder.pid}\)"):
            ProfileLock(data_dir).acquire()
    finally:
        holder.kill()
        holder.wait()
    # The OS released the dead process's lock: no stale lock file blocks us.
    with ProfileLock(data_dir) as lock:
        assert lock.held


def test_cli_write_while_profile_locked_fails_cleanly(data_dir, run_cli):
    with ProfileLock(data_dir):
        result = run_cli("accounts", "add-wallet", "Ledger")
    assert result.returncode == 1
    assert "in use by another Exposure process" in result.stderr
    assert "Traceback" not in result.stderr
    listed = run_cli("accounts", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout)["accounts"] == []
