"""Fixtures shared by the whole suite.

* ``data_dir``: an empty profile folder in tmp_path.
* ``store``: a migrated ProfileStore on a real SQLite file in ``data_dir``.
* ``isolated_config_dir`` (automatic): ``EXPOSURE_APP_CONFIG_DIR`` points at a
  scratch folder, so the chosen data folder of the machine is never used.
* ``run_cli``: runs ``python -m exposure_app --data-dir DIR ...`` in a
  subprocess (the real entry point) and returns the CompletedProcess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exposure_app.storage.store import ProfileStore

REPO_ROOT = Path(__file__).resolve().parent.parent


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Never let a CLI subprocess reach the developer's real keyring.
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    env.pop("EXPOSURE_APP_DATA_DIR", None)
    env.update(extra)
    return env


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path_factory, monkeypatch) -> Path:
    """A scratch config folder: no test reads or writes the developer's chosen data folder."""
    path = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("EXPOSURE_APP_CONFIG_DIR", str(path))
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "profile"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir: Path):
    s = ProfileStore.open(data_dir)
    yield s
    s.close()


@pytest.fixture
def run_cli(data_dir: Path):
    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            data: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "exposure_app", "--data-dir", str(data or data_dir), *args],
            input=input,
            capture_output=True,
            text=True,
            env=cli_env(**(env or {})),
            timeout=timeout,
            cwd=REPO_ROOT,
        )

    return run
