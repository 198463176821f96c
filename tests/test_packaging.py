"""Packaging: the committed icon renderings, and (marked ``packaging``) the frozen build.

The fast tests check what the build consumes: PNG sizes, the Windows .ico and
macOS .icns containers, the dark action icons. The ``packaging`` test runs the
real build script (PyInstaller plus the frozen ``--self-test`` from a
read-only bundle); it takes a few minutes, so it only runs with ``-m packaging``.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.frozen_app_checks import check_frozen_app

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGING = REPO_ROOT / "packaging"
ICONS = REPO_ROOT / "resources" / "icons"

#: The issue's target for the Linux one-folder bundle.
LINUX_SIZE_TARGET_MB = 150


def _load(name: str):
    if str(PACKAGING) not in sys.path:   # the scripts import their sibling elf_sections
        sys.path.insert(0, str(PACKAGING))
    spec = importlib.util.spec_from_file_location(f"exposure_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_app_icon_pngs_have_their_nominal_sizes() -> None:
    render = _load("render_icons")
    for size in render.APP_SIZES:
        assert _png_size((ICONS / "app" / f"exposure-{size}.png").read_bytes()) == (size, size)


def test_dark_action_icons_are_the_light_ones_recoloured() -> None:
    render = _load("render_icons")
    light = sorted(p.name for p in (ICONS / "actions").glob("*.svg"))
    dark = sorted(p.name for p in (ICONS / "actions-dark").glob("*.svg"))
    assert light == dark and light
    for name in light:
        source = (ICONS / "actions" / name).read_text(encoding="utf-8")
        assert (ICONS / "actions-dark" / name).read_text(encoding="utf-8") == (render.dark_variant(source)), (
            f"run packaging/render_icons.py: actions-dark/{name} is stale"
        )


def test_windows_ico_holds_png_images_up_to_256() -> None:
    data = (PACKAGING / "windows" / "exposure.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = []
    for index in range(count):
        width, height, _, _, planes, bpp, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * index : 22 + 16 * index]
        )
        nominal = width or 256
        assert width == height
        assert (planes, bpp) == (1, 32)
        assert _png_size(data[offset : offset + length]) == (nominal, nominal)
        sizes.append(nominal)
    assert sizes == [16, 24, 32, 48, 64, 128, 256]


def test_macos_icns_is_well_formed() -> None:
    data = (PACKAGING / "macos" / "exposure.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    kinds, pos = {}, 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        kinds[kind] = _png_size(data[pos + 8 : pos + length])
        pos += length
    assert pos == len(data)
    assert kinds[b"ic10"] == (1024, 1024)
    assert kinds[b"icp4"] == (16, 16)


def test_ico_builder_round_trips_entries() -> None:
    render = _load("render_icons")
    fake = {16: b"\x89PNG\r\n\x1a\n" + b"\0" * 8 + struct.pack(">II", 16, 16)}
    data = render.build_ico(fake)
    assert struct.unpack("<HHH", data[:6]) == (0, 1, 1)
    offset = struct.unpack("<I", data[18:22])[0]
    assert data[offset:] == fake[16]


@pytest.mark.packaging
def test_frozen_bundle_builds_and_passes_its_self_test(tmp_path) -> None:
    import PyInstaller  # noqa: F401 - `make package-test` installs it; a missing one is a failure

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "build.py"),
         "--dist", str(tmp_path / "dist"), "--work", str(tmp_path / "work")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert "[FAIL]" not in output
    assert "[OK  ] keyring backends:" in output  # entry points survived freezing
    assert "[OK  ] icons render:" in output  # the SVG icon engine was bundled
    for library_check in ("watch-only keys", "look-alike names", "news articles", "news feeds"):
        assert f"[OK  ] {library_check}:" in output  # the libraries' data files came along
    assert "frozen=True" in output
    bundle = tmp_path / "dist" / "exposure-app"
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size_mb = sum(p.stat().st_size for p in files) / 1_000_000
    print(f"\nbundle size: {size_mb:.1f} MB, build and self-test: {elapsed:.0f} s")
    if sys.platform.startswith("linux"):
        # numpy built without BLAS (packaging/bundle_env.py): no OpenBLAS inside, linalg still right.
        assert "[OK  ] numpy: matrix product, solve and inverse correct (BLAS: none)" in output
        assert not [p.name for p in files if "openblas" in p.name.lower()]
        # OpenSSL and the C++ runtime come from the host, and the frozen ssl module found them.
        host_owned = ("libssl.so", "libcrypto.so", "libstdc++.so", "libgcc_s.so")
        assert not [p.name for p in files if p.name.startswith(host_owned)]
        assert re.search(r"\[OK  \] TLS: OpenSSL .*\((?!" + re.escape(str(bundle)) + r")/\S*libssl\.so", output)
    exe = bundle / ("exposure-app.exe" if sys.platform == "win32" else "exposure-app")
    _frozen_cli_and_gui_start(exe, tmp_path / "smoke")
    check_frozen_app(exe, tmp_path / "libraries")
    if sys.platform.startswith("linux"):
        assert (bundle / "share" / "applications" / "io.github.exposure_app.Exposure.desktop").exists()
        _frozen_app_uses_a_real_secret_service(exe, tmp_path / "home")
        # last, so that a bundle over the target still shows what works in it
        assert size_mb < LINUX_SIZE_TARGET_MB, f"bundle is {size_mb:.1f} MB"


def _frozen_cli_and_gui_start(exe: Path, scratch: Path) -> None:
    """The CLI answers and the GUI comes up from the bundle (its lazy imports are all there)."""
    data = scratch / "profile"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPOSURE_")}
    env.update(HOME=str(scratch), QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # fmt: skip
    scratch.mkdir(parents=True, exist_ok=True)
    cli = subprocess.run(
        [str(exe), "--data-dir", str(data), "exposure", "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert '"net_worth": "0"' in cli.stdout
    gui = subprocess.Popen(
        [str(exe), "--data-dir", str(data)], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        time.sleep(12)
        still_running = gui.poll() is None
    finally:
        gui.terminate()
        try:
            out, err = gui.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            gui.kill()
            out, err = gui.communicate()
    assert still_running, f"the frozen GUI exited early ({gui.returncode}):\n{out}{err}"
    assert "Traceback" not in err, err


def _frozen_app_uses_a_real_secret_service(exe: Path, home: Path) -> None:
    """The frozen app stores a key in a real Secret Service and syncs through ccxt with it.

    gnome-keyring runs on a private D-Bus session with its files in a scratch
    HOME; the Binance emulator (this process) checks the frozen ccxt's HMAC
    signatures. Skipped where dbus-run-session or gnome-keyring are missing.
    """
    if not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")):
        print("note: dbus-run-session/gnome-keyring-daemon missing; Secret Service check skipped")
        return
    from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, start_emulators
    from exposure_app.emulator.binance import BinanceEmulator

    for sub in (".cache", ".config", ".local/share"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    secret = "frozen-secret-0f9e8d7c6b5a"
    (home / "key.json").write_text(json.dumps({"apiKey": "frozen-key-1a2b", "secret": secret}))
    emulator = BinanceEmulator(
        EmulatedAccount("frozen-key-1a2b", secret, balances=[EmulatedBalance("spot", "BTC", 1)]),
        tickers={"BTC/USDT": 50000},
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home), QT_QPA_PLATFORM="offscreen",
               EXPOSURE_SELF_TEST_KEYRING_WRITE="1")  # fmt: skip
    data = home / "profile"
    script = (
        "printf exposure-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1\n"
        '"$0" --self-test || exit 11\n'
        '"$0" --data-dir "$1" accounts add-exchange "Binance frozen" --exchange binance'
        ' --api-url "$2" --timeout 5 --secrets-stdin < "$3" || exit 12\n'
        'exec "$0" --data-dir "$1" sync --json\n'
    )
    with start_emulators([emulator]):
        result = subprocess.run(
            ["dbus-run-session", "--", "sh", "-c", script,
             str(exe), str(data), str(emulator.base_url), str(home / "key.json")],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "[OK  ] keyring in use: keyring.backends.SecretService.Keyring" in output
    assert "[OK  ] keyring round trip:" in output
    report = json.loads(result.stdout[result.stdout.index("\n{") :])
    assert report["accounts"][0]["status"] == "ok", report
    assert report["accounts"][0]["value"] == "50000"
    assert secret not in output


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG layout is Linux's")
def test_profile_folder_follows_the_xdg_convention(monkeypatch, tmp_path) -> None:
    """The frozen app keeps data in the user's data folder, never next to the code."""
    from exposure_app.services.profile import ENV_DATA_DIR, default_data_dir

    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "Exposure"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "Exposure"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries")
