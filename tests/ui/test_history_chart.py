"""The history chart: which bands it stacks, and that it paints them where they belong."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType

import numpy as np
import pytest

from exposure_app.services.history import HistoryPoint

pytestmark = pytest.mark.usefixtures("qapp")


def point(day: date, by_counterparty: dict[str, str], self_custody: str) -> HistoryPoint:
    values = {k: Decimal(v) for k, v in by_counterparty.items()}
    custodial = sum(values.values(), Decimal(0))
    return HistoryPoint(day=day, by_counterparty=MappingProxyType(values),
                        self_custody=Decimal(self_custody), custodial=custodial,
                        net_worth=custodial + Decimal(self_custody))


def series(days: int, **values: tuple[str, str]) -> list[HistoryPoint]:
    """``days`` points; each custodian (and ``wallet``) goes linearly from its first to its last value."""
    wallet = values.pop("wallet", ("0", "0"))
    out = []
    for i in range(days):
        t = Decimal(i) / Decimal(max(days - 1, 1))

        def at(pair: tuple[str, str], t: Decimal = t) -> str:
            return str(Decimal(pair[0]) + (Decimal(pair[1]) - Decimal(pair[0])) * t)

        out.append(point(date(2022, 1, 1) + timedelta(days=i),
                         {cp: at(pair) for cp, pair in values.items()}, at(wallet)))
    return out


def test_bands_are_ordered_by_the_last_day_with_self_custody_on_top():
    from exposure_app.ui.charts.history_chart import stacked_values
    from exposure_app.ui.charts.theme import SELF_CUSTODY_COLOUR

    points = series(3, ftx=("900", "10"), kraken=("100", "500"), wallet=("5", "7"))
    bands, values = stacked_values(points, {"ftx": "FTX", "kraken": "Kraken"})
    assert [name for name, _ in bands] == ["Kraken", "FTX", "Self-custody"]
    assert bands[-1][1].name().lower() == SELF_CUSTODY_COLOUR.lower()
    assert values.shape == (3, 3)
    np.testing.assert_allclose(values[0], [100, 300, 500])
    np.testing.assert_allclose(values[1], [900, 455, 10])
    np.testing.assert_allclose(values[2], [5, 6, 7])


def test_custodians_beyond_the_limit_are_summed_into_one_band():
    from exposure_app.ui.charts.history_chart import MAX_SERIES, stacked_values

    many = {f"cp{i:02d}": (str(i + 1), str(i + 1)) for i in range(MAX_SERIES + 3)}
    points = series(2, **many)
    bands, values = stacked_values(points, {})
    names = [name for name, _ in bands]
    assert len(bands) == MAX_SERIES + 2
    assert names[-2] == "Other custodians (3)" and names[-1] == "Self-custody"
    # the three smallest (1, 2, 3) are the "other" band; nothing is lost from the total
    np.testing.assert_allclose(values[-2], [6, 6])
    np.testing.assert_allclose(values.sum(axis=0), [float(p.net_worth) for p in points])


def test_band_polygons_close_each_band_on_the_one_below():
    from exposure_app.ui.charts.stacked_areas import band_polygons

    x = np.array([0.0, 1.0, 2.0])
    tops = np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 5.0]])
    (first_area, first_edge), (second_area, second_edge) = band_polygons(x, tops)
    as_pairs = lambda polygon: [(p.x(), p.y()) for p in polygon]  # noqa: E731
    assert as_pairs(first_area) == [(0, 1), (1, 2), (2, 3), (2, 0), (1, 0), (0, 0)]
    assert as_pairs(second_area) == [(0, 4), (1, 4), (2, 5), (2, 3), (1, 2), (0, 1)]
    assert as_pairs(second_edge) == [(0, 4), (1, 4), (2, 5)]
    assert as_pairs(first_edge) == [(0, 1), (1, 2), (2, 3)]


def test_mismatched_band_data_is_refused():
    from PySide6.QtGui import QColor

    from exposure_app.ui.charts.stacked_areas import StackedAreasItem

    with pytest.raises(ValueError, match="shape"):
        StackedAreasItem().set_bands(np.zeros(3), np.zeros((2, 3)), [QColor("red")])


def test_long_histories_are_thinned_but_keep_the_last_day(qtbot):
    from exposure_app.ui.charts.history_chart import MAX_POINTS, HistoryChart

    chart = HistoryChart()
    qtbot.addWidget(chart)
    points = series(5 * 365, binance=("1000", "3000"), wallet=("10", "20"))
    chart.set_series(points, {"binance": "Binance"})
    edge = chart.areas.bands[0].edge
    assert len(chart.points) == len(points)
    assert len(edge) <= MAX_POINTS + 1
    assert edge[len(edge) - 1].y() == pytest.approx(3000)
    top = chart.areas.bands[-1].edge
    assert top[len(top) - 1].y() == pytest.approx(3020)
    assert [name for name, _ in chart.legend_entries] == ["Binance", "Self-custody"]


def test_each_band_is_painted_in_its_colour_where_its_values_are(qtbot):
    """Sample the rendered pixels inside each band: the fill colour over the background."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor

    from exposure_app.ui.charts.history_chart import HistoryChart, day_to_ts
    from exposure_app.ui.charts.stacked_areas import FILL_ALPHA

    chart = HistoryChart()
    qtbot.addWidget(chart)
    chart.resize(900, 500)
    chart.show()
    qtbot.waitExposed(chart)
    # constant bands: Binance 0-600, Kraken 600-900, self-custody 900-1000
    points = series(60, binance=("600", "600"), kraken=("300", "300"), wallet=("100", "100"))
    chart.set_series(points, {"binance": "Binance", "kraken": "Kraken"})
    image = chart.grab().toImage()
    view_box = chart.getPlotItem().getViewBox()
    background = image.pixelColor(chart.mapFromScene(view_box.mapViewToScene(
        QPointF(day_to_ts(points[30].day), 1040))))

    def pixel(value: float):
        scene = view_box.mapViewToScene(QPointF(day_to_ts(points[30].day), value))
        return image.pixelColor(chart.mapFromScene(scene))

    def blended(colour) -> tuple[int, int, int]:
        a = FILL_ALPHA / 255
        return tuple(round(c * a + b * (1 - a)) for c, b in zip(
            (colour.red(), colour.green(), colour.blue()),
            (background.red(), background.green(), background.blue()), strict=True))

    def most_common(low: float, high: float):
        """The commonest colour on a vertical run inside (low, high): grid lines cross some pixels."""
        from collections import Counter

        samples = [pixel(low + (high - low) * k / 20) for k in range(2, 19)]
        return Counter(c.name() for c in samples).most_common(1)[0][0]

    for (name, colour), (low, high) in zip(
            chart.legend_entries, ((0, 600), (600, 900), (900, 1000)), strict=True):
        got = QColor(most_common(low, high))
        assert all(abs(g - e) <= 3 for g, e in zip(
            (got.red(), got.green(), got.blue()), blended(colour), strict=True)), (name, got.name())
    assert pixel(1040) == background   # above net worth: nothing drawn


def test_the_thinning_step_keeps_at_most_max_points_plus_the_last_day():
    from exposure_app.ui.charts.history_chart import MAX_POINTS, thinning_step

    for days in (1, MAX_POINTS, MAX_POINTS + 1, 1826, 10 * 365):
        step = thinning_step(days)
        kept = len(range(0, days, step)) + (0 if (days - 1) % step == 0 else 1)
        assert kept <= MAX_POINTS + 1
        assert step == 1 or len(range(0, days, step - 1)) > MAX_POINTS   # no coarser than needed
