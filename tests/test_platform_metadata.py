"""The macOS bundle's Info.plist and the Windows version resource (``packaging/platform_metadata.py``).

Neither platform's build can run on Linux, and PyInstaller's version-resource
classes load only on Windows, so these tests check the data the spec feeds
them: that it agrees with the app's id, name and version, that the plist
serialises, and that every version the project may carry gives the four
numbers Windows requires.
"""

from __future__ import annotations

import importlib.util
import plistlib
from pathlib import Path

import pytest

import exposure_app

PACKAGING = Path(__file__).resolve().parent.parent / "packaging"


def _metadata():
    spec = importlib.util.spec_from_file_location("platform_metadata", PACKAGING / "platform_metadata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2.0rc1", (1, 2, 0, 0)),
        ("2.3", (2, 3, 0, 0)),
        ("1.0.0.post2", (1, 0, 0, 0)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
        ("3.0.0+local.7", (3, 0, 0, 0)),
    ],
)
def test_windows_version_numbers_come_from_the_release_part(version, numbers) -> None:
    assert _metadata().version_numbers(version) == numbers


@pytest.mark.parametrize("version", ["dev", "", "70000.1.0"])
def test_versions_windows_cannot_carry_are_refused(version) -> None:
    with pytest.raises(ValueError):
        _metadata().version_numbers(version)


def test_the_apps_own_version_fits_a_windows_resource() -> None:
    numbers = _metadata().version_numbers(exposure_app.__version__)
    assert ".".join(str(n) for n in numbers[:3]) == exposure_app.__version__


def test_windows_strings_name_the_console_executable_and_the_version() -> None:
    strings = _metadata().windows_strings(exposure_app.APP_NAME, "exposure-app", exposure_app.__version__)
    assert strings["OriginalFilename"] == "exposure-app.exe"
    assert strings["ProductName"] == exposure_app.APP_NAME
    assert strings["FileVersion"] == strings["ProductVersion"] == exposure_app.__version__
    # Explorer's Details tab shows these; an empty one shows as blank.
    for key in ("CompanyName", "FileDescription", "LegalCopyright", "InternalName"):
        assert strings[key].strip()
    assert all(isinstance(v, str) for v in strings.values())


def test_macos_info_plist_serialises_and_matches_the_app() -> None:
    info = _metadata().macos_info_plist(exposure_app.APP_NAME, exposure_app.APP_ID, exposure_app.__version__)
    for fmt in (plistlib.FMT_XML, plistlib.FMT_BINARY):
        assert plistlib.loads(plistlib.dumps(info, fmt=fmt)) == info
    assert info["CFBundleIdentifier"] == exposure_app.APP_ID  # same id as the desktop entry and keyring
    assert info["CFBundleExecutable"] == exposure_app.APP_NAME  # the windowed executable the spec builds
    assert info["CFBundleShortVersionString"] == exposure_app.__version__
    assert info["NSRequiresAquaSystemAppearance"] is False
    assert info["NSHighResolutionCapable"] is True
    minimum = tuple(int(n) for n in info["LSMinimumSystemVersion"].split("."))
    assert minimum >= (12, 0)
    readme = (PACKAGING / "README.md").read_text(encoding="utf-8")
    assert f"`LSMinimumSystemVersion`\n{info['LSMinimumSystemVersion']}" in readme


def test_the_spec_builds_its_platform_metadata_from_this_module() -> None:
    spec = (PACKAGING / "exposure-app.spec").read_text(encoding="utf-8")
    assert "info_plist=macos_info_plist(APP_NAME, APP_ID, __version__)" in spec
    assert "version_numbers(__version__)" in spec
    assert "windows_strings(APP_NAME, EXE_NAME, __version__)" in spec
    assert (PACKAGING / "macos" / "exposure.icns").is_file()
    assert (PACKAGING / "windows" / "exposure.ico").is_file()