def test_elf_needed_reads_the_link_map_of_a_real_library() -> None:
    numpy_core = pytest.importorskip("numpy._core._multiarray_umath")
    needed = _load("bundle_prune").elf_needed(numpy_core.__file__)
    assert "libc.so.6" in needed
    assert any("openblas" in name for name in needed)
    assert _load("bundle_prune").elf_needed(PACKAGING / "build.py") == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries")
def test_prune_keeps_what_roots_link_to_and_drops_the_rest() -> None:
    import numpy._core._multiarray_umath as core

    prune = _load("bundle_prune")
    libs = Path(core.__file__).resolve().parents[2] / "numpy.libs"
    openblas = next(libs.glob("libscipy_openblas*.so"))
    gfortran = next(libs.glob("libgfortran*"))
    entries = [
        ("numpy/_core/_multiarray_umath.so", core.__file__, "EXTENSION"),
        (f"numpy.libs/{openblas.name}", str(openblas), "BINARY"),
        (f"numpy.libs/{gfortran.name}", str(gfortran), "BINARY"),  # openblas links it
        ("libgtk-like-orphan.so.0", str(openblas), "BINARY"),  # nothing links this name
    ]
    kept, dropped = prune.prune_unreferenced(entries)
    assert [e[0] for e in kept] == [e[0] for e in entries[:3]]
    assert dropped == ["libgtk-like-orphan.so.0"]
    # dlopen()ed by name, so kept even though nothing links them:
    assert prune.is_root("libpython3.11.so.1.0", "BINARY")
    assert prune.is_root("PySide6/Qt/plugins/platforms/libqxcb.so", "BINARY")
    assert not prune.is_root("libcairo.so.2", "BINARY")


