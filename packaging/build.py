"""Build Exposure as a one-folder app for this platform, then self-test it.

Steps:

1. PyInstaller with ``packaging/exposure-app.spec`` into ``dist/exposure-app``
   (``dist/Exposure.app`` as well on macOS);
2. on Linux, symbols stripped from the bundled libraries, and the desktop
   integration (``.desktop`` entry, AppStream metainfo, hicolor icons)
   staged in ``dist/exposure-app/share`` and validated when
   ``desktop-file-validate`` / ``appstreamcli`` are installed;
3. ``exposure-app --self-test`` run on the frozen binary with
   ``QT_QPA_PLATFORM=offscreen`` and the bundle made read-only; the build
   fails if the self-test fails or if anything in the bundle changed (the app
   must run from a read-only install location);
4. the bundle's size and the build time printed.

On Linux, step 1 also rebuilds ICU's data library without the data Qt
never reads (``icu_trim.py``, needs ``icupkg``); without ``icupkg`` the build
stops with a message, unless ``--full-icu`` asks for the untrimmed library.
And on Linux PyInstaller runs in ``build/bundle-env``, whose numpy is built
without BLAS (``bundle_env.py``; 28 MB less); ``--numpy-with-blas`` runs it in
the current environment instead.

Usage: ``python packaging/build.py [--dist DIR] [--work DIR] [--no-self-test] [--full-icu]
[--numpy-with-blas]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))
from bundle_env import BundleEnvError, ensure_bundle_env  # noqa: E402  (sibling module)

SPEC = PACKAGING / "exposure-app.spec"
APP_ID = "io.github.exposure_app.Exposure"
BUNDLE_NAME = "exposure-app"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: Set to "1" (``--full-icu``) to bundle ICU's data library untrimmed (see icu_trim.py).
FULL_ICU_ENV = "EXPOSURE_FULL_ICU"


class BuildError(RuntimeError):
    pass


def executable(bundle: Path) -> Path:
    return bundle / ("exposure-app.exe" if sys.platform == "win32" else "exposure-app")


def tree_size(path: Path) -> int:
    """Bytes used by regular files under ``path`` (symlinks not followed)."""
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def tree_state(path: Path) -> dict[str, tuple[int, int]]:
    """Every entry's size and modification time, to detect writes into the bundle."""
    state = {}
    for p in sorted(path.rglob("*")):
        st = p.lstat()
        state[str(p.relative_to(path))] = (st.st_size, st.st_mtime_ns)
    return state


