from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from bot.reports.fonts import cjk_font_path
from bot.reports.usage_chart import month_labels, render_usage_chart, usage_figure

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TITLE = "户号3301000001近12个月用电趋势"
THRESHOLDS = [("第二档起（月均230度）", 230), ("第三档起（月均400度）", 400)]
KWHS = [310, 402, 350, 220, 180, 0, 160, 390, 520, 480, 260, 200]
TWELVE_MONTHS = [(date(2025 + (11 + i) // 12, (11 + i) % 12 + 1, 1), kwh) for i, kwh in enumerate(KWHS)]

# A warning while drawing fails the test, in particular "Glyph … missing from current font".
pytestmark = pytest.mark.filterwarnings("error::UserWarning")


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def drawn(figure: Figure) -> Figure:
    figure.canvas.draw()
    return figure


def test_twelve_months_render_as_a_1000_by_560_png() -> None:
    assert TWELVE_MONTHS[0][0] == date(2025, 12, 1) and TWELVE_MONTHS[-1][0] == date(2026, 11, 1)
    assert png_size(render_usage_chart(TWELVE_MONTHS, THRESHOLDS, title=TITLE)) == (1000, 560)


@pytest.mark.parametrize(
    "points",
    [TWELVE_MONTHS[-1:], TWELVE_MONTHS[-5:], [(date(2026, 5, 1), 0), (date(2026, 6, 1), 0)]],
    ids=["one month", "five months", "all zero"],
)
def test_short_and_zero_series_render_at_the_same_size(points: list[tuple[date, int]]) -> None:
    assert png_size(render_usage_chart(points, THRESHOLDS, title=TITLE)) == (1000, 560)


def test_a_chart_without_thresholds_renders() -> None:
    assert png_size(render_usage_chart(TWELVE_MONTHS, [], title=TITLE)) == (1000, 560)


def test_every_text_is_drawn_with_the_cjk_font_file() -> None:
    figure = drawn(usage_figure(TWELVE_MONTHS, THRESHOLDS, title=TITLE))
    texts = [text for text in figure.findobj(Text) if text.get_visible() and text.get_text()]
    assert {"用电量（度）", TITLE, "第二档起（月均230度）", "2025年12月"} <= {text.get_text() for text in texts}
    assert {text.get_text() for text in texts if Path(text.get_fontproperties().get_file() or "") != cjk_font_path()} \
        == set()


def test_the_missing_glyph_guard_catches_the_default_font() -> None:
    """What the tests above rule out: Chinese in matplotlib's default font (DejaVu) is drawn as boxes."""
    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, "用电量")
    with pytest.warns(UserWarning, match="missing from current font"):
        drawn(figure)


def test_bars_value_labels_and_threshold_lines() -> None:
    figure = drawn(usage_figure(TWELVE_MONTHS, THRESHOLDS, title=TITLE))
    axes = figure.axes[0]
    assert [patch.get_height() for patch in axes.patches] == KWHS
    value_labels = [text.get_text() for text in axes.texts]
    assert value_labels == [str(kwh) for kwh in KWHS]  # "0" for the zero month too
    dashed = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    assert [line.get_ydata()[0] for line in dashed] == [230, 400]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == [label for label, _ in THRESHOLDS]
    assert axes.get_ylim()[1] > max(KWHS)


def test_month_labels_show_the_year_where_it_changes() -> None:
    months = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert month_labels(months) == ["2025年11月", "12月", "2026年1月", "2月"]


def test_no_points_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="at least one month"):
        render_usage_chart([], THRESHOLDS, title=TITLE)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(date(2026, 2, 1), 10), (date(2026, 1, 1), 10)], "ascending"),
        ([(date(2026, 1, 1), 10), (date(2026, 1, 1), 10)], "ascending"),
        ([(date(2026, 1, 1), -1)], "negative"),
    ],
)
def test_bad_points_are_value_errors(points: list[tuple[date, int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_usage_chart(points, THRESHOLDS, title=TITLE)


def test_worker_threads_render_the_same_png() -> None:
    """No pyplot state: concurrent renders (as from asyncio.to_thread) neither clash nor differ."""
    expected = render_usage_chart(TWELVE_MONTHS, THRESHOLDS, title=TITLE)
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: render_usage_chart(TWELVE_MONTHS, THRESHOLDS, title=TITLE), range(3)))
    assert results == [expected] * 3
