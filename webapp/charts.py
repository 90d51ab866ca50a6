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

A chart is laid out ``WIDTH`` units wide, the width of a small phone's page (a 360 px screen
less the page's margins), and no text in it is smaller than ``SMALL_FONT_SIZE`` units: drawn
on that phone, a unit is a CSS pixel or a little more, so no text is under 12 px. (The
stylesheet lets a chart grow on a wider screen until its text is about the page's size.)
A label too long for the width goes on to a further line rather than out of the chart.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from webapp.chart_text import shortened, text_width, wrapped

WIDTH = 320
#: the size of labels, and of scales, legends and values (at least 12, as above), in the chart's units
FONT_SIZE, SMALL_FONT_SIZE = 13, 12
LINE_HEIGHT = 16  #: from one line of a label to the next
INSET = 2  #: from the chart's side to a label along it, so that no letter (a J, a T) reaches past the side
#: marker shapes and dash patterns, used in turn by the series of a chart
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
MAX_X_LABELS = 8
#: a heatmap's cells: their height, and the narrowest they get to leave the last column's name room
CELL_HEIGHT, MIN_CELL_WIDTH, MAX_CELL_WIDTH = 24, 30, 56
#: the most room a heatmap's slanted column name gets (in the chart's units), and the slant
MAX_COLUMN_LABEL_WIDTH = 200
SLANT = 40


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
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'viewBox="0 0 {_number(mirror.width)} {_number(height)}" role="img" focusable="false" '
        f'direction="{mirror.direction}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _text(lines: Sequence[str], x: str, y: float, attributes: str = "", tooltip: str | None = None) -> str:
    """One ``<text>`` of a label's ``lines`` (escaped already), each ``LINE_HEIGHT`` below the one before, the first
    on ``y``; with ``tooltip``, the whole label of lines cut short, as its title."""
    first, *rest = lines
    more = "".join(f'<tspan x="{x}" dy="{LINE_HEIGHT}">{line}</tspan>' for line in rest)
    title = "" if tooltip is None else f"<title>{escape(tooltip)}</title>"
    return f'<text x="{x}" y="{_number(y)}"{attributes}>{first}{more}{title}</text>'


def _with_value(label: str, value: str, room: float, mirror: _Mirror) -> tuple[list[str], str | None]:
    """The lines of "label: value" at most ``room`` wide, each part of the label isolated in the chart's direction
    (so ": value" stays after it), escaped; and the whole label for a tooltip when it had to be cut short."""
    after = f": {value}"
    lines, cut = wrapped(label, room, FONT_SIZE, after=after)
    marked = [mirror.isolate(line) for line in lines]
    marked[-1] += escape(after)
    return marked, label if cut else None


def _fitted(label: str, room: float, font_size: float) -> str:
    """``label`` escaped, cut short with "…" when it would be wider than ``room``, then whole in a tooltip."""
    short = shortened(label, room, font_size)
    return escape(label) if short == label else f"{escape(short)}<title>{escape(label)}</title>"


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
    ticks = list(y_ticks if y_ticks is not None else range(math.ceil(y_min), math.floor(y_max) + 1))
    # the plot starts where the widest number of the scale, right-aligned 8 units before it, leaves it room
    left = max(30.0, 12 + max((text_width(_number(tick), SMALL_FONT_SIZE) for tick in ticks), default=0))
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

    parts = _open(chart_id, height, title, desc, "line", mirror)
    parts.append(f'<g class="chart-axis" font-size="{SMALL_FONT_SIZE}" fill="currentColor">')
    for tick in ticks:
        y = _number(y_at(tick))
        parts.append(f'<line class="chart-grid" x1="{mirror.x(left)}" x2="{mirror.x(WIDTH - right)}" y1="{y}" '
                     f'y2="{y}" stroke="currentColor" stroke-opacity="0.25"/>')
        parts.append(f'<text x="{mirror.x(left - 8)}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                     f'{escape(_number(tick))}</text>')
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
        x = left + (number % per_row) * (plot_width / 2)
        y = bottom + 40 + (number // per_row) * 22
        dash = DASHES[number % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chart-legend chart-series-{number % len(MARKERS)}" font-size="{SMALL_FONT_SIZE}">'
                     f'<line x1="{mirror.x(x)}" x2="{mirror.x(x + 28)}" y1="{y}" y2="{y}" stroke="currentColor" '
                     f'stroke-width="2"{dash_attr}/>{marker(MARKERS[number % len(MARKERS)], mirror.at(x + 14), y)}'
                     f'<text x="{mirror.x(x + 36)}" y="{y}" dominant-baseline="middle" fill="currentColor">'
                     f'{_fitted(name, plot_width / per_row - 40, SMALL_FONT_SIZE)}</text></g>')
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
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    bar_height = 16
    largest = max((value for _label, value in bars), default=0) or 1
    body, y = [], 6.0
    for label, value in bars:
        width = max(value / largest * (WIDTH - 40), 0)
        x = (WIDTH - width) / 2 if centered else 0
        anchor, text_x = ("middle", WIDTH / 2) if centered else ("start", INSET)
        lines, tooltip = _with_value(label, _number(value), WIDTH - 2 * INSET, mirror)
        body.append(_text(lines, mirror.x(text_x), y + 13, f' text-anchor="{anchor}"', tooltip))
        top = y + 20 + (len(lines) - 1) * LINE_HEIGHT
        if width:
            body.append(f'<rect class="chart-bar" x="{mirror.left(x, width)}" y="{_number(top)}" '
                        f'width="{_number(width)}" height="{bar_height}" fill="currentColor"/>')
        else:
            body.append(f'<line class="chart-zero" x1="{mirror.x(x)}" x2="{mirror.x(x)}" y1="{_number(top)}" '
                        f'y2="{_number(top + bar_height)}" stroke="currentColor"/>')
        y = top + bar_height + 8
    parts = _open(chart_id, y + 4, title, desc, "bar", mirror)
    parts.append(f'<g font-size="{FONT_SIZE}" fill="currentColor">{"".join(body)}</g></svg>')
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
    written above each row, on as many lines as they need; a row whose value is None shows
    ``missing_text`` instead (e.g. "too few to say").
    """
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    left, right, top = 8, 8, 22
    plot_width = WIDTH - left - right

    def x_at(value: float) -> float:
        return left + (min(max(value, x_min), x_max) - x_min) / (x_max - x_min) * plot_width

    rows, y = [], float(top)
    for label, value, low, high in items:
        lines, tooltip = _with_value(label, missing_text if value is None else written(value), WIDTH - left - 2, mirror)
        rows.append(_text(lines, mirror.x(left), y + 13, tooltip=tooltip))
        middle = y + 26 + (len(lines) - 1) * LINE_HEIGHT
        y = middle + 14
        if value is None:
            continue
        if low is not None and high is not None:
            x1, x2 = mirror.x(x_at(low)), mirror.x(x_at(high))
            up, mid, down = _number(middle - 5), _number(middle), _number(middle + 5)
            rows.append(f'<path class="chart-interval" d="M{x1} {mid}H{x2}M{x1} {up}V{down}M{x2} {up}V{down}" '
                        f'stroke="currentColor" stroke-width="2" fill="none"/>')
        rows.append(marker("diamond", mirror.at(x_at(value)), middle, 5))
    height = y + 8
    parts = _open(chart_id, height, title, desc, "interval", mirror)
    parts.append(f'<g class="chart-axis" font-size="{SMALL_FONT_SIZE}" fill="currentColor">')
    for tick in ticks if ticks is not None else range(math.ceil(x_min), math.floor(x_max) + 1):
        x = mirror.x(x_at(tick))
        parts.append(f'<line class="chart-grid" x1="{x}" x2="{x}" y1="{top - 4}" y2="{_number(height - 6)}" '
                     f'stroke="currentColor" stroke-opacity="0.2" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{x}" y="{top - 8}" text-anchor="middle">{escape(_number(tick))}</text>')
    parts.append(f'</g><g font-size="{FONT_SIZE}" fill="currentColor">{"".join(rows)}</g></svg>')
    return Markup("".join(parts))


def paired_bar_chart(items: Sequence[tuple[str, float, float]], names: tuple[str, str], title: str, *,
                     desc: str = "", chart_id: str | None = None, percent: bool = True, rtl: bool = False) -> Markup:
    """Two bars per (label, first, second): the first solid, the second hatched, each with its value written."""
    chart_id = _chart_id(title, chart_id)
    mirror = _Mirror(rtl)
    bar = 14

    def written(value: float) -> str:
        return f"{round(value * 100)}%" if percent else _number(value)

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
                      f'{_fitted(name, WIDTH - x - 22, SMALL_FONT_SIZE)}</text>')
    rows, y = [], 34.0 if side_by_side else 56.0
    for label, first, second in items:
        lines, cut = wrapped(label, WIDTH - 2 * INSET, FONT_SIZE)
        rows.append(_text([escape(line) for line in lines], mirror.x(INSET), y + 12, f' font-size="{FONT_SIZE}"',
                          label if cut else None))
        top = y + 17 + (len(lines) - 1) * LINE_HEIGHT
        for offset, value, fill in ((0, first, "currentColor"), (bar + 4, second, f"url(#{chart_id}-hatch)")):
            width = max(value * scale, 1)
            rows.append(f'<rect class="chart-bar" x="{mirror.left(0, width)}" y="{_number(top + offset)}" '
                        f'width="{_number(width)}" height="{bar}" fill="{fill}" stroke="currentColor"/>')
            rows.append(f'<text x="{mirror.x(width + 4)}" y="{_number(top + offset + 11)}">'
                        f'{escape(written(value))}</text>')
        y = top + 2 * bar + 4 + 12
    parts = _open(chart_id, y - 6, title, desc, "paired", mirror)
    parts.append(_pattern_defs(chart_id))
    parts.append(f'<g font-size="{SMALL_FONT_SIZE}" fill="currentColor" class="chart-legend">{"".join(legend)}</g>')
    parts.append(f'<g font-size="{SMALL_FONT_SIZE}" fill="currentColor">{"".join(rows)}</g></svg>')
    return Markup("".join(parts))


def heatmap(row_labels: Sequence[str], column_labels: Sequence[str], values: Sequence[Sequence[float | None]],
            title: str, v_min: float, v_max: float, *, desc: str = "", chart_id: str | None = None,
            rtl: bool = False, written: Callable[[float], str] = lambda value: f"{value:.1f}") -> Markup:
    """A grid of cells shaded by value, each with its value ``written`` (a hatched dash when None).

    Each row's name is written above its cells, across the chart (on two lines at most), so that a long name
    takes no room from the cells. The column names are written at a slant above the columns; the cells are as
    narrow as ``MIN_CELL_WIDTH`` to leave the last one room, and a name longer than its room (or than
    ``MAX_COLUMN_LABEL_WIDTH``) is cut short with "…" and whole in its tooltip. A name cut short after two
    lines is whole in its tooltip too. Past ten columns the chart is wider than ``WIDTH`` (and drawn smaller).
    """
    chart_id = _chart_id(title, chart_id)
    cos, sin = math.cos(math.radians(SLANT)), math.sin(math.radians(SLANT))
    columns = max(len(column_labels), 1)
    longest = min(max((text_width(label, SMALL_FONT_SIZE) for label in column_labels), default=0),
                  MAX_COLUMN_LABEL_WIDTH)
    # a slanted name starts 4 units before the middle of its column and ends ``cos`` of its length further right:
    # the last one, at (columns - 0.5) * cell_width - 4, is to end 6 units before the chart's side
    cell_width = min(MAX_CELL_WIDTH, max(MIN_CELL_WIDTH, (WIDTH - 2 - cos * longest) / (columns - 0.5)))
    width = max(WIDTH, math.ceil(columns * cell_width))
    mirror = _Mirror(rtl, width)
    header, tallest = [], 0.0
    for c, label in enumerate(column_labels):
        start = c * cell_width + cell_width / 2 - 4
        room = min(MAX_COLUMN_LABEL_WIDTH, (width - 6 - start) / cos)
        tallest = max(tallest, sin * min(text_width(label, SMALL_FONT_SIZE), room))
        header.append((mirror.x(start), _fitted(label, room, SMALL_FONT_SIZE)))
    top = round(18 + tallest)  # the slanted names end 6 units above the cells, their letters' tops 8 above that
    body = [_pattern_defs(chart_id), f'<g font-size="{SMALL_FONT_SIZE}" fill="currentColor">']
    for x, label in header:
        y = top - 6
        body.append(f'<text x="{x}" y="{y}" transform="rotate({mirror.turn(-SLANT)} {x} {y})">{label}</text>')
    y = float(top)
    for r, label in enumerate(row_labels):
        lines, cut = wrapped(label, width - 2 * INSET, FONT_SIZE, max_lines=2)
        body.append(_text([escape(line) for line in lines], mirror.x(INSET), y + 13, f' font-size="{FONT_SIZE}"',
                          label if cut else None))
        y += 18 + (len(lines) - 1) * LINE_HEIGHT
        for c, value in enumerate(values[r]):
            x, center = c * cell_width, mirror.x(c * cell_width + cell_width / 2)
            box = (f'x="{mirror.left(x + 1, cell_width - 2)}" y="{_number(y + 1)}" width="{_number(cell_width - 2)}" '
                   f'height="{CELL_HEIGHT - 2}"')
            if value is None:
                body.append(f'<rect {box} fill="url(#{chart_id}-hatch)" fill-opacity="0.25"/>'
                            f'<text x="{center}" y="{_number(y + 16)}" text-anchor="middle">–</text>')
                continue
            level = (min(max(value, v_min), v_max) - v_min) / ((v_max - v_min) or 1)
            body.append(f'<rect class="chart-cell" {box} fill="currentColor" '
                        f'fill-opacity="{_number(0.05 + 0.45 * level)}"/>'
                        f'<text x="{center}" y="{_number(y + 16)}" text-anchor="middle" '
                        f'font-weight="{"bold" if level >= 0.5 else "normal"}">{escape(written(value))}</text>')
        y += CELL_HEIGHT + 8
    body.append("</g></svg>")
    return Markup("".join(_open(chart_id, y - 4, title, desc, "heatmap", mirror) + body))
