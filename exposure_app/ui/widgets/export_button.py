"""The "Export…" button a page shows next to its figures.

Every page's button opens the one File → Export dialog with the page's report
preselected (the window connects the page's ``export_requested`` signal to
:meth:`MainWindow.open_export`), so the page, the menu and the CLI all write
through :func:`exposure_app.services.reports.write_report`: one code path,
byte-identical files.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from exposure_app.services.reports import REPORTS
from exposure_app.ui.icons import action_icon


def export_button(report: str, emit: Callable[[str], object], parent: QWidget | None = None, *,
                  text: str = "Export…") -> QPushButton:
    """A button that calls ``emit(report)`` when clicked (typically a signal's ``emit``)."""
    if report not in REPORTS:
        raise ValueError(f"unknown report {report!r}")
    button = QPushButton(action_icon("export"), text, parent)
    button.setAccessibleName(f"Export the {report} report")
    button.setToolTip(f"Export the {report} report as CSV ({REPORTS[report].description})")
    button.setProperty("report", report)
    button.clicked.connect(lambda _checked=False: emit(report))
    return button
