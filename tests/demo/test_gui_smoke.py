"""``python -m exposure_app --demo`` opens the window offscreen and quits cleanly.

Run as a subprocess with HOME, the XDG folders and TMPDIR pointed at empty
folders, and the keyring told to load a tripwire backend if anything ever
asks for the platform keyring: none of them may be touched.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT, cli_env

from .tripwire_keyring import MARKER_ENV


def test_demo_gui_starts_and_quits_cleanly(tmp_path):
    home = {var: tmp_path / var.lower() for var in (
        "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR",
    )}
    for path in home.values():
        path.mkdir()
    marker = tmp_path / "real-keyring-was-loaded"
    env = cli_env(
        **{var: str(path) for var, path in home.items()},
        PYTHON_KEYRING_BACKEND="tests.demo.tripwire_keyring.TripwireKeyring",
        **{MARKER_ENV: str(marker)},
        EXPOSURE_APP_QUIT_AFTER_MS="1500",
        QT_QPA_PLATFORM="offscreen",
    )
    result = subprocess.run(
        [sys.executable, "-m", "exposure_app", "--demo"],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not marker.exists(), "the demo loaded the platform keyring"
    leftovers = {var: sorted(p.relative_to(path) for p in path.rglob("*"))
                 for var, path in home.items()}
    assert all(not files for files in leftovers.values()), leftovers


def test_demo_command_runs_this_interpreter_or_the_frozen_app(monkeypatch):
    from exposure_app.ui.demo import demo_command

    assert demo_command() == [sys.executable, "-m", "exposure_app", "--demo"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert demo_command() == [sys.executable, "--demo"]
