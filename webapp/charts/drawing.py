"""The pieces every chart is drawn with: sizes, numbers written short, the mirror of a right-to-left page,
the ``<svg>`` with its title and description, labels on one or more lines, markers and hatching."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

from markupsafe import escape

from webapp.chart_text import shortened, wrapped

WIDTH = 320
#: the size of labels, and of scales, legends and values (at least 12: see :mod:`webapp.charts`), in the chart's units
FONT_SIZE, SMALL_FONT_SIZE = 13, 12
LINE_HEIGHT = 16  #: from one line of a label to the next
INSET = 2  #: from the chart's side to a label along it, so that no letter (a J, a T) reaches past the side
#: marker shapes and dash patterns, used in turn by the series of a chart
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")


def short_number(value: float) -> str:
    """A coordinate or a tick written short (3, 2.5, 12.33)."""
    return f"{round(value, 2):g}"


def chart_id_for(title: str, chart_id: str | None) -> str:
    """``chart_id`` when given, else an id made from the title (its title and description are labelled by it)."""
    return chart_id or "chart-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]


class Mirror:
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
        return short_number(self.at(x))

    def left(self, x: float, length: float) -> str:
        """The left edge of what spans ``x`` to ``x + length`` in the left-to-right drawing."""
        return short_number(self.width - x - length if self.rtl else x)

    def isolate(self, label: str) -> str:
        """``label`` escaped, and isolated in the chart's direction (LRI or RLI … PDI): text after it,
        such as ": 4.4", stays after it whatever the label's script. Parts of the label in another
        direction (a name in a label "1. name") are isolated by whoever writes the label."""
        return ("\u2067" if self.rtl else "\u2066") + escape(label) + "\u2069"

    def turn(self, degrees: float) -> str:
        """A rotation as it looks in the mirror."""
        return short_number(-degrees if self.rtl else degrees)


def svg_start(chart_id: str, height: float, title: str, desc: str, kind: str, mirror: Mirror) -> list[str]:
    """The opening ``<svg>`` of a chart of ``kind``, ``height`` units high, with its title and description."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" '
        f'viewBox="0 0 {short_number(mirror.width)} {short_number(height)}" role="img" focusable="false" '
        f'direction="{mirror.direction}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def text_element(lines: Sequence[str], x: str, y: float, attributes: str = "", tooltip: str | None = None) -> str:
    """One ``<text>`` of a label's ``lines`` (escaped already), each ``LINE_HEIGHT`` below the one before, the first
    on ``y``; with ``tooltip``, the whole label of lines cut short, as its title."""
    first, *rest = lines
    more = "".join(f'<tspan x="{x}" dy="{LINE_HEIGHT}">{line}</tspan>' for line in rest)
    title = "" if tooltip is None else f"<title>{escape(tooltip)}</title>"
    return f'<text x="{x}" y="{short_number(y)}"{attributes}>{first}{more}{title}</text>'


def with_value(label: str, value: str, room: float, mirror: Mirror) -> tuple[list[str], str | None]:
    """The lines of "label: value" at most ``room`` wide, each part of the label isolated in the chart's direction
    (so ": value" stays after it), escaped; and the whole label for a tooltip when it had to be cut short."""
    after = f": {value}"
    lines, cut = wrapped(label, room, FONT_SIZE, after=after)
    marked = [mirror.isolate(line) for line in lines]
    marked[-1] += escape(after)
    return marked, label if cut else None


def fitted(label: str, room: float, font_size: float) -> str:
    """``label`` escaped, cut short with "…" when it would be wider than ``room``, then whole in a tooltip."""
    short = shortened(label, room, font_size)
    return escape(label) if short == label else f"{escape(short)}<title>{escape(label)}</title>"


def marker(shape: str, x: float, y: float, size: float = 4.5) -> str:
    """One data point's marker, drawn in ``currentColor``."""
    x_, y_ = short_number(x), short_number(y)
    if shape == "circle":
        return f'<circle class="chart-marker" cx="{x_}" cy="{y_}" r="{short_number(size)}" fill="currentColor"/>'
    if shape == "square":
        return (f'<rect class="chart-marker" x="{short_number(x - size)}" y="{short_number(y - size)}" '
                f'width="{short_number(2 * size)}" height="{short_number(2 * size)}" fill="currentColor"/>')
    if shape == "cross":
        d = (f"M{short_number(x - size)} {short_number(y - size)}L{short_number(x + size)} {short_number(y + size)}"
             f"M{short_number(x - size)} {short_number(y + size)}L{short_number(x + size)} {short_number(y - size)}")
        return f'<path class="chart-marker" d="{d}" stroke="currentColor" stroke-width="2.5" fill="none"/>'
    points = {
        "triangle": ((0, -1.2), (1.1, 0.9), (-1.1, 0.9)),
        "triangle-down": ((0, 1.2), (1.1, -0.9), (-1.1, -0.9)),
        "diamond": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
    }[shape]
    d = "M" + "L".join(f"{short_number(x + dx * size)} {short_number(y + dy * size)}" for dx, dy in points) + "Z"
    return f'<path class="chart-marker" d="{d}" fill="currentColor"/>'


def hatch_defs(chart_id: str) -> str:
    """Hatching for bars and cells that must read apart from solid ones in black and white."""
    return (f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" '
            f'stroke-width="2"/></pattern></defs>')
