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

The pieces every chart is drawn with are in :mod:`webapp.charts.drawing`; the charts themselves in
:mod:`webapp.charts.bars_and_lines` and :mod:`webapp.charts.heatmaps`.
"""
from webapp.chart_text import text_width
from webapp.charts.bars_and_lines import MAX_X_LABELS, bar_chart, interval_chart, line_chart, paired_bar_chart
from webapp.charts.drawing import DASHES, FONT_SIZE, INSET, LINE_HEIGHT, MARKERS, SMALL_FONT_SIZE, WIDTH, marker
from webapp.charts.heatmaps import (
    CELL_HEIGHT,
    MAX_CELL_WIDTH,
    MAX_COLUMN_LABEL_WIDTH,
    MIN_CELL_WIDTH,
    SLANT,
    heatmap,
)

__all__ = [
    "CELL_HEIGHT", "DASHES", "FONT_SIZE", "INSET", "LINE_HEIGHT", "MARKERS", "MAX_CELL_WIDTH", "MAX_COLUMN_LABEL_WIDTH",
    "MAX_X_LABELS", "MIN_CELL_WIDTH", "SLANT", "SMALL_FONT_SIZE", "WIDTH", "bar_chart", "heatmap", "interval_chart",
    "line_chart", "marker", "paired_bar_chart", "text_width",
]
