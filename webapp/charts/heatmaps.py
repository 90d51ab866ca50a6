"""The group-by-need heatmap: a grid of cells shaded by value, under slanted column names."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from webapp.chart_text import text_width, wrapped
from webapp.charts.drawing import (
    FONT_SIZE,
    INSET,
    LINE_HEIGHT,
    SMALL_FONT_SIZE,
    WIDTH,
    Mirror,
    chart_id_for,
    fitted,
    hatch_defs,
    short_number,
    svg_start,
    text_element,
)

#: a heatmap's cells: their height, and the narrowest they get to leave the last column's name room
CELL_HEIGHT, MIN_CELL_WIDTH, MAX_CELL_WIDTH = 24, 30, 56
#: the most room a heatmap's slanted column name gets (in the chart's units), and the slant
MAX_COLUMN_LABEL_WIDTH = 200
SLANT = 40


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
    chart_id = chart_id_for(title, chart_id)
    cos, sin = math.cos(math.radians(SLANT)), math.sin(math.radians(SLANT))
    columns = max(len(column_labels), 1)
    longest = min(max((text_width(label, SMALL_FONT_SIZE) for label in column_labels), default=0),
                  MAX_COLUMN_LABEL_WIDTH)
    # a slanted name starts 4 units before the middle of its column and ends ``cos`` of its length further right:
    # the last one, at (columns - 0.5) * cell_width - 4, is to end 6 units before the chart's side
    cell_width = min(MAX_CELL_WIDTH, max(MIN_CELL_WIDTH, (WIDTH - 2 - cos * longest) / (columns - 0.5)))
    width = max(WIDTH, math.ceil(columns * cell_width))
    mirror = Mirror(rtl, width)
    header, tallest = [], 0.0
    for c, label in enumerate(column_labels):
        start = c * cell_width + cell_width / 2 - 4
        room = min(MAX_COLUMN_LABEL_WIDTH, (width - 6 - start) / cos)
        tallest = max(tallest, sin * min(text_width(label, SMALL_FONT_SIZE), room))
        header.append((mirror.x(start), fitted(label, room, SMALL_FONT_SIZE)))
    top = round(18 + tallest)  # the slanted names end 6 units above the cells, their letters' tops 8 above that
    body = [hatch_defs(chart_id), f'<g font-size="{SMALL_FONT_SIZE}" fill="currentColor">']
    for x, label in header:
        y = top - 6
        body.append(f'<text x="{x}" y="{y}" transform="rotate({mirror.turn(-SLANT)} {x} {y})">{label}</text>')
    y = float(top)
    for r, label in enumerate(row_labels):
        lines, cut = wrapped(label, width - 2 * INSET, FONT_SIZE, max_lines=2)
        body.append(text_element([escape(line) for line in lines], mirror.x(INSET), y + 13, f' font-size="{FONT_SIZE}"',
                          label if cut else None))
        y += 18 + (len(lines) - 1) * LINE_HEIGHT
        for c, value in enumerate(values[r]):
            x, center = c * cell_width, mirror.x(c * cell_width + cell_width / 2)
            box = (f'x="{mirror.left(x + 1, cell_width - 2)}" y="{short_number(y + 1)}" '
                   f'width="{short_number(cell_width - 2)}" height="{CELL_HEIGHT - 2}"')
            if value is None:
                body.append(f'<rect {box} fill="url(#{chart_id}-hatch)" fill-opacity="0.25"/>'
                            f'<text x="{center}" y="{short_number(y + 16)}" text-anchor="middle">–</text>')
                continue
            level = (min(max(value, v_min), v_max) - v_min) / ((v_max - v_min) or 1)
            body.append(f'<rect class="chart-cell" {box} fill="currentColor" '
                        f'fill-opacity="{short_number(0.05 + 0.45 * level)}"/>'
                        f'<text x="{center}" y="{short_number(y + 16)}" text-anchor="middle" '
                        f'font-weight="{"bold" if level >= 0.5 else "normal"}">{escape(written(value))}</text>')
        y += CELL_HEIGHT + 8
    body.append("</g></svg>")
    return Markup("".join(svg_start(chart_id, y - 4, title, desc, "heatmap", mirror) + body))
