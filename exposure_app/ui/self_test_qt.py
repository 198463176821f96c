"""The Qt half of ``exposure-app --self-test`` (only ``ui`` may import Qt).

Proves the Qt parts a frozen app most often loses are present: a platform
plugin that can start a ``QApplication`` (``offscreen`` is enough on a
headless build machine), the SVG icon engine and image plugin (without them
every ``QIcon`` built from our SVGs is silently empty), print support for the
checklist, pyqtgraph drawing a chart, and the ICU features Qt relies on
(collation, time-zone names, locale-aware case mapping).

Threading: GUI thread only; creates the ``QApplication`` if none exists and
leaves it for the caller (``exposure_app.main`` exits right after).
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from exposure_app.self_test import REQUIRED_ICONS, CheckReport, headless_fallback


def _check_versions(report: CheckReport) -> None:
    import pyqtgraph
    import PySide6
    from PySide6 import QtCore

    report.info("PySide6", PySide6.__version__)
    report.info("Qt", QtCore.qVersion())
    report.info("pyqtgraph", pyqtgraph.__version__)


def _application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1] or ["exposure-app"])
    return app


def _check_platform(report: CheckReport) -> None:
    from PySide6.QtGui import QGuiApplication

    _application()
    report.ok("Qt platform plugin", QGuiApplication.platformName())


def _check_icons(report: CheckReport) -> None:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon, QImage, QImageReader, QPainter
    from PySide6.QtSvg import QSvgRenderer

    from exposure_app.resource_locator import resource_path

    _application()
    formats = {bytes(fmt.data()).decode() for fmt in QImageReader.supportedImageFormats()}
    if "svg" not in formats:
        report.fail("Qt SVG image plugin", f"missing (formats: {', '.join(sorted(formats))})")
    blank = []
    for icon in REQUIRED_ICONS:
        path = str(resource_path("icons", *icon.split("/")))
        renderer = QSvgRenderer(path)
        image = QImage(QSize(32, 32), QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        drawn = any(image.pixelColor(x, y).alpha() for x in range(32) for y in range(32))
        # QIcon goes through the iconengines plugin, which frozen apps can miss.
        pixmap = QIcon(path).pixmap(QSize(24, 24))
        if not renderer.isValid() or not drawn or pixmap.isNull():
            blank.append(icon)
    if blank:
        report.fail("icons render", f"empty or invalid: {', '.join(blank)}")
    else:
        report.ok("icons render", f"{len(REQUIRED_ICONS)} SVGs drawn by QSvgRenderer and QIcon")


def _check_print_support(report: CheckReport) -> None:
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    report.ok("Qt print support", f"QPrinter ready ({printer.pageLayout().pageSize().name()})")


def _check_chart(report: CheckReport) -> None:
    import numpy as np
    import pyqtgraph as pg

    _application()
    widget = pg.PlotWidget()
    try:
        widget.resize(200, 120)
        widget.addItem(pg.BarGraphItem(x0=0, y=np.arange(3), height=0.6, width=[3, 2, 1]))
        widget.plot(np.arange(3), np.array([1.0, 3.0, 2.0]))
        image = widget.grab().toImage()
        if image.isNull():
            report.fail("pyqtgraph", "the plot rendered to an empty image")
        else:
            report.ok("pyqtgraph", f"bar chart and curve rendered ({image.width()}x{image.height()})")
    finally:
        widget.deleteLater()


#: pyqtgraph options under which it draws through PySide6.QtOpenGL.
PYQTGRAPH_OPENGL_OPTIONS = ("useOpenGL", "enableExperimental")


def _check_chart_opengl(report: CheckReport) -> None:
    """pyqtgraph's OpenGL drawing stays off where the build leaves PySide6.QtOpenGL out.

    The Linux bundle replaces the QtOpenGL binding with a placeholder
    (packaging/rthooks/qtopengl_placeholder.py); pyqtgraph needs the real one
    only for the options above, so the app's chart configuration must not
    turn them on.
    """
    import pyqtgraph as pg

    import exposure_app.ui.charts  # noqa: F401 - applies the app's pyqtgraph options

    module = sys.modules.get("PySide6.QtOpenGL")
    placeholder = bool(getattr(module, "EXPOSURE_PLACEHOLDER", False)) if module is not None else False
    enabled = [name for name in PYQTGRAPH_OPENGL_OPTIONS if pg.getConfigOption(name)]
    if enabled and placeholder:
        report.fail("pyqtgraph OpenGL", f"{', '.join(enabled)} on, but PySide6.QtOpenGL is not bundled")
    elif enabled:
        report.ok("pyqtgraph OpenGL", f"{', '.join(enabled)} on, PySide6.QtOpenGL present")
    else:
        report.ok("pyqtgraph OpenGL", "off" + (" (PySide6.QtOpenGL not bundled)" if placeholder else ""))


#: Orders that only real ICU collation data produce: Swedish sorts å, ä, ö
#: after z (code-point order would put ä before å), German sorts ä with a.
COLLATION_SAMPLES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("sv_SE", ("ö", "z", "å", "a", "ä"), ("a", "z", "å", "ä", "ö")),
    ("de_DE", ("z", "ä", "a"), ("a", "ä", "z")),
)


def _icu_problems() -> tuple[list[str], str | None]:
    """What Qt's ICU-backed features get wrong, and an environment note (not a failure)."""
    import functools

    from PySide6.QtCore import QCollator, QLocale, QTimeZone

    problems: list[str] = []
    for locale, words, expected in COLLATION_SAMPLES:
        collator = QCollator(QLocale(locale))
        got = tuple(sorted(words, key=functools.cmp_to_key(collator.compare)))
        if got != expected:
            problems.append(f"{locale} collation sorts {' '.join(got)}")
    note = None
    berlin = QTimeZone(b"Europe/Berlin")
    if not berlin.isValid():
        note = "no time-zone database on this system (Europe/Berlin unknown)"
    else:
        standard, long_name = QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName
        name = berlin.displayName(standard, long_name, QLocale("de_DE"))
        if "Mitteleurop" not in name:
            problems.append(f"German name of Europe/Berlin is {name!r}")
    turkish = QLocale("tr_TR")
    if (turkish.toUpper("i"), turkish.toLower("I")) != ("\u0130", "\u0131"):
        problems.append(f"Turkish case mapping gives {turkish.toUpper('i')!r}, {turkish.toLower('I')!r}")
    return problems, note


