"""What the macOS bundle and the Windows executables say about themselves.

The spec turns these into PyInstaller's ``BUNDLE(info_plist=...)`` and a
``VSVersionInfo`` resource. They live here, as plain data, so the tests can
check them on any platform: PyInstaller's version-resource classes import
``win32api`` and only load on Windows, and ``BUNDLE`` runs only on macOS.

Imported by the spec and the tests only; nothing in the app uses it.
"""

from __future__ import annotations

import re

COMPANY = "The Exposure developers"
LICENCE = "GPL-3.0-or-later"
#: macOS 12 (Monterey) is the oldest release PySide6 6.11's wheels support.
MACOS_MINIMUM = "12.0"


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """The four 16-bit numbers of a Windows file version, from a PEP 440 version.

    ``0.1.0`` gives ``(0, 1, 0, 0)``; a pre-release or local suffix is dropped
    (``1.2.0rc1`` gives ``(1, 2, 0, 0)``), because Windows wants numbers only.
    """
    release = re.match(r"\d+(?:\.\d+)*", version)
    if release is None:
        raise ValueError(f"not a release version: {version!r}")
    parts = [int(part) for part in release.group(0).split(".")][:4]
    if any(part > 0xFFFF for part in parts):
        raise ValueError(f"a Windows version number is at most 65535: {version!r}")
    parts += [0] * (4 - len(parts))
    return parts[0], parts[1], parts[2], parts[3]


def windows_strings(app_name: str, exe_name: str, version: str) -> dict[str, str]:
    """The ``StringFileInfo`` entries (US English, Unicode) Explorer shows under Details."""
    return {
        "CompanyName": COMPANY,
        "FileDescription": f"{app_name}: crypto custodian exposure",
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": LICENCE,
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": app_name,
        "ProductVersion": version,
    }


def macos_info_plist(app_name: str, app_id: str, version: str) -> dict[str, object]:
    """The ``Info.plist`` keys the ``.app`` bundle gets on top of PyInstaller's own."""
    return {
        "CFBundleName": app_name,
        "CFBundleDisplayName": app_name,
        "CFBundleIdentifier": app_id,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "CFBundleExecutable": app_name,
        "CFBundlePackageType": "APPL",
        "LSApplicationCategoryType": "public.app-category.finance",
        "LSMinimumSystemVersion": MACOS_MINIMUM,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow the system dark mode
        "NSHumanReadableCopyright": f"{LICENCE}, the Exposure developers",
    }
