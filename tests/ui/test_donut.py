"""The custodial/self-custody donut: slice angles, and where each colour is painted."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from exposure_app.ui.charts.donut import FULL_CIRCLE, slice_spans

pytestmark = pytest.mark.usefixtures("qapp")


def test_slices_run_clockwise_from_twelve_o_clock():
    assert slice_spans([3.0, 1.0]) == [(90.0, -270.0), (-180.0, -90.0)]
    assert slice_spans([0.0, 5.0]) == [(90.0, 0.0), (90.0, -FULL_CIRCLE)]
    assert slice_spans([-2.0, 0.0]) == [(90.0, 0.0), (90.0, 0.0)]   # nothing to show


def _close(a: QColor, b: QColor) -> bool:
    return all(abs(x - y) <= 2 for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def test_each_share_is_painted_in_its_colour_and_an_empty_split_in_grey(qtbot):
    from exposure_app.ui.charts.donut import DonutChart

    donut = DonutChart()
    qtbot.addWidget(donut)
    custodial, wallet = QColor("#5B6B8C"), QColor("#009E73")
    donut.set_slices([(75.0, custodial), (25.0, wallet)], "75%")
    image = donut.grab().toImage()
    # the ring is between radius 0.62 * 71 and 71 around (75, 75): sample at radius ~58
    assert _close(image.pixelColor(75 + 58, 75), custodial)      # 3 o'clock
    assert _close(image.pixelColor(75, 75 + 58), custodial)      # 6 o'clock
    assert _close(image.pixelColor(75 - 41, 75 - 41), wallet)    # half past ten
    hole = image.pixelColor(75, 75 - 30)                          # inside, above the caption
    assert not _close(hole, custodial) and not _close(hole, wallet)
    assert donut.toolTip() == "75%"
    donut.set_slices([(0.0, custodial), (0.0, wallet)], "—")
    empty = donut.grab().toImage().pixelColor(75 + 58, 75)
    assert not _close(empty, custodial) and not _close(empty, wallet)
    assert empty.rgb() != hole.rgb()                              # a grey ring, not nothing
