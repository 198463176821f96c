"""The Qt half of ``exposure-app --self-test`` (only ``ui`` may import Qt).

Proves the Qt parts a frozen app most often loses are present: a platform
plugin that can start a ``QApplication`` (``offscreen`` is enough on a
headless build machine), the SVG icon engine and image plugin (without them
every ``QIcon`` built from our SVGs is silently empty), print support for the
checklist, and pyqtgraph drawing a chart.

Threading: GUI thread only; creates the ``QApplication`` if none exists and
leaves it for the caller (``exposure_app.main`` exits right after).
"""

from __future__ import annotations

import sys
from typing import TextIO

from exposure_app.self_test import REQUIRED_ICONS, CheckReport


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


def check_qt(out: TextIO | None = None) -> int:
    """Run the Qt checks; 0 if none failed, else 1."""
    report = CheckReport(out if out is not None else sys.stdout)
    report.run("Qt versions", _check_versions)
    report.run("Qt platform plugin", _check_platform)
    report.run("icons render", _check_icons)
    report.run("Qt print support", _check_print_support)
    report.run("pyqtgraph", _check_chart)
    return report.exit_code