# -- ICU data trimming (icu_trim.py) ------------------------------------------------


def _pyside_icu_data() -> Path:
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not found:
        pytest.skip("this PySide6 ships no ICU (Qt uses the system's services)")
    return found[0]


def test_icu_version_and_symbol_come_from_the_library_name() -> None:
    icu = _load("icu_trim")
    assert icu.icu_version("libicudata.so.73") == "73"
    assert icu.icu_version("libicudata.so.74.2") == "74"
    assert icu.is_icu_data_library("libicudata.so.73")
    assert not icu.is_icu_data_library("libicuuc.so.73")
    assert not icu.is_icu_data_library("libicudata.so")
    with pytest.raises(icu.IcuTrimError, match="not named like ICU"):
        icu.icu_version("libicui18n.so.73")


def test_removable_items_are_whole_unused_trees_and_conversion_tables_only() -> None:
    icu = _load("icu_trim")
    items = [
        "root.res", "de.res", "supplementalData.res", "zoneinfo64.res", "ibm-943_P15A-2003.cnv",
        "cnvalias.icu", "nfkc.nrm", "coll/de.res", "coll/ucadata.icu", "zone/de.res", "region/de.res",
        "brkitr/char.brk", "curr/de.res", "lang/de.res", "rbnf/de.res", "translit/root.res",
        "unit/de.res", "unit.res", "currencyNumericCodes.res", "gb18030.cnv", "coll/x.cnv",
    ]  # fmt: skip
    assert icu.removable_items(items) == [
        "ibm-943_P15A-2003.cnv", "brkitr/char.brk", "curr/de.res", "lang/de.res", "rbnf/de.res",
        "translit/root.res", "unit/de.res", "gb18030.cnv",
    ]  # fmt: skip


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries")
def test_elf_symbol_bytes_reads_the_icu_package_and_ignores_imports() -> None:
    icu = _load("icu_trim")
    data_lib = _pyside_icu_data()
    version = icu.icu_version(data_lib.name)
    package = icu.elf_symbol_bytes(data_lib.read_bytes(), f"icudt{version}_dat")
    assert package[2:4] == b"\xda\x27"  # ICU data magic
    assert package[12:16] == b"CmnD"  # a common data package
    assert f"icudt{version}l/coll/".encode() in package
    assert icu.package_type_letter(package) == ("l" if sys.byteorder == "little" else "b")
    # libicuuc imports the same symbol: an undefined entry has no bytes.
    with pytest.raises(icu.IcuTrimError, match="no defined symbol"):
        icu.elf_symbol_bytes((data_lib.parent / f"libicuuc.so.{version}").read_bytes(), f"icudt{version}_dat")
    with pytest.raises(icu.IcuTrimError, match="not an ELF"):
        icu.elf_symbol_bytes(b"#!/bin/sh\n", "x")


