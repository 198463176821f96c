"""The shape most of the app's dialogs share: labelled fields, a line that says what is
wrong, and a button row.

A dialog builds its fields, puts them in with :meth:`FormDialog.add_fields`
(each field gets its label as its accessible name, so screen readers and
tests find it by that name; the form joins :attr:`FormDialog.body` at the
first call), adds notes above or below with ``body.addWidget``, then calls
:meth:`FormDialog.finish`, which places the error line and the buttons.
:meth:`FormDialog.show_error` says what is wrong (the line is hidden while
there is nothing to say) and leaves the dialog open.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.ui.widgets.card_frames import error_label

Buttons = QDialogButtonBox.StandardButton
SAVE_CANCEL = Buttons.Save | Buttons.Cancel


HINT_MARGIN = 16
"""Room around a field's placeholder text (the frame and the text margins)."""


def fit_hint(field: QLineEdit) -> None:
    """Make ``field`` at least wide enough to show its placeholder whole; call it again
    after changing the placeholder (a cut hint, "your own node i…", says half of it)."""
    hint = field.placeholderText()
    field.setMinimumWidth(field.fontMetrics().horizontalAdvance(hint) + HINT_MARGIN if hint else 0)


def enter_presses(button: QPushButton, box: QDialogButtonBox) -> None:
    """Make ``button`` the one Enter presses in ``box``'s dialog, and no other button.

    Call it once ``box`` is in the dialog: a button made default before it has a
    dialog is forgotten, and on showing, the dialog made its first auto-default
    button the default, Cancel, so Enter in a field closed the dialog and lost
    what was typed. While ``button`` is disabled, Enter does nothing.
    """
    for other in box.buttons():
        if isinstance(other, QPushButton):
            other.setAutoDefault(other is button)
    button.setDefault(True)


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.body = QVBoxLayout(self)
        self.form = QFormLayout()
        self.error = error_label()
        self.buttons = QDialogButtonBox()

    def add_fields(self, *fields: tuple[str, QWidget | QLayout]) -> None:
        """Add ``(label, field)`` rows; a widget is named by its label."""
        if self.form.parent() is None:
            self.body.addLayout(self.form)
        for label, field in fields:
            if isinstance(field, QWidget):
                field.setAccessibleName(label)
            if isinstance(field, QLineEdit):
                fit_hint(field)
            self.form.addRow(label, field)

    def finish(self, on_accept: Callable[[], object], *, buttons=SAVE_CANCEL,
               error_name: str = "Error", on_reject: Callable[[], object] | None = None,
               ) -> QDialogButtonBox:
        """Place the error line and the buttons: accepting (Save, OK) calls ``on_accept``,
        Cancel or Close ``on_reject`` (default: close the dialog)."""
        self.error.setAccessibleName(error_name)
        self.error.hide()
        self.body.addWidget(self.error)
        self.buttons.setStandardButtons(buttons)
        self.buttons.accepted.connect(on_accept)
        self.buttons.rejected.connect(on_reject or self.reject)
        self.body.addWidget(self.buttons)
        return self.buttons

    def show_error(self, text: str) -> None:
        """Say what is wrong (an empty ``text`` clears and hides the line)."""
        self.error.setText(text)
        self.error.setVisible(bool(text))
