"""What the Linux bundle leaves out is nothing the app's own code uses.

packaging/icu_trim.py drops ICU's conversion tables for legacy charsets, which
Qt opens only for a ``QStringDecoder``/``QStringEncoder`` made from such a
charset's name (or ``QTextBrowser`` reading an HTML file's ``<meta
charset>``); the spec drops Qt's JPEG and GIF image plugins. These tests read
the app's source and resources to show neither is reached from there.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "exposure_app"

#: Qt names through which text gets decoded or encoded by a charset name.
CHARSET_BY_NAME = {"QStringDecoder", "QStringEncoder", "QStringConverter", "QTextCodec", "QTextBrowser",
                   "decoderForHtml", "encodingForName"}
#: Qt names that read images in formats other than the app's SVG and PNG.
OTHER_IMAGE_READERS = {"QMovie"}


def _names_used(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.name.rsplit(".", 1)[-1])
    return names


def _app_modules() -> list[Path]:
    modules = sorted(APP.rglob("*.py"))
    assert len(modules) > 50  # the scan really covers the app
    return modules


def test_the_app_never_asks_qt_to_convert_text_by_charset_name() -> None:
    found = {str(path.relative_to(REPO_ROOT)): sorted(_names_used(path) & CHARSET_BY_NAME)
             for path in _app_modules()}
    assert {path: names for path, names in found.items() if names} == {}


def test_the_scan_would_see_a_decoder(tmp_path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6.QtCore import QStringDecoder\ntext = QStringDecoder('Shift_JIS')(b'')\n")
    assert "QStringDecoder" in _names_used(sample)
    sample.write_text("import PySide6.QtWidgets as w\nw.QTextBrowser().setSource('a.html')\n")
    assert "QTextBrowser" in _names_used(sample)


def test_the_app_reads_no_jpeg_or_gif_images() -> None:
    images = [p for p in (REPO_ROOT / "resources").rglob("*")
              if p.is_file() and p.suffix.lower() not in (".json", ".md", ".txt")]
    assert images  # the icons are there
    assert {p.suffix.lower() for p in images} <= {".svg", ".png"}
    found = {str(path.relative_to(REPO_ROOT)) for path in _app_modules()
             if _names_used(path) & OTHER_IMAGE_READERS}
    assert found == set()
