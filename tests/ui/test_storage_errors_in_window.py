"""A full disk or a read-only profile met while the window runs is named in plain words."""

from __future__ import annotations

import sqlite3
import sys

import pytest


@pytest.mark.parametrize(("error", "words"), [
    (sqlite3.OperationalError("database or disk is full"), "is full"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
    (sqlite3.DatabaseError("database disk image is malformed"), "damaged"),
])
def test_storage_errors_reach_the_banner_in_plain_words(make_window, data_dir, error, words):
    from PySide6.QtWidgets import QApplication

    from exposure_app.ui.errors import install_excepthook

    window = make_window(data_dir)
    reporter = install_excepthook(window, data_dir / "logs")
    try:
        try:
            raise error
        except sqlite3.Error:
            reporter.handle(*sys.exc_info())
    finally:
        reporter.uninstall()
    QApplication.processEvents()
    [message] = window.banner.messages()
    assert words in message and "Something went wrong" not in message