def run_pyinstaller(dist: Path, work: Path, *, python: Path | None = None, full_icu: bool = False) -> None:
    command = [
        str(python or sys.executable), "-m", "PyInstaller", "--noconfirm", "--clean",
        "--distpath", str(dist), "--workpath", str(work), str(SPEC),
    ]  # fmt: skip
    env = dict(os.environ)
    env.pop(FULL_ICU_ENV, None)
    if full_icu:
        env[FULL_ICU_ENV] = "1"
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def strip_linux_binaries(bundle: Path) -> int:
    """Strip symbols from the bundled ELF libraries; returns the bytes saved.

    PyInstaller's own ``strip`` option is all or nothing and corrupts the
    auditwheel-patched libraries in ``*.libs`` folders (numpy's OpenBLAS then
    fails with "ELF load command address/offset not page-aligned"), so this
    strips everything else. The executables at the top of the bundle carry the
    app's archive after the ELF image and are never touched.
    """
    strip = shutil.which("strip")
    if strip is None:
        print("note: strip not installed; the bundle keeps its symbols", flush=True)
        return 0
    internal = bundle / "_internal"
    saved = 0
    for path in sorted(internal.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        if any(part.endswith(".libs") for part in path.relative_to(internal).parts):
            continue
        with path.open("rb") as fh:
            if fh.read(4) != b"\x7fELF":
                continue
        before = path.stat().st_size
        subprocess.run([strip, "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def stage_linux_desktop_files(bundle: Path) -> Path:
    """``share/`` with the .desktop entry, metainfo and icons, laid out like /usr/share."""
    share = bundle / "share"
    (share / "applications").mkdir(parents=True, exist_ok=True)
    (share / "metainfo").mkdir(parents=True, exist_ok=True)
    shutil.copy2(PACKAGING / "linux" / f"{APP_ID}.desktop", share / "applications")
    shutil.copy2(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml", share / "metainfo")
    icons = ROOT / "resources" / "icons" / "app"
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copy2(icons / "exposure.svg", scalable / f"{APP_ID}.svg")
    for size in HICOLOR_SIZES:
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icons / f"exposure-{size}.png", target / f"{APP_ID}.png")
    return share


def validate_linux_desktop_files(share: Path) -> None:
    checks = [
        ("desktop-file-validate", [str(share / "applications" / f"{APP_ID}.desktop")]),
        ("appstreamcli", ["validate", "--no-net", str(share / "metainfo" / f"{APP_ID}.metainfo.xml")]),
    ]  # fmt: skip
    for tool, args in checks:
        if shutil.which(tool) is None:
            print(f"note: {tool} not installed; skipped validating with it", flush=True)
            continue
        result = subprocess.run([tool, *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(f"{tool} rejected the file:\n{result.stdout}{result.stderr}")
        print(f"{tool}: ok", flush=True)


def _set_writable(path: Path, writable: bool) -> None:
    entries = [path, *path.rglob("*")]
    for p in entries:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        if writable:
            mode |= stat.S_IWUSR
        else:
            mode &= ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        os.chmod(p, mode)


def self_test(bundle: Path) -> str:
    """Run ``--self-test`` on the frozen app from a read-only bundle; return its output.

    A scratch HOME and data folder keep the run away from the builder's own
    profile and keyring configuration. The bundle is made read-only for the
    run (effective for a non-root builder) and compared before and after
    (effective for everyone).
    """
    exe = executable(bundle)
    if not exe.exists():
        raise BuildError(f"no executable at {exe}")
    with tempfile.TemporaryDirectory(prefix="exposure-selftest-home-") as home:
        env = dict(os.environ)
        env.update(
            QT_QPA_PLATFORM="offscreen",
            HOME=home,
            XDG_CONFIG_HOME=str(Path(home) / ".config"),
            XDG_DATA_HOME=str(Path(home) / ".local" / "share"),
            XDG_CACHE_HOME=str(Path(home) / ".cache"),
            EXPOSURE_APP_DATA_DIR=str(Path(home) / "profile"),
        )
        before = tree_state(bundle)
        _set_writable(bundle, False)
        try:
            result = subprocess.run(
                [str(exe), "--self-test"], env=env, capture_output=True, text=True, timeout=300
            )
        finally:
            _set_writable(bundle, True)
        after = tree_state(bundle)
    output = result.stdout + result.stderr
    print(output, flush=True)
    if result.returncode != 0:
        raise BuildError(f"the frozen app's self-test failed (exit {result.returncode})")
    changed = sorted(set(before.items()) ^ set(after.items()))
    if changed:
        names = sorted({name for name, _ in changed})
        raise BuildError(f"the self-test wrote into the bundle: {', '.join(names[:20])}")
    return output


def build(
    dist: Path,
    work: Path,
    *,
    run_self_test: bool = True,
    full_icu: bool = False,
    numpy_with_blas: bool = False,
) -> Path:
    started = time.monotonic()
    python = None
    if sys.platform.startswith("linux") and not numpy_with_blas:
        python = ensure_bundle_env()
    elif sys.platform.startswith("linux"):
        print("WARNING: --numpy-with-blas: bundling the installed numpy with its OpenBLAS", flush=True)
    env_ready = time.monotonic()
    run_pyinstaller(dist, work, python=python, full_icu=full_icu)
    bundle = dist / BUNDLE_NAME
    built = time.monotonic() - env_ready
    if sys.platform.startswith("linux"):
        saved = strip_linux_binaries(bundle)
        print(f"strip: saved {saved / 1_000_000:.1f} MB", flush=True)
        validate_linux_desktop_files(stage_linux_desktop_files(bundle))
    if run_self_test:
        self_test(bundle)
    size_mb = tree_size(bundle) / 1_000_000
    print(
        f"bundle: {bundle} ({size_mb:.1f} MB); build environment took {env_ready - started:.0f} s,"
        f" PyInstaller {built:.0f} s",
        flush=True,
    )
    return bundle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller", help="scratch folder")
    parser.add_argument("--no-self-test", action="store_true", help="skip the self-test")
    parser.add_argument(
        "--full-icu",
        action="store_true",
        help="Linux: bundle ICU's data library untrimmed (for build machines without icupkg)",
    )
    parser.add_argument(
        "--numpy-with-blas",
        action="store_true",
        help="Linux: bundle the installed numpy with its OpenBLAS instead of one built without BLAS",
    )
    args = parser.parse_args(argv)
    try:
        build(
            args.dist.resolve(),
            args.work.resolve(),
            run_self_test=not args.no_self_test,
            full_icu=args.full_icu,
            numpy_with_blas=args.numpy_with_blas,
        )
    except (BuildError, BundleEnvError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
