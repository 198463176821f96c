"""Render Exposure's SVG icons to the raster files platforms need.

The SVGs in ``resources/icons`` are the sources; everything this script writes
is derived from them and committed, so a build needs no extra tools:

* ``resources/icons/app/exposure-<N>.png`` for N in 16..512 (Linux hicolor
  sizes, the window icon and the tray at low DPI);
* ``resources/icons/actions-dark/*.svg``: the action icons recoloured for a
  dark palette (the GUI picks the set that matches the window's palette);
* ``packaging/windows/exposure.ico`` and ``packaging/macos/exposure.icns``
  (both hold PNG-compressed images, which every supported OS version reads).

Small app-icon sizes (16 to 32 px) are drawn from ``app/exposure-small.svg``,
a simplified design that stays legible at a few pixels.

Rendering uses Qt's own SVG renderer (``QtSvg`` is part of
PySide6-Essentials), so the PNGs match what the app draws at run time.

Usage: ``python packaging/render_icons.py [--preview sheet.png]``
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
APP_SVG = ICONS / "app" / "exposure.svg"
APP_SMALL_SVG = ICONS / "app" / "exposure-small.svg"
APP_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_SIZES = frozenset({16, 24, 32})

#: The ink of the action icons on a light palette, and its dark-palette replacement.
LIGHT_INK = "#1F2933"
DARK_INK = "#E4E7EB"

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: ICNS element types holding PNG data, by pixel size.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16@2x
    (b"icp6", 64),
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic13", 256),  # 128@2x
    (b"ic09", 512),
    (b"ic14", 512),  # 256@2x
    (b"ic10", 1024),  # 512@2x
)


def app_svg_for(size: int) -> Path:
    return APP_SMALL_SVG if size in SMALL_SIZES else APP_SVG


def dark_variant(svg_text: str) -> str:
    """The dark-palette version of an action icon: only the ink colour changes."""
    if LIGHT_INK not in svg_text:
        raise ValueError(f"action icons must be drawn in {LIGHT_INK}")
    return svg_text.replace(LIGHT_INK, DARK_INK)


def render_png(svg: Path, size: int) -> bytes:
    """``svg`` drawn on a transparent ``size`` x ``size`` canvas, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico whose images are PNG-compressed (readable since Vista)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        blob = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    return header + entries + blobs


def build_icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns made of PNG elements."""
    body = b""
    for kind, size in ICNS_TYPES:
        blob = pngs[size]
        body += kind + struct.pack(">I", len(blob) + 8) + blob
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def render_all() -> list[Path]:
    written: list[Path] = []
    app_pngs = {size: render_png(app_svg_for(size), size) for size in {*APP_SIZES, 1024}}
    for size in APP_SIZES:
        path = ICONS / "app" / f"exposure-{size}.png"
        if write_if_changed(path, app_pngs[size]):
            written.append(path)
    dark_dir = ICONS / "actions-dark"
    for svg in sorted((ICONS / "actions").glob("*.svg")):
        path = dark_dir / svg.name
        if write_if_changed(path, dark_variant(svg.read_text(encoding="utf-8")).encode()):
            written.append(path)
    ico = ROOT / "packaging" / "windows" / "exposure.ico"
    if write_if_changed(ico, build_ico({s: app_pngs[s] for s in ICO_SIZES})):
        written.append(ico)
    icns = ROOT / "packaging" / "macos" / "exposure.icns"
    if write_if_changed(icns, build_icns(app_pngs)):
        written.append(icns)
    return written


def render_preview(path: Path) -> None:
    """A contact sheet of every icon on a light and a dark background (for review)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    actions = sorted((ICONS / "actions").glob("*.svg"))
    levels = sorted((ICONS / "levels").glob("*.svg"))
    width = 40 + 600
    image = QImage(width * 2, 560, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for panel, (bg, folder) in enumerate(
        ((QColor("#FFFFFF"), "actions"), (QColor("#1E1E1E"), "actions-dark"))
    ):
        x0 = panel * width
        painter.fillRect(x0, 0, width, 560, bg)
        x = x0 + 20
        for size in (512 // 4, 64, 48, 32, 24, 16):
            QSvgRenderer(str(app_svg_for(size))).render(painter, QRectF(x, 20, size, size))
            x += size + 20
        for row, scale in enumerate((24, 48)):
            for col, svg in enumerate(actions):
                QSvgRenderer(str(ICONS / folder / svg.name)).render(
                    painter, QRectF(x0 + 20 + col * (scale + 24), 180 + row * 90, scale, scale)
                )
        for row, scale in enumerate((16, 32)):
            for col, svg in enumerate(levels):
                QSvgRenderer(str(svg)).render(
                    painter, QRectF(x0 + 20 + col * (scale + 24), 380 + row * 60, scale, scale)
                )
    painter.end()
    image.save(str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", type=Path, help="also write a contact sheet PNG here")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    for path in render_all():
        print(f"wrote {path.relative_to(ROOT)}")
    if args.preview:
        render_preview(args.preview)
        print(f"preview: {args.preview}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
