"""The monthly usage bar chart (PNG) with the tier thresholds as dashed lines.

Drawn with matplotlib's object API (``Figure`` + Agg canvas, no pyplot state), so it is
safe to call from worker threads (``asyncio.to_thread``). Every text artist gets the CJK
font file explicitly; rcParams are never touched.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from itertools import cycle, pairwise

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.reports.fonts import cjk_font_properties

WIDTH_PX, HEIGHT_PX, DPI = 1000, 560, 100
BAR_COLOUR = "#00706B"  # State Grid green
THRESHOLD_COLOURS = ("#E6A23C", "#D9534F", "#8E44AD")
TEXT_COLOUR = "#333333"
GRID_COLOUR = "#E5E5E5"
Y_LABEL = "用电量（度）"
MIN_SLOTS = 6  # a chart of one or two months keeps bars of a normal width
ROTATE_AFTER = 13  # more months than this: slanted month labels


def month_labels(months: Sequence[date]) -> list[str]:
    """``2025年12月`` for the first month and wherever the year changes, else ``1月``."""
    labels = []
    for index, month in enumerate(months):
        new_year = index == 0 or month.year != months[index - 1].year
        labels.append(f"{month.year}年{month.month}月" if new_year else f"{month.month}月")
    return labels


def _check_points(points: Sequence[tuple[date, int]]) -> None:
    if not points:
        raise ValueError("a usage chart needs at least one month of usage; got no points")
    months = [month for month, _ in points]
    if any(later <= earlier for earlier, later in pairwise(months)):
        raise ValueError("usage points must be in ascending month order, each month once")
    if any(kwh < 0 for _, kwh in points):
        raise ValueError("monthly usage (kWh) cannot be negative")


def render_usage_chart(
    points: Sequence[tuple[date, int]], thresholds: Sequence[tuple[str, int]], *, title: str
) -> bytes:
    """PNG bytes (1000×560 px): one bar per ``(first day of month, kWh)``, oldest first, all points drawn;
    ``thresholds`` are ``(label, monthly kWh)`` dashed lines such as ``("第二档起（月均230度）", 230)``."""
    figure = usage_figure(points, thresholds, title=title)
    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()
    finally:
        figure.clear()


def usage_figure(points: Sequence[tuple[date, int]], thresholds: Sequence[tuple[str, int]], *, title: str) -> Figure:
    """The chart as a Figure on its own Agg canvas, not yet drawn (what :func:`render_usage_chart` saves)."""
    _check_points(points)
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    kwhs = [kwh for _, kwh in points]
    _draw_bars(axes, [month for month, _ in points], kwhs)
    _draw_thresholds(axes, thresholds)
    _style_axes(axes, top=max([*kwhs, *(kwh for _, kwh in thresholds), 1]))
    axes.set_title(title, loc="left", pad=14, color=TEXT_COLOUR, fontproperties=cjk_font_properties(15))
    figure.tight_layout()
    return figure


def _draw_bars(axes: Axes, months: Sequence[date], kwhs: Sequence[int]) -> None:
    positions = list(range(len(kwhs)))
    bars = axes.bar(positions, kwhs, color=BAR_COLOUR, width=0.62, zorder=2)
    # The white box keeps a value readable where a threshold line crosses it.
    axes.bar_label(
        bars, labels=[str(kwh) for kwh in kwhs], padding=3, color=TEXT_COLOUR, fontproperties=cjk_font_properties(9),
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}, zorder=4,
    )
    rotation = 0 if len(kwhs) <= ROTATE_AFTER else 45
    axes.set_xticks(
        positions, month_labels(months), rotation=rotation, ha="right" if rotation else "center",
        color=TEXT_COLOUR, fontproperties=cjk_font_properties(9),
    )
    margin = (max(MIN_SLOTS, len(kwhs)) - len(kwhs)) / 2 + 0.6
    axes.set_xlim(-margin, len(kwhs) - 1 + margin)


def _draw_thresholds(axes: Axes, thresholds: Sequence[tuple[str, int]]) -> None:
    for (label, kwh), colour in zip(thresholds, cycle(THRESHOLD_COLOURS)):
        axes.axhline(kwh, color=colour, linestyle="--", linewidth=1.5, label=label, zorder=3)
    if thresholds:
        axes.legend(
            loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(thresholds), frameon=False,
            prop=cjk_font_properties(9), labelcolor=TEXT_COLOUR, handlelength=2.4,
        )


def _style_axes(axes: Axes, top: int) -> None:
    """Fixed integer y ticks, so each tick label can be given the CJK font before drawing."""
    limit = top * 1.15
    ticks = [tick for tick in MaxNLocator(nbins=6, integer=True).tick_values(0, limit) if 0 <= tick <= limit]
    axes.set_ylim(0, limit)
    axes.set_yticks(ticks, [f"{tick:.0f}" for tick in ticks], color=TEXT_COLOUR, fontproperties=cjk_font_properties(9))
    axes.set_ylabel(Y_LABEL, color=TEXT_COLOUR, fontproperties=cjk_font_properties(10))
    axes.grid(axis="y", color=GRID_COLOUR, zorder=0)
    axes.tick_params(length=0, axis="x")
    axes.spines[["top", "right", "left"]].set_visible(False)
    axes.spines["bottom"].set_color("#999999")
