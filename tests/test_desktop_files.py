"""Linux desktop integration: the .desktop entry and AppStream metainfo.

The validators come from the ``desktop-file-utils`` and ``appstream`` Debian
packages. Without them these tests skip, unless ``EXPOSURE_REQUIRE_VALIDATORS=1``
(set in CI), where a missing validator is a failure.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from exposure_app import APP_ID, APP_NAME, __version__

REPO_ROOT = Path(__file__).resolve().parent.parent
LINUX = REPO_ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def _validator(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("EXPOSURE_REQUIRE_VALIDATORS") == "1":
            pytest.fail(f"{tool} is required (EXPOSURE_REQUIRE_VALIDATORS=1) but not installed")
        pytest.skip(f"{tool} not installed (apt-get install desktop-file-utils appstream)")
    return path


def test_desktop_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        [_validator("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True
    )
    # desktop-file-validate exits 0 with hints on stdout; treat any output as a finding.
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_metainfo_passes_appstreamcli_validate() -> None:
    result = subprocess.run(
        [_validator("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_desktop_entry_matches_the_app() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Name"] == APP_NAME
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == "exposure-app"  # the console script / frozen binary


def test_metainfo_matches_the_app_and_this_release() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.find("launchable").text == DESKTOP.name
    releases = [r.get("version") for r in root.iter("release")]
    assert __version__ in releases, "add a <release> entry for the current version"


def _build_module():
    """``packaging/build.py`` is a script, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("exposure_build", LINUX.parent / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_stages_desktop_files_and_hicolor_icons(tmp_path) -> None:
    build = _build_module()
    share = build.stage_linux_desktop_files(tmp_path)
    assert (share / "applications" / DESKTOP.name).read_bytes() == DESKTOP.read_bytes()
    assert (share / "metainfo" / METAINFO.name).read_bytes() == METAINFO.read_bytes()
    hicolor = share / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in build.HICOLOR_SIZES:
        png = (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])
        assert (width, height) == (size, size)
