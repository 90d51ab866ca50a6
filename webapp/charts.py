"""Server-rendered SVG charts: readable without JavaScript, in black and white, and by screen readers.

Each function returns the markup of one ``<svg>`` with ``role="img"``, a ``<title>`` and a
``<desc>`` it is labelled by; every piece of text is escaped. There are no ``style``
attributes (the Content-Security-Policy forbids them): strokes and fills are presentation
attributes in ``currentColor``, so a chart prints in black and white, and the classes let
the stylesheet colour it. Series are told apart by marker shape and dash pattern, never by
colour alone. Pair every chart with a data table for the numbers.

On a right-to-left page (``rtl=True``) a chart is drawn as its mirror image, as the page
is: labels on the right, bars growing leftwards, scales and time running from right to
left, and its text laid out right to left.
"""
from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 400
#: marker shapes and dash patterns, used in turn by the series of a chart
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MAX_X_LABELS = 8
#: the most room a heatmap gives its row names, and its slanted column names (in the chart's units)
MAX_LABEL_WIDTH = 230
MAX_COLUMN_LABEL_WIDTH = 170


def _number(value: float) -> str:
    """A coordinate or a tick written short (3, 2.5, 12.33)."""
    return f"{round(value, 2):g}"


def _chart_id(title: str, chart_id: str | None) -> str:
    return chart_id or "chart-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]


class _Mirror:
    """Horizontal positions in a chart ``width`` wide, as given or, for a right-to-left page, mirrored.

    Text anchors need no change: with ``direction="rtl"`` on the chart, an anchor's "start"
    is the right-hand end of the text, so mirrored text lines up as the original did.
    """

    def __init__(self, rtl: bool, width: float = WIDTH):
        self.rtl, self.width = rtl, width
        self.direction = "rtl" if rtl else "ltr"

    def at(self, x: float) -> float:
        """Where the point ``x`` of the left-to-right drawing goes."""
        return self.width - x if self.rtl else x

    def x(self, x: float) -> str:
        """``at(x)``, written as a coordinate."""
        return _number(self.at(x))

    def left(self, x: float, length: float) -> str:
        """The left edge of what spans ``x`` to ``x + length`` in the left-to-right drawing."""
        return _number(self.width - x - length if self.rtl else x)

    def isolate(self, label: str) -> str:
        """``label`` escaped, and isolated in the chart's direction (LRI or RLI … PDI): text after it,
        such as ": 4.4", stays after it whatever the label's script. Parts of the label in another
        direction (a name in a label "1. name") are isolated by whoever writes the label."""
        return ("\u2067" if self.rtl else "\u2066") + escape(label) + "\u2069"

    def turn(self, degrees: float) -> str:
        """A rotation as it looks in the mirror."""
        return _number(-degrees if self.rtl else degrees)


def _open(chart_id: str, height: float, title: str, desc: str, kind: str, mirror: _Mirror) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {WIDTH} {_number(height)}" '
        f'role="img" focusable="false" direction="{mirror.direction}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def text_width(text: str, font_size: float) -> float:
    """Roughly how wide ``text`` is drawn: wide (CJK) characters a full em, joined Arabic letters under half
    of one, marks and invisible formatting characters nothing, others about half of one."""
    return font_size * sum(_em(c) for c in text)


def _em(character: str) -> float:
    if unicodedata.east_asian_width(character) in "WF":
        return 1.0
    if unicodedata.category(character) in ("Mn", "Cf"):  # marks drawn on a letter; direction marks in dates
        return 0.0
    return 0.45 if "\u0600" <= character <= "\u06ff" else 0.6


def marker(shape: str, x: float, y: float, size: float = 4.5) -> str:
    """One data point's marker, drawn in ``currentColor``."""
    x_, y_ = _number(x), _number(y)
    if shape == "circle":
        return f'<circle class="chart-marker" cx="{x_}" cy="{y_}" r="{_number(size)}" fill="currentColor"/>'
    if shape == "square":
        return (f'<rect class="chart-marker" x="{_number(x - size)}" y="{_number(y - size)}" '
                f'width="{_number(2 * size)}" height="{_number(2 * size)}" fill="currentColor"/>')
    if shape == "cross":
        d = (f"M{_number(x - size)} {_number(y - size)}L{_number(x + size)} {_number(y + size)}"
             f"M{_number(x - size)} {_number(y + size)}L{_number(x + size)} {_number(y - size)}")
        return f'<path class="chart-marker" d="{d}" stroke="currentColor" stroke-width="2.5" fill="none"/>'
    points = {
        "triangle": ((0, -1.2), (1.1, 0.9), (-1.1, 0.9)),
        "triangle-down": ((0, 1.2), (1.1, -0.9), (-1.1, -0.9)),
        "diamond": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
    }[shape]
    d = "M" + "L".join(f"{_number(x + dx * size)} {_number(y + dy * size)}" for dx, dy in points) + "Z"
    return f'<path class="chart-marker" d="{d}" fill="currentColor"/>'


