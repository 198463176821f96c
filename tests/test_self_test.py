"""``exposure-app --self-test``: every check reports, and a broken part fails the run.

The end-to-end test runs the real entry point from a read-only copy of the
package and resources and proves nothing was written next to the code.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from exposure_app import self_test
from exposure_app.self_test import CheckReport, run_self_test

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_self_test_reports_versions_resources_and_database() -> None:
    out = io.StringIO()
    assert run_self_test(out) == 0, out.getvalue()
    text = out.getvalue()
    for fact in ("Exposure", "Python", "SQLite", "keyring", "ccxt"):
        assert f"[INFO] {fact}:" in text
    assert "[OK  ] counterparties.json:" in text
    assert f"[OK  ] icons: {len(self_test.REQUIRED_ICONS)} SVG icons parse" in text
    assert "[OK  ] database: schema" in text
    assert "[OK  ] keyring backends:" in text
    assert "[OK  ] numpy: matrix product, solve and inverse correct (BLAS: " in text
    assert "[OK  ] watch-only keys: BIP84 vector derived; BIP39 word lists present" in text
    assert "[OK  ] look-alike names: confusables and script tables loaded" in text
    assert "[OK  ] news articles: text, publication date and a weekday read; 100 jusText stop lists" in text
    assert "[OK  ] news feeds: RSS entry and date read" in text
    assert "[FAIL]" not in text


def test_qt_half_renders_icons_and_a_chart(qapp) -> None:
    from exposure_app.ui.self_test_qt import check_qt

    out = io.StringIO()
    assert check_qt(out) == 0, out.getvalue()
    text = out.getvalue()
    assert "[OK  ] Qt platform plugin: offscreen" in text
    assert "[OK  ] icons render:" in text
    assert "[OK  ] Qt print support:" in text
    assert "[OK  ] pyqtgraph: bar chart and curve rendered" in text
    assert "[OK  ] pyqtgraph OpenGL: off" in text
    if sys.platform.startswith("linux"):  # PySide6's Qt uses ICU here
        assert "[OK  ] ICU: collation (sv, de)" in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt uses ICU on Linux")
def test_icu_check_fails_on_a_wrong_collation(qapp, monkeypatch) -> None:
    """What a bundle whose ICU data lost coll/ looks like."""
    from exposure_app.ui import self_test_qt

    # The real ICU sorts Swedish å before ä: expecting the reverse must fail.
    monkeypatch.setattr(self_test_qt, "COLLATION_SAMPLES", (("sv_SE", ("ä", "å"), ("ä", "å")),))
    report = CheckReport(io.StringIO())
    report.run("ICU", self_test_qt._check_icu)
    assert report.exit_code == 1
    line = report.out.getvalue()
    assert line.startswith("[FAIL] ICU: sv_SE collation sorts å ä"), line
    assert "Europe/Berlin" not in line  # the other checks still pass


def test_opengl_check_fails_when_charts_need_the_missing_qtopengl(qapp, monkeypatch) -> None:
    """The Linux bundle's QtOpenGL placeholder plus pyqtgraph's OpenGL drawing on is a failure."""
    import types

    import pyqtgraph as pg

    from exposure_app.ui import self_test_qt

    placeholder = types.ModuleType("PySide6.QtOpenGL")
    placeholder.EXPOSURE_PLACEHOLDER = True
    monkeypatch.setitem(sys.modules, "PySide6.QtOpenGL", placeholder)
    report = CheckReport(io.StringIO())
    report.run("pyqtgraph OpenGL", self_test_qt._check_chart_opengl)
    assert report.lines == ["[OK  ] pyqtgraph OpenGL: off (PySide6.QtOpenGL not bundled)"]

    previous = pg.getConfigOption("useOpenGL")
    pg.setConfigOptions(useOpenGL=True)
    try:
        report = CheckReport(io.StringIO())
        report.run("pyqtgraph OpenGL", self_test_qt._check_chart_opengl)
    finally:
        pg.setConfigOptions(useOpenGL=previous)
    assert report.exit_code == 1
    assert report.lines == ["[FAIL] pyqtgraph OpenGL: useOpenGL on, but PySide6.QtOpenGL is not bundled"]


def test_numpy_check_fails_when_linear_algebra_breaks_or_lies(monkeypatch) -> None:
    import numpy as np

    def broken(*args, **kwargs):
        raise np.linalg.LinAlgError("lapack_lite missing")

    monkeypatch.setattr(np.linalg, "solve", broken)
    report = CheckReport(io.StringIO())
    self_test.check_numpy(report)
    assert report.exit_code == 1
    assert "[FAIL] numpy: linear algebra failed: LinAlgError: lapack_lite missing" in report.out.getvalue()

    monkeypatch.undo()
    monkeypatch.setattr(np.linalg, "inv", lambda a: np.zeros_like(a))
    report = CheckReport(io.StringIO())
    self_test.check_numpy(report)
    assert report.exit_code == 1
    assert "[FAIL] numpy: wrong answers" in report.out.getvalue()


def test_library_data_checks_fail_when_their_data_is_missing(monkeypatch) -> None:
    """What a bundle without confusables.json, jusText's stop lists or feedparser's date
    handling would report (each check's data made to go missing here)."""
    import feedparser
    import justext

    from exposure_app.domain import account_names

    monkeypatch.setattr(account_names, "_ascii_lookalike", lambda char: char)
    monkeypatch.setattr(justext, "get_stoplists", lambda: frozenset())
    monkeypatch.setattr(feedparser, "parse", lambda data: {"version": "rss20", "entries": []})
    report = CheckReport(io.StringIO())
    for check in (self_test.check_lookalike_names, self_test.check_news_articles,
                  self_test.check_news_feeds):
        check(report)
    assert report.failures == 3, report.lines
    assert report.lines[0].startswith("[FAIL] look-alike names: Cyrillic")
    assert report.lines[1].startswith("[FAIL] news articles: short page read as")
    assert report.lines[1].endswith("0 jusText stop lists")
    assert report.lines[2] == "[FAIL] news feeds: sample RSS read as version 'rss20', 0 entries, date None"


def test_a_missing_icon_fails_the_run(monkeypatch) -> None:
    monkeypatch.setattr(self_test, "REQUIRED_ICONS", (*self_test.REQUIRED_ICONS, "actions/no-such.svg"))
    out = io.StringIO()
    assert run_self_test(out) == 1
    assert "[FAIL] icons: actions/no-such.svg" in out.getvalue()


def test_lost_keyring_entry_points_fail_the_run(monkeypatch) -> None:
    """What a frozen app without keyring's dist-info looks like."""
    real = metadata.entry_points

    def without_keyring_backends(**params):
        if params.get("group") == "keyring.backends":
            return metadata.EntryPoints(())
        return real(**params)

    monkeypatch.setattr(metadata, "entry_points", without_keyring_backends)
    report = CheckReport(io.StringIO())
    self_test.check_keyring(report)
    assert report.exit_code == 1
    assert "entry point is missing" in report.out.getvalue()


class _DictRing:
    """Duck-typed keyring (not a KeyringBackend subclass, which would register globally)."""

    def __init__(self, *, garble: bool = False) -> None:
        self.entries: dict[tuple[str, str], str] = {}
        self.garble = garble

    def set_password(self, service: str, user: str, password: str) -> None:
        self.entries[(service, user)] = password[::-1] if self.garble else password

    def get_password(self, service: str, user: str) -> str | None:
        return self.entries.get((service, user))

    def delete_password(self, service: str, user: str) -> None:
        del self.entries[(service, user)]


def test_keyring_round_trip_stores_reads_and_deletes() -> None:
    ring, report = _DictRing(), CheckReport(io.StringIO())
    self_test._keyring_round_trip(report, ring)
    assert report.exit_code == 0
    assert ring.entries == {}  # the throw-away secret is gone
    assert "[OK  ] keyring round trip" in report.out.getvalue()


def test_keyring_round_trip_fails_when_the_secret_comes_back_different() -> None:
    ring, report = _DictRing(garble=True), CheckReport(io.StringIO())
    self_test._keyring_round_trip(report, ring)
    assert report.exit_code == 1
    assert ring.entries == {}
    assert "[FAIL] keyring round trip" in report.out.getvalue()


def test_an_unexpected_exception_is_a_failure_not_a_crash() -> None:
    report = CheckReport(io.StringIO())

    def broken(_: CheckReport) -> None:
        raise OSError("disk on fire")

    report.run("disk", broken)
    report.ok("next check still runs")
    assert report.exit_code == 1
    assert report.lines[0] == "[FAIL] disk: OSError: disk on fire"
    assert report.lines[1] == "[OK  ] next check still runs"


def test_environment_warnings_do_not_fail_the_run() -> None:
    report = CheckReport(io.StringIO())
    report.warn("keyring in use", "no Secret Service here")
    assert report.exit_code == 0
    assert report.warnings == 1


def _tree_state(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in sorted(root.rglob("*"))
    }


def _make_read_only(root: Path, read_only: bool) -> None:
    for p in [root, *root.rglob("*")]:
        mode = p.stat().st_mode
        mode = mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) if read_only else mode | 0o200
        os.chmod(p, mode)


