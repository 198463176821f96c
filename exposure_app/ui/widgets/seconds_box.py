"""The one editor for a duration in seconds: "30 s", "2.5 s" (never "30.00 s").

Settings (``sync_timeout_seconds``, whole seconds) and an exchange account's
connection timeout (seconds as a float: the CLI takes ``--timeout 2.5``) read
alike. :class:`SecondsBox` keeps a fraction the account already has (to a
hundredth) without showing trailing zeros; :data:`SECONDS_SUFFIX` is the unit
the Settings page's whole-second spin box shows.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QWidget

SECONDS_SUFFIX = " s"


def seconds_text(value: float) -> str:
    """``30.0`` -> ``"30"``, ``2.5`` -> ``"2.5"`` (to a hundredth, no trailing zeros)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


class SecondsBox(QDoubleSpinBox):
    """A timeout in seconds, ``minimum`` to ``maximum``, shown as :func:`seconds_text`."""

    def __init__(self, minimum: float = 1, maximum: float = 600, value: float = 30,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(2)
        self.setRange(minimum, maximum)
        self.setSingleStep(1)
        self.setSuffix(SECONDS_SUFFIX)
        self.setValue(value)

    def textFromValue(self, value: float) -> str:
        return seconds_text(value)
