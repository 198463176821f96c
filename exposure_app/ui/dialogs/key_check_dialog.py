"""What the add-exchange and replace-key dialogs share: the line that reports the key
test, and the worker calls (the exchange list, the credential names, the key check)
that must end before the dialog does.

A subclass starts blocking work with :meth:`KeyCheckDialog.run` and a key check
with :meth:`KeyCheckDialog.check_key`; the check's answer arrives in its
``_on_tested(values, check)``, a failure to run it in ``_on_test_failed``.

Threading: GUI thread; blocking calls run in :class:`BackgroundCall` threads
that :meth:`KeyCheckDialog.done` joins before the dialog closes; their answers
come back to the GUI thread through queued connections.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from exposure_app.domain.timeutil import utc_now
from exposure_app.ui.background import BackgroundCall
from exposure_app.ui.rich_text import escaped
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR
from exposure_app.ui.widgets.credential_fields import CredentialFields, start_key_check


class KeyCheckDialog(QDialog):
    fields: CredentialFields   # the subclass's, in its own form

    def __init__(self, store, secret_store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.secret_store = secret_store
        self.check = None                  # the KeyCheck of the values in _checked_values
        self._checked_values: tuple | None = None
        self._calls: list[BackgroundCall] = []
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setAccessibleName("Key test result")

    def _show_error(self, text: str) -> None:
        self.result_label.setText(f"<span style='color:{ERROR_COLOUR}'>{escaped(text)}</span>")

    def _filled_in(self) -> bool:
        """True if every credential field has a value; else says which are empty."""
        missing = self.fields.missing()
        if missing:
            self._show_error(f"Fill in: {', '.join(missing)}.")
        return not missing

    def run(self, call: BackgroundCall, on_done: Callable, on_failed: Callable) -> None:
        """Start ``call``; its answer or its exception comes back on the GUI thread."""
        call.done.connect(on_done, Qt.ConnectionType.QueuedConnection)
        call.failed.connect(on_failed, Qt.ConnectionType.QueuedConnection)
        self._calls.append(call.start())

    def check_key(self, exchange_id: str, credentials: dict[str, str], connection,
                  values: tuple) -> None:
        """Test the key of ``values`` (the dialog's values as compared later) on a worker."""
        self.result_label.setText("Testing the key…")
        self.run(start_key_check(self, exchange_id, credentials, connection, self.store,
                                 self.secret_store),
                 lambda result: self._on_tested(values, result), self._on_test_failed)

    def _on_tested(self, values: tuple, check) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _on_test_failed(self, exc: Exception) -> None:
        self._show_error(f"The key could not be tested: {exc}")

    def _saved(self, account, announce: SignalInstance) -> bool:
        """The key is stored: keep what a passing test read of its permissions, say so
        through ``announce`` and close."""
        if self.check is not None and self.check.error is None:
            self.store.exchange_state.save_permissions(account.id, self.check.permissions,
                                                       utc_now())
        self.account = account
        announce.emit(account)
        self.accept()
        return True

    def done(self, result: int) -> None:
        for call in self._calls:
            call.wait(30)
        super().done(result)