def test_self_test_runs_from_a_read_only_install_and_writes_nothing_there(tmp_path) -> None:
    install = tmp_path / "install"
    shutil.copytree(
        REPO_ROOT / "exposure_app", install / "exposure_app",
        ignore=shutil.ignore_patterns("__pycache__"),
    )  # fmt: skip
    shutil.copytree(REPO_ROOT / "resources", install / "resources")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "EXPOSURE_", "XDG_"))
    }
    env.update(
        PYTHONPATH=str(install),
        # As root the chmod does not stop writes; keep Python's own bytecode
        # cache out of the comparison so any change is the app's doing.
        PYTHONDONTWRITEBYTECODE="1",
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    before = _tree_state(install)
    _make_read_only(install, True)
    try:
        result = subprocess.run(
            [sys.executable, "-c", "import sys, exposure_app.main as m; sys.exit(m.main())",
             "--self-test"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
    finally:
        _make_read_only(install, False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"[INFO] resources: {install / 'resources'}" in output
    assert "[OK  ] database:" in output
    after = _tree_state(install)
    assert sorted({k for k, v in after.items() if before.get(k) != v}) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_read_only_copy_helper_really_blocks_writes(tmp_path) -> None:
    """Guards the test above: for a non-root user the tree is truly read-only."""
    (tmp_path / "f").write_text("x")
    _make_read_only(tmp_path, True)
    try:
        assert not os.stat(tmp_path / "f").st_mode & 0o222
    finally:
        _make_read_only(tmp_path, False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland display variables")
def test_self_test_without_a_display_falls_back_to_offscreen_and_says_so(tmp_path) -> None:
    """Issue 15, point 24: no DISPLAY and no QT_QPA_PLATFORM used to abort in Qt (134)."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "exposure_app", "--self-test"],
                          capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]   # never a signal (134)
    assert "[INFO] display: no display was found" in proc.stdout
    assert "[OK  ] Qt platform plugin: offscreen" in proc.stdout


def test_a_chosen_platform_or_a_display_is_left_alone() -> None:
    assert self_test.headless_fallback({"DISPLAY": ":0"}, "linux") is None
    assert self_test.headless_fallback({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert self_test.headless_fallback({"QT_QPA_PLATFORM": "xcb"}, "linux") is None
    assert self_test.headless_fallback({}, "darwin") is None
    assert self_test.headless_fallback({}, "win32") is None
    assert "no display" in self_test.headless_fallback({}, "linux")
