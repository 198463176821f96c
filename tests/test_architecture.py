"""The layer contracts (import-linter), the lint rules (ruff) and the type checker (mypy) hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def test_import_linter_contracts_are_kept():
    result = subprocess.run([_tool("lint-imports")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_is_clean():
    result = subprocess.run([_tool("ruff"), "check", "exposure_app", "tests"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    """mypy with the configuration in pyproject.toml: strict on domain, risk, services and
    storage, the rest checked too. A type error fails the test command."""
    result = subprocess.run([_tool("mypy")], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_domain_imports_without_qt_or_ccxt():
    code = (
        "import sys\n"
        "import exposure_app.domain.exposure, exposure_app.risk.catalog, exposure_app.services.exposure_as_of\n"
        "bad = [m for m in ('PySide6', 'pyqtgraph', 'ccxt') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
