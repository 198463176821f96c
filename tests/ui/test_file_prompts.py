"""A command given a path uses it without asking; without one it asks, and a cancelled
file dialog does nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from exposure_app.ui.widgets.file_prompts import path_to_read, path_to_write


def test_given_paths_skip_the_dialog_and_cancel_gives_none(qtbot, monkeypatch, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    asked: list[tuple] = []

    def answer(chosen):
        def dialog(*args):
            asked.append(args[1:])
            return chosen, ""
        return dialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer(""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer(str(tmp_path / "out.csv")))
    assert path_to_read(parent, "Import", "CSV (*.csv)", tmp_path / "in.csv") == tmp_path / "in.csv"
    assert asked == []
    assert path_to_read(parent, "Import", "CSV (*.csv)") is None          # cancelled
    assert path_to_write(parent, "Export", Path.home() / "plan.csv", "CSV (*.csv)") \
        == tmp_path / "out.csv"
    assert asked == [("Import", "", "CSV (*.csv)"),
                     ("Export", str(Path.home() / "plan.csv"), "CSV (*.csv)")]