def line_chart(series: Sequence[tuple[str, Sequence[float | None]]], x_labels: Sequence[str], title: str,
               y_min: float, y_max: float, *, desc: str = "", chart_id: str | None = None,
               y_ticks: Sequence[float] | None = None, rtl: bool = False) -> Markup:
    """Lines over a shared x axis: ``series`` is [(name, values)], a value None leaves a gap.

    With more than one series a legend names each by its marker and dash pattern. The x
    labels are thinned out so that none overlaps the next.
    """
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    count = len(x_labels)
    legend_rows = math.ceil(len(series) / 2) if len(series) > 1 else 0
    left, right, top, plot_height = 34, 16, 14, 150
    bottom = top + plot_height
    height = bottom + 34 + legend_rows * 22
    plot_width = WIDTH - left - right

    def x_at(index: int) -> float:
        return left + plot_width / 2 if count == 1 else left + 10 + index * (plot_width - 20) / (count - 1)

    def y_at(value: float) -> float:
        return bottom - (value - y_min) / (y_max - y_min) * plot_height

    parts = _open(chart_id, height, title, desc, "line", mirror)
    ticks = y_ticks if y_ticks is not None else range(math.ceil(y_min), math.floor(y_max) + 1)
    parts.append('<g class="chart-axis" font-size="13" fill="currentColor">')
    for tick in ticks:
        y = _number(y_at(tick))
        parts.append(f'<line class="chart-grid" x1="{mirror.x(left)}" x2="{mirror.x(WIDTH - right)}" y1="{y}" '
                     f'y2="{y}" stroke="currentColor" stroke-opacity="0.25"/>')
        parts.append(f'<text x="{mirror.x(left - 8)}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                     f'{escape(_number(tick))}</text>')
    edge_room = min(x_at(0), WIDTH - x_at(count - 1))  # from the outermost points to the chart's sides
    for index in _spaced_labels(x_labels, x_at(1) - x_at(0) if count > 1 else plot_width, 13, edge_room):
        half = text_width(x_labels[index], 13) / 2  # a label under a point near an edge is moved in, not cut off
        x = min(max(x_at(index), half + 2), WIDTH - half - 2)
        parts.append(f'<text x="{mirror.x(x)}" y="{bottom + 20}" text-anchor="middle">{escape(x_labels[index])}</text>')
    parts.append("</g>")
    for number, (name, values) in enumerate(series):
        shape, dash = MARKERS[number % len(MARKERS)], DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chart-series chart-series-{number % len(MARKERS)}">')
        segment: list[str] = []
        for index, value in enumerate([*values, None]):
            if value is not None:
                segment.append(f"{mirror.x(x_at(index))},{_number(y_at(value))}")
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
        x = left + (number % 2) * (plot_width / 2)
        y = bottom + 44 + (number // 2) * 22
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chart-legend chart-series-{number % len(MARKERS)}" font-size="12">'
                     f'<line x1="{mirror.x(x)}" x2="{mirror.x(x + 28)}" y1="{y}" y2="{y}" stroke="currentColor" '
                     f'stroke-width="2"{dash_attr}/>{marker(MARKERS[number % len(MARKERS)], mirror.at(x + 14), y)}'
                     f'<text x="{mirror.x(x + 36)}" y="{y}" dominant-baseline="middle" fill="currentColor">'
                     f'{escape(name)}</text></g>')
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
    """Horizontal bars, one per (label, value), each labelled with its name and value.

    ``centered`` centres every bar on the middle line, which draws a pyramid when the
    bars are ordered from top to bottom level.
    """
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    row, top, bar_height = 44, 6, 16
    height = top + row * len(bars) + 4
    largest = max((value for _label, value in bars), default=0) or 1
    parts = _open(chart_id, height, title, desc, "bar", mirror)
    parts.append('<g font-size="13" fill="currentColor">')
    for index, (label, value) in enumerate(bars):
        y = top + index * row
        width = max(value / largest * (WIDTH - 60), 0)
        x = (WIDTH - width) / 2 if centered else 0
        anchor, text_x = ("middle", WIDTH / 2) if centered else ("start", 0)
        parts.append(f'<text x="{mirror.x(text_x)}" y="{y + 13}" text-anchor="{anchor}">'
                     f'{mirror.isolate(label)}: {escape(_number(value))}</text>')
        if width:
            parts.append(f'<rect class="chart-bar" x="{mirror.left(x, width)}" y="{y + 20}" width="{_number(width)}" '
                         f'height="{bar_height}" fill="currentColor"/>')
        else:
            parts.append(f'<line class="chart-zero" x1="{mirror.x(x)}" x2="{mirror.x(x)}" y1="{y + 20}" '
                         f'y2="{y + 20 + bar_height}" stroke="currentColor"/>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


def _pattern_defs(chart_id: str) -> str:
    """Hatching for bars and cells that must read apart from solid ones in black and white."""
    return (f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" '
            f'stroke-width="2"/></pattern></defs>')


def interval_chart(items: Sequence[tuple[str, float | None, float | None, float | None]], title: str,
                   x_min: float, x_max: float, *, desc: str = "", chart_id: str | None = None,
                   missing_text: str = "–", ticks: Sequence[float] | None = None,
                   written: Callable[[float], str] = _number, rtl: bool = False) -> Markup:
    """A ranked dot plot: per (label, value, low, high) a dot at the value and a bar over the interval.

    The label and the value (as ``written`` writes it, e.g. as the table beside it does) are
    written above each row; a row whose value is None shows ``missing_text`` instead (e.g.
    "too few to say").
    """
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    left, right, top, row = 8, 8, 22, 40
    height = top + row * len(items) + 8
    plot_width = WIDTH - left - right

    def x_at(value: float) -> float:
        return left + (min(max(value, x_min), x_max) - x_min) / (x_max - x_min) * plot_width

    parts = _open(chart_id, height, title, desc, "interval", mirror)
    parts.append('<g class="chart-axis" font-size="11" fill="currentColor">')
    for tick in ticks if ticks is not None else range(math.ceil(x_min), math.floor(x_max) + 1):
        x = mirror.x(x_at(tick))
        parts.append(f'<line class="chart-grid" x1="{x}" x2="{x}" y1="{top - 4}" y2="{height - 6}" '
                     f'stroke="currentColor" stroke-opacity="0.2" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x}" y="{top - 8}" text-anchor="middle">{escape(_number(tick))}</text>')
    parts.append('</g><g font-size="13" fill="currentColor">')
    for index, (label, value, low, high) in enumerate(items):
        y = top + index * row
        shown = missing_text if value is None else written(value)
        parts.append(f'<text x="{mirror.x(left)}" y="{y + 13}">{mirror.isolate(label)}: {escape(shown)}</text>')
        if value is None:
            continue
        middle = y + 26
        if low is not None and high is not None:
            x1, x2 = mirror.x(x_at(low)), mirror.x(x_at(high))
            parts.append(f'<path class="chart-interval" d="M{x1} {middle}H{x2}M{x1} {middle - 5}V{middle + 5}'
                         f'M{x2} {middle - 5}V{middle + 5}" stroke="currentColor" stroke-width="2" fill="none"/>')
        parts.append(marker("diamond", mirror.at(x_at(value)), middle, 5))
    parts.append("</g></svg>")
    return Markup("".join(parts))


def paired_bar_chart(items: Sequence[tuple[str, float, float]], names: tuple[str, str], title: str, *,
                     desc: str = "", chart_id: str | None = None, percent: bool = True, rtl: bool = False) -> Markup:
    """Two bars per (label, first, second): the first solid, the second hatched, each with its value written."""
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    top, row, bar = 34, 58, 14
    height = top + row * len(items) + 4
    largest = max((max(a, b) for _l, a, b in items), default=0) or 1
    scale = (WIDTH - 70) / largest

    def written(value: float) -> str:
        return f"{round(value * 100)}%" if percent else _number(value)

    parts = _open(chart_id, height, title, desc, "paired", mirror)
    parts.append(_pattern_defs(chart_id))
    parts.append('<g font-size="12" fill="currentColor" class="chart-legend">'
                 f'<rect class="chart-bar" x="{mirror.left(0, 14)}" y="4" width="14" height="14" fill="currentColor"/>'
                 f'<text x="{mirror.x(20)}" y="15">{escape(names[0])}</text>'
                 f'<rect class="chart-bar" x="{mirror.left(WIDTH // 2, 14)}" y="4" width="14" height="14" '
                 f'fill="url(#{chart_id}-hatch)" stroke="currentColor"/>'
                 f'<text x="{mirror.x(WIDTH // 2 + 20)}" y="15">{escape(names[1])}</text></g>')
    parts.append('<g font-size="12" fill="currentColor">')
    for index, (label, first, second) in enumerate(items):
        y = top + index * row
        parts.append(f'<text x="{mirror.x(0)}" y="{y + 10}" font-size="13">{escape(label)}</text>')
        for offset, value, fill in ((14, first, "currentColor"), (14 + bar + 4, second, f"url(#{chart_id}-hatch)")):
            width = max(value * scale, 1)
            parts.append(f'<rect class="chart-bar" x="{mirror.left(0, width)}" y="{y + offset}" width="{_number(width)}" '
                         f'height="{bar}" fill="{fill}" stroke="currentColor"/>')
            parts.append(f'<text x="{mirror.x(width + 4)}" y="{y + offset + 11}">{escape(written(value))}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


def heatmap(row_labels: Sequence[str], column_labels: Sequence[str], values: Sequence[Sequence[float | None]],
            title: str, v_min: float, v_max: float, *, desc: str = "", chart_id: str | None = None,
            rtl: bool = False, written: Callable[[float], str] = lambda value: f"{value:.1f}") -> Markup:
    """A grid of cells shaded by value, each with its value ``written`` (a hatched dash when None).

    The row names get the room the longest needs, up to ``MAX_LABEL_WIDTH``; a longer name, or
    a column name past ``MAX_COLUMN_LABEL_WIDTH``, is cut short with "…" and whole in its tooltip.
    """
    chart_id = _chart_id(title, chart_id)
    cell_width, cell_height, font_size = 56, 26, 12
    label_width = min(max((text_width(label, font_size) for label in row_labels), default=0), MAX_LABEL_WIDTH) + 10
    longest = min(max((text_width(label, font_size) for label in column_labels), default=24), MAX_COLUMN_LABEL_WIDTH)
    top = 16 + round(longest * 0.65)  # column names are written at a slant (40°) above their cells
    width = round(label_width + cell_width * max(len(column_labels), 1) + longest * 0.75)
    height = top + cell_height * len(row_labels) + 4
    mirror = _Mirror(rtl, width)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-heatmap" viewBox="0 0 {width} {height}" '
        f'width="{round(width * 1.25)}" role="img" focusable="false" direction="{mirror.direction}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>', f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        _pattern_defs(chart_id), f'<g font-size="{font_size}" fill="currentColor">',
    ]
    for c, label in enumerate(column_labels):
        x, y = mirror.x(label_width + c * cell_width + cell_width / 2 - 4), top - 6
        parts.append(f'<text x="{x}" y="{y}" transform="rotate({mirror.turn(-40)} {x} {y})">'
                     f'{_fitted(label, MAX_COLUMN_LABEL_WIDTH, font_size)}</text>')
    for r, label in enumerate(row_labels):
        y = top + r * cell_height
        parts.append(f'<text x="{mirror.x(0)}" y="{y + 17}">{_fitted(label, MAX_LABEL_WIDTH, font_size)}</text>')
        for c, value in enumerate(values[r]):
            x = label_width + c * cell_width
            if value is None:
                parts.append(f'<rect x="{mirror.left(x + 1, cell_width - 2)}" y="{y + 1}" width="{cell_width - 2}" '
                             f'height="{cell_height - 2}" fill="url(#{chart_id}-hatch)" fill-opacity="0.25"/>'
                             f'<text x="{mirror.x(x + cell_width / 2)}" y="{y + 17}" text-anchor="middle">–</text>')
                continue
            level = (min(max(value, v_min), v_max) - v_min) / ((v_max - v_min) or 1)
            parts.append(f'<rect class="chart-cell" x="{mirror.left(x + 1, cell_width - 2)}" y="{y + 1}" '
                         f'width="{cell_width - 2}" height="{cell_height - 2}" fill="currentColor" '
                         f'fill-opacity="{_number(0.05 + 0.45 * level)}"/>'
                         f'<text x="{mirror.x(x + cell_width / 2)}" y="{y + 17}" text-anchor="middle" '
                         f'font-weight="{"bold" if level >= 0.5 else "normal"}">{escape(written(value))}</text>')
    parts.append("</g></svg>")
    return Markup("".join(parts))


def _fitted(label: str, room: float, font_size: float) -> str:
    """``label`` escaped, cut short with "…" when it would be wider than ``room``, then whole in a tooltip."""
    if text_width(label, font_size) <= room:
        return escape(label)
    short = label
    while short and text_width(short + "…", font_size) > room:
        short = short[:-1]
    return f"{escape(short.rstrip())}…<title>{escape(label)}</title>"
