"""Line, bar, interval (ranked dot plot) and paired bar charts."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from webapp.chart_text import text_width, wrapped
from webapp.charts.drawing import (
    DASHES,
    FONT_SIZE,
    INSET,
    LINE_HEIGHT,
    MARKERS,
    SMALL_FONT_SIZE,
    WIDTH,
    Mirror,
    chart_id_for,
    fitted,
    hatch_defs,
    marker,
    short_number,
    svg_start,
    text_element,
    with_value,
)

MAX_X_LABELS = 8


def line_chart(series: Sequence[tuple[str, Sequence[float | None]]], x_labels: Sequence[str], title: str,
               y_min: float, y_max: float, *, desc: str = "", chart_id: str | None = None,
               y_ticks: Sequence[float] | None = None, rtl: bool = False) -> Markup:
    """Lines over a shared x axis: ``series`` is [(name, values)], a value None leaves a gap.

    With more than one series a legend names each by its marker and dash pattern. The x
    labels are thinned out so that none overlaps the next.
    """
    chart_id = chart_id_for(title, chart_id)
    mirror = Mirror(rtl)
    count = len(x_labels)
    ticks = list(y_ticks if y_ticks is not None else range(math.ceil(y_min), math.floor(y_max) + 1))
    # the plot starts where the widest number of the scale, right-aligned 8 units before it, leaves it room
    left = max(30.0, 12 + max((text_width(short_number(tick), SMALL_FONT_SIZE) for tick in ticks), default=0))
    right, top, plot_height = 12, 10, 150
    bottom = top + plot_height
    plot_width = WIDTH - left - right
    per_row = 2 if all(text_width(name, SMALL_FONT_SIZE) <= plot_width / 2 - 40 for name, _values in series) else 1
    legend_rows = math.ceil(len(series) / per_row) if len(series) > 1 else 0
    height = bottom + 28 + legend_rows * 22

    def x_at(index: int) -> float:
        return left + plot_width / 2 if count == 1 else left + 10 + index * (plot_width - 20) / (count - 1)

    def y_at(value: float) -> float:
        return bottom - (value - y_min) / (y_max - y_min) * plot_height

    parts = svg_start(chart_id, height, title, desc, "line", mirror)
    parts.append(f'<g class="chart-axis" font-size="{SMALL_FONT_SIZE}" fill="currentColor">')
    for tick in ticks:
        y = short_number(y_at(tick))
        parts.append(f'<line class="chart-grid" x1="{mirror.x(left)}" x2="{mirror.x(WIDTH - right)}" y1="{y}" '
                     f'y2="{y}" stroke="currentColor" stroke-opacity="0.25"/>')
        parts.append(f'<text x="{mirror.x(left - 8)}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                     f'{escape(short_number(tick))}</text>')
    edge_room = min(x_at(0), WIDTH - x_at(count - 1))  # from the outermost points to the chart's sides
    spacing = x_at(1) - x_at(0) if count > 1 else plot_width
    for index in _spaced_labels(x_labels, spacing, SMALL_FONT_SIZE, edge_room):
        half = text_width(x_labels[index], SMALL_FONT_SIZE) / 2  # a label near an edge is moved in, not cut off
        x = min(max(x_at(index), half + 2), WIDTH - half - 2)
        parts.append(f'<text x="{mirror.x(x)}" y="{bottom + 18}" text-anchor="middle">{escape(x_labels[index])}</text>')
    parts.append("</g>")
    for number, (name, values) in enumerate(series):
        shape, dash = MARKERS[number % len(MARKERS)], DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chart-series chart-series-{number % len(MARKERS)}">')
        segment: list[str] = []
        for index, value in enumerate([*values, None]):
            if value is not None:
                segment.append(f"{mirror.x(x_at(index))},{short_number(y_at(value))}")
            elif segment:
                if len(segment) > 1:
                    parts.append(f'<polyline class="chart-line" points="{" ".join(segment)}" fill="none" '
                                 f'stroke="currentColor" stroke-width="2"{dash_attr}/>')
                segment = []
        for index, value in enumerate(values):
            if value is not None:
                parts.append(marker(shape, mirror.at(x_at(index)), y_at(value)))
        parts.append("</g>")
    for number, (name, _values) in enumerate(series if legend_rows else ()):
        x = left + (number % per_row) * (plot_width / 2)
        y = bottom + 40 + (number // per_row) * 22
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chart-legend chart-series-{number % len(MARKERS)}" font-size="{SMALL_FONT_SIZE}">'
                     f'<line x1="{mirror.x(x)}" x2="{mirror.x(x + 28)}" y1="{y}" y2="{y}" stroke="currentColor" '
                     f'stroke-width="2"{dash_attr}/>{marker(MARKERS[number % len(MARKERS)], mirror.at(x + 14), y)}'
                     f'<text x="{mirror.x(x + 36)}" y="{y}" dominant-baseline="middle" fill="currentColor">'
                     f'{fitted(name, plot_width / per_row - 40, SMALL_FONT_SIZE)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _spaced_labels(labels: Sequence[str], spacing: float, font_size: float, edge_room: float) -> list[int]:
    """The positions of the x labels to write, ``spacing`` apart: every ``step``-th one, the step
    the smallest that leaves a gap between neighbours (at most ``MAX_X_LABELS``), counting the
    label at either end moved in from the chart's side when ``edge_room`` is too little for its
    half; the last one too, in place of the one before it."""
    count = len(labels)
    widest = max((text_width(label, font_size) for label in labels), default=0)
    moved_in = max(0.0, widest / 2 + 2 - edge_room)
    step = max(1, math.ceil(count / MAX_X_LABELS), math.ceil((widest + 6 + moved_in) / spacing))
    chosen = list(range(0, count, step))
    if len(chosen) > 1 and chosen[-1] != count - 1:
        chosen[-1] = count - 1  # the last label is written in place of its neighbour, which is too near it
    return chosen


def bar_chart(bars: Sequence[tuple[str, float]], title: str, *, desc: str = "", chart_id: str | None = None,
              centered: bool = False, rtl: bool = False) -> Markup:
    """Horizontal bars, one per (label, value), each under its name and value (on as many lines as they need).

    ``centered`` centres every bar on the middle line, which draws a pyramid when the
    bars are ordered from top to bottom level.
    """
    chart_id = chart_id_for(title, chart_id)
    mirror = Mirror(rtl)
    bar_height = 16
    largest = max((value for _label, value in bars), default=0) or 1
    body, y = [], 6.0
    for label, value in bars:
        width = max(value / largest * (WIDTH - 40), 0)
        x = (WIDTH - width) / 2 if centered else 0
        anchor, text_x = ("middle", WIDTH / 2) if centered else ("start", INSET)
        lines, tooltip = with_value(label, short_number(value), WIDTH - 2 * INSET, mirror)
        body.append(text_element(lines, mirror.x(text_x), y + 13, f' text-anchor="{anchor}"', tooltip))
        top = y + 20 + (len(lines) - 1) * LINE_HEIGHT
        if width:
            body.append(f'<rect class="chart-bar" x="{mirror.left(x, width)}" y="{short_number(top)}" '
                        f'width="{short_number(width)}" height="{bar_height}" fill="currentColor"/>')
        else:
            body.append(f'<line class="chart-zero" x1="{mirror.x(x)}" x2="{mirror.x(x)}" y1="{short_number(top)}" '
                        f'y2="{short_number(top + bar_height)}" stroke="currentColor"/>')
        y = top + bar_height + 8
    parts = svg_start(chart_id, y + 4, title, desc, "bar", mirror)
    parts.append(f'<g font-size="{FONT_SIZE}" fill="currentColor">{"".join(body)}</g></svg>')
    return Markup("".join(parts))



def interval_chart(items: Sequence[tuple[str, float | None, float | None, float | None]], title: str,
                   x_min: float, x_max: float, *, desc: str = "", chart_id: str | None = None,
                   missing_text: str = "–", ticks: Sequence[float] | None = None,
                   written: Callable[[float], str] = short_number, rtl: bool = False) -> Markup:
    """A ranked dot plot: per (label, value, low, high) a dot at the value and a bar over the interval.

    The label and the value (as ``written`` writes it, e.g. as the table beside it does) are
    written above each row, on as many lines as they need; a row whose value is None shows
    ``missing_text`` instead (e.g. "too few to say").
    """
    chart_id = chart_id_for(title, chart_id)
    mirror = Mirror(rtl)
    left, right, top = 8, 8, 22
    plot_width = WIDTH - left - right

    def x_at(value: float) -> float:
        return left + (min(max(value, x_min), x_max) - x_min) / (x_max - x_min) * plot_width

    rows, y = [], float(top)
    for label, value, low, high in items:
        lines, tooltip = with_value(label, missing_text if value is None else written(value), WIDTH - left - 2, mirror)
        rows.append(text_element(lines, mirror.x(left), y + 13, tooltip=tooltip))
        middle = y + 26 + (len(lines) - 1) * LINE_HEIGHT
        y = middle + 14
        if value is None:
            continue
        if low is not None and high is not None:
            x1, x2 = mirror.x(x_at(low)), mirror.x(x_at(high))
            up, mid, down = short_number(middle - 5), short_number(middle), short_number(middle + 5)
            rows.append(f'<path class="chart-interval" d="M{x1} {mid}H{x2}M{x1} {up}V{down}M{x2} {up}V{down}" '
                        f'stroke="currentColor" stroke-width="2" fill="none"/>')
        rows.append(marker("diamond", mirror.at(x_at(value)), middle, 5))
    height = y + 8
    parts = svg_start(chart_id, height, title, desc, "interval", mirror)
    parts.append(f'<g class="chart-axis" font-size="{SMALL_FONT_SIZE}" fill="currentColor">')
    for tick in ticks if ticks is not None else range(math.ceil(x_min), math.floor(x_max) + 1):
        x = mirror.x(x_at(tick))
        parts.append(f'<line class="chart-grid" x1="{x}" x2="{x}" y1="{top - 4}" y2="{short_number(height - 6)}" '
                     f'stroke="currentColor" stroke-opacity="0.2" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x}" y="{top - 8}" text-anchor="middle">{escape(short_number(tick))}</text>')
    parts.append(f'</g><g font-size="{FONT_SIZE}" fill="currentColor">{"".join(rows)}</g></svg>')
    return Markup("".join(parts))


def paired_bar_chart(items: Sequence[tuple[str, float, float]], names: tuple[str, str], title: str, *,
                     desc: str = "", chart_id: str | None = None, percent: bool = True, rtl: bool = False) -> Markup:
    """Two bars per (label, first, second): the first solid, the second hatched, each with its value written."""
    chart_id = chart_id_for(title, chart_id)
    mirror = Mirror(rtl)
    bar = 14

    def written(value: float) -> str:
        return f"{round(value * 100)}%" if percent else short_number(value)

    largest = max((max(a, b) for _l, a, b in items), default=0) or 1
    widest_value = max((text_width(written(v), SMALL_FONT_SIZE) for _l, a, b in items for v in (a, b)), default=0)
    scale = (WIDTH - widest_value - 8) / largest
    # the legend's two names side by side when each fits half the width, else one above the other
    side_by_side = all(text_width(name, SMALL_FONT_SIZE) <= WIDTH / 2 - 24 for name in names)
    legend = []
    for number, (name, fill) in enumerate(zip(names, ("currentColor", f"url(#{chart_id}-hatch)"))):
        x, y = (number * WIDTH / 2, 4) if side_by_side else (0, 4 + number * 22)
        outline = "" if number == 0 else ' stroke="currentColor"'
        legend.append(f'<rect class="chart-bar" x="{mirror.left(x, 14)}" y="{y}" width="14" height="14" '
                      f'fill="{fill}"{outline}/><text x="{mirror.x(x + 20)}" y="{y + 11}">'
                      f'{fitted(name, WIDTH - x - 22, SMALL_FONT_SIZE)}</text>')
    rows, y = [], 34.0 if side_by_side else 56.0
    for label, first, second in items:
        lines, cut = wrapped(label, WIDTH - 2 * INSET, FONT_SIZE)
        rows.append(text_element([escape(line) for line in lines], mirror.x(INSET), y + 12, f' font-size="{FONT_SIZE}"',
                          label if cut else None))
        top = y + 17 + (len(lines) - 1) * LINE_HEIGHT
        for offset, value, fill in ((0, first, "currentColor"), (bar + 4, second, f"url(#{chart_id}-hatch)")):
            width = max(value * scale, 1)
            rows.append(f'<rect class="chart-bar" x="{mirror.left(0, width)}" y="{short_number(top + offset)}" '
                        f'width="{short_number(width)}" height="{bar}" fill="{fill}" stroke="currentColor"/>')
            rows.append(f'<text x="{mirror.x(width + 4)}" y="{short_number(top + offset + 11)}">'
                        f'{escape(written(value))}</text>')
        y = top + 2 * bar + 4 + 12
    parts = svg_start(chart_id, y - 6, title, desc, "paired", mirror)
    parts.append(hatch_defs(chart_id))
    parts.append(f'<g font-size="{SMALL_FONT_SIZE}" fill="currentColor" class="chart-legend">{"".join(legend)}</g>')
    parts.append(f'<g font-size="{SMALL_FONT_SIZE}" fill="currentColor">{"".join(rows)}</g></svg>')
    return Markup("".join(parts))
