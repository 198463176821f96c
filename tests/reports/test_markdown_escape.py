"""Data in the Markdown plan reads as written when the plan is rendered, as the
checklist page renders it to print (``QTextDocument.setMarkdown``)."""

from __future__ import annotations

import pytest

from exposure_app.reports.markdown import escape

WRITTEN = [
    "tx 0xab_cd *sent* [ledger](x) <b>cold</b> | done",
    "fee 5 &amp; 2 &lt;b&gt; &#65; & more",
    r"a\b `code`",
]


@pytest.mark.parametrize("text", WRITTEN)
def test_escaped_text_renders_as_written(qtbot, text):
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setMarkdown(f"- Note: {escape(text)}\n")
    assert document.toPlainText().strip() == f"Note: {text}"