def test_a_missing_icupkg_is_a_clear_error(monkeypatch, tmp_path) -> None:
    icu = _load("icu_trim")
    monkeypatch.setattr(icu.shutil, "which", lambda name: None)
    with pytest.raises(icu.IcuTrimError, match=r"icupkg not found.*icu-devtools"):
        icu.trim_icu_data(tmp_path / "libicudata.so.73", tmp_path / "work")


_ICU_PROBE = """
import sys
from exposure_app.ui.self_test_qt import _icu_problems
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
problems, note = _icu_problems()
maps = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line]
from PySide6.QtCore import QStringDecoder
codecs = [name for name in ("UTF-8", "ISO-8859-1", "UTF-16LE", "Shift_JIS", "windows-1251")
          if QStringDecoder(name).isValid()]
print("CODECS:" + " ".join(codecs))
print(sorted(set(maps)))
print("PROBLEMS:" + "; ".join(problems))
"""


def _icu_problems_with(library_dir: Path) -> tuple[str, str, str]:
    """Run the self-test's ICU probe with ``library_dir``'s libicudata loaded first.

    Returns the libicudata files mapped, the probe's problems and the charsets
    ``QStringDecoder`` accepts from a few (Qt's own and two of ICU's tables).
    """
    env = dict(os.environ, LD_LIBRARY_PATH=str(library_dir), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", _ICU_PROBE], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    codecs, loaded, problems = result.stdout.strip().splitlines()[-3:]
    return loaded, problems.removeprefix("PROBLEMS:"), codecs.removeprefix("CODECS:")


def _require_icupkg() -> None:
    """icupkg builds the trimmed ICU data; CI (EXPOSURE_REQUIRE_VALIDATORS=1) must have it."""
    if shutil.which("icupkg") is None:
        if os.environ.get("EXPOSURE_REQUIRE_VALIDATORS") == "1":
            pytest.fail("icupkg is required (EXPOSURE_REQUIRE_VALIDATORS=1) but not installed")
        pytest.skip("icupkg not installed (apt-get install icu-devtools)")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries")
def test_trimmed_icu_data_serves_everything_qt_asks_icu_for(tmp_path) -> None:
    _require_icupkg()
    icu = _load("icu_trim")
    original = _pyside_icu_data()
    trimmed, figures = icu.trim_icu_data(original, tmp_path / "work")
    assert trimmed.name == original.name
    assert figures["before"] == original.stat().st_size
    assert figures["after"] < figures["before"] - 18_000_000  # six trees (14 MB) and the .cnv tables (5 MB)
    loaded, problems, codecs = _icu_problems_with(trimmed.parent)
    assert str(trimmed) in loaded  # the probe really ran on the rebuilt library
    assert problems == ""
    # The legacy charsets' tables are gone; Qt's own codecs never needed them.
    assert codecs == "UTF-8 ISO-8859-1 UTF-16LE"
    _, _, untrimmed_codecs = _icu_problems_with(original.parent)
    assert untrimmed_codecs == "UTF-8 ISO-8859-1 UTF-16LE Shift_JIS windows-1251"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF libraries")
def test_the_self_test_probe_notices_icu_data_without_collation_or_zones(monkeypatch, tmp_path) -> None:
    """The check the frozen self-test runs fails on an over-trimmed library."""
    _require_icupkg()
    icu = _load("icu_trim")
    monkeypatch.setattr(icu, "REMOVED_TREES", (*icu.REMOVED_TREES, "coll", "zone"))
    with pytest.raises(icu.IcuTrimError, match="lost the coll/ tree"):
        icu.trim_icu_data(_pyside_icu_data(), tmp_path / "guarded")
    monkeypatch.setattr(icu, "REQUIRED_TREES", ())
    broken, _ = icu.trim_icu_data(_pyside_icu_data(), tmp_path / "work")
    loaded, problems, _codecs = _icu_problems_with(broken.parent)
    assert str(broken) in loaded
    assert "sv_SE collation" in problems
    assert "German name of Europe/Berlin" in problems


# -- what the spec leaves out ------------------------------------------------------


def test_ccxt_signs_secp256k1_the_same_without_coincurve(monkeypatch) -> None:
    """ccxt signs with coincurve when it is there (the bundle carries it for bip-utils) and
    with its pure-Python fallback otherwise: the same signatures either way."""
    pytest.importorskip("coincurve")
    from ccxt.base.exchange import Exchange

    secret = "1f" * 32
    digest = "ab" * 32
    with_coincurve = Exchange.ecdsa(digest, secret, "secp256k1")
    public_with = Exchange.secp256k1_uncompressed_public_key(bytes.fromhex(secret))
    monkeypatch.setitem(sys.modules, "coincurve", None)  # `import coincurve` now fails
    with pytest.raises(ImportError):
        import coincurve  # noqa: F401
    assert Exchange.ecdsa(digest, secret, "secp256k1") == with_coincurve
    assert Exchange.secp256k1_uncompressed_public_key(bytes.fromhex(secret)) == public_with


_APP_IMPORTS = """
import importlib, pkgutil, sys
import exposure_app
for info in pkgutil.walk_packages(exposure_app.__path__, "exposure_app."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
from PySide6.QtWidgets import QApplication
app = QApplication([])
import pyqtgraph as pg
charts = [cls for module in list(sys.modules.values())
          if getattr(module, "__name__", "").startswith("exposure_app.ui")
          for cls in vars(module).values()
          if isinstance(cls, type) and issubclass(cls, pg.PlotWidget) and cls.__module__ == module.__name__]
print("CHARTS:" + " ".join(sorted(f"{c.__name__}={c().getPlotItem().menuEnabled()}" for c in charts)))
left_out = ("numpy.random", "numpy.fft", "numpy._core._multiarray_tests", "readline")
print("LOADED:" + " ".join(name for name in left_out if name in sys.modules))
print("OPENGL:" + " ".join(f"{n}={pg.getConfigOption(n)}" for n in ("useOpenGL", "enableExperimental")))
"""


def test_the_app_never_loads_what_the_bundle_leaves_out() -> None:
    """numpy.random/fft and readline are not imported by any app module.

    pyqtgraph reaches numpy.fft only through the FFT transform in a chart's
    context menu, so every chart of the app must disable that menu; it
    reaches PySide6.QtOpenGL's classes only with its OpenGL options on.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", _APP_IMPORTS], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    charts = lines["CHARTS"].split()
    assert len(charts) >= 1, charts  # the history chart
    assert all(chart.endswith("=False") for chart in charts), charts
    assert lines["LOADED"] == ""
    assert lines["OPENGL"] == "useOpenGL=False enableExperimental=False"


def test_news_reading_needs_none_of_babels_locale_data(monkeypatch, tmp_path) -> None:
    """The bundle leaves Babel's locale data out (courlan imports babel, trafilatura courlan).

    With babel pointed at an empty folder, a locale lookup fails (so the data is
    really gone), while the app's article, feed-entry and look-alike-name paths,
    as the self-test runs them, still work.
    """
    import babel
    import babel.localedata

    from exposure_app import self_test
    from exposure_app.services import news_fetch

    monkeypatch.setattr(babel.localedata, "_dirname", str(tmp_path))
    babel.localedata._cache.clear()
    with pytest.raises((babel.UnknownLocaleError, FileNotFoundError, OSError)):
        babel.Locale.parse("de_DE")
    report = self_test.CheckReport(io.StringIO())
    for check in (self_test.check_news_articles, self_test.check_news_feeds,
                  self_test.check_lookalike_names):
        report.run(check.__name__, check)
    assert report.failures == 0, report.lines
    entry = {"summary": "<p>Withdrawals were paused on Monday.</p>"}
    assert news_fetch._entry_text(entry) == "Withdrawals were paused on Monday."


def test_qtopengl_placeholder_lets_pyqtgraph_import_and_draw() -> None:
    """The runtime hook the Linux bundle uses, run against the real pyqtgraph and self-test."""
    hook = PACKAGING / "rthooks" / "qtopengl_placeholder.py"
    script = f"""
import runpy, sys
runpy.run_path({str(hook)!r})
import io
from exposure_app.ui.self_test_qt import check_qt
out = io.StringIO()
code = check_qt(out)
print(out.getvalue())
module = sys.modules["PySide6.QtOpenGL"]
print("PLACEHOLDER:", getattr(module, "EXPOSURE_PLACEHOLDER", False), hasattr(module, "QOpenGLBuffer"))
try:
    module.QOpenGLBuffer
except AttributeError as exc:
    print("ERROR:", exc)
sys.exit(code)
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[OK  ] pyqtgraph: bar chart and curve rendered" in result.stdout
    assert "[OK  ] pyqtgraph OpenGL: off (PySide6.QtOpenGL not bundled)" in result.stdout
    assert "PLACEHOLDER: True False" in result.stdout
    assert "QOpenGLBuffer is not available" in result.stdout