def _check_icu(report: CheckReport) -> None:
    """Collation, time-zone names and Turkish case mapping.

    Qt uses ICU for these on Linux, where the bundle ships ICU with its data
    trimmed to what the app makes Qt read (packaging/icu_trim.py): a data
    library that ICU cannot use, or that lost a tree Qt needs, fails here.
    (The legacy charsets' conversion tables are left out there on purpose:
    the app never asks Qt to decode text by charset name.) Elsewhere Qt may
    use the system's own services instead of ICU, so a problem there is a
    warning.
    """
    problems, note = _icu_problems()
    if problems:
        detail = "; ".join(problems)
        if sys.platform.startswith("linux"):
            report.fail("ICU", detail)
        else:
            report.warn("ICU", f"{detail} (this platform's Qt may not use ICU)")
        return
    if note is not None:
        report.warn("ICU time zones", note)
    report.ok("ICU", "collation (sv, de), time-zone names (de), Turkish case")


QT_CHECKS = (
    ("Qt versions", _check_versions),
    ("Qt platform plugin", _check_platform),
    ("icons render", _check_icons),
    ("Qt print support", _check_print_support),
    ("pyqtgraph", _check_chart),
    ("pyqtgraph OpenGL", _check_chart_opengl),
    ("ICU", _check_icu),
)
"""The Qt checks, in the order they print."""


def check_qt(out: TextIO | None = None) -> int:
    """Run the Qt checks; 0 if none failed, else 1."""
    report = CheckReport(out if out is not None else sys.stdout)
    reason = headless_fallback(os.environ, sys.platform)
    if reason is not None:
        # before the QApplication exists: Qt reads the platform once, at start-up
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        report.info("display", f"{reason}; the Qt checks use the offscreen platform")
    return report.run_all(QT_CHECKS)
