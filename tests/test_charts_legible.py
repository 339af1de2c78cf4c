"""Charts as printed in the report: a serif font matching the Times body, chosen without warnings;
no title inside the image (the caption carries it); tick labels that neither collide nor shrink."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import pytest

from pipeline.outputs import charts, indicators
from pipeline.store import warehouse


@pytest.fixture(scope="module")
def results(demo_build, config):
    con = warehouse.connect(demo_build[1])
    out = indicators.compute(con, config)
    con.close()
    return out


def test_serif_font_is_found_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        name = charts.serif()
    assert name in charts.SERIF
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=name), fallback_to_default=False)
    assert set(map(ord, charts.VIETNAMESE)) <= set(FT2Font(path).get_charmap())  # ơ, ư, ạ … all present


def test_drawing_every_chart_warns_of_no_missing_glyph(results, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        files = charts.draw_all(results, tmp_path)
    assert len(files) == len(charts.CHARTS)


@pytest.mark.parametrize("chart", charts.CHARTS, ids=[c.name for c in charts.CHARTS])
def test_chart_has_no_title_and_legible_labels_in_serif(chart, results):
    fig = charts.figure(chart, results)
    try:
        assert fig._suptitle is None and not any(ax.get_title() for ax in fig.axes if len(fig.axes) == 1)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
                for t in labels:
                    assert t.get_fontsize() >= 7, (chart.name, t.get_text(), t.get_fontsize())
                    assert t.get_fontfamily()[0] == charts.serif(), t.get_fontfamily()
                boxes = [t.get_window_extent(renderer) for t in labels]
                for a, b in zip(boxes, boxes[1:], strict=False):
                    assert not a.overlaps(b), (chart.name, [t.get_text() for t in labels])
    finally:
        plt.close(fig)
