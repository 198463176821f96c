"""Finds the data files shipped in ``resources/``.

One place decides where resources live so that the same code works from a
source checkout, an installed wheel (``exposure_app.resources`` package data)
and a PyInstaller bundle (``sys._MEIPASS/resources``).
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    try:
        from importlib.resources import files

        candidates.append(Path(str(files("exposure_app.resources"))))
    except (ModuleNotFoundError, TypeError):
        pass
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for candidate in candidates:
        if (candidate / "counterparties.json").is_file() or (candidate / "icons").is_dir():
            return candidate
    raise FileNotFoundError(
        "Exposure's resources folder was not found (looked in: "
        + ", ".join(str(c) for c in candidates)
        + ")"
    )


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource file; raises ``FileNotFoundError`` if absent."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"missing resource: {'/'.join(parts)}")
    return path


def read_resource_text(*parts: str) -> str:
    return resource_path(*parts).read_text(encoding="utf-8")
