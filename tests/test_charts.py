"""Server-rendered SVG charts: labelled for screen readers, escaped, no style attribute, legible in grey."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from webapp.charts import (
    DASHES,
    FONT_SIZE,
    MARKERS,
    SMALL_FONT_SIZE,
    WIDTH,
    bar_chart,
    heatmap,
    interval_chart,
    line_chart,
    paired_bar_chart,
    text_width,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_line_chart_is_an_image_labelled_by_its_title_and_description():
    svg = parse(line_chart([("Goals", [3, 4])], ["Jan", "Feb"], "Clear goals", 1, 5, desc="Average per meeting",
                           chart_id="goals"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "goals-title goals-desc"
    assert svg.find(f"{SVG}title").get("id") == "goals-title" and svg.find(f"{SVG}title").text == "Clear goals"
    assert svg.find(f"{SVG}desc").text == "Average per meeting"


def test_every_text_is_escaped():
    markup = str(line_chart([("<b>x</b>", [1, 2]), ("y", [2, 1])], ["<script>", "&"], "A <title>", 1, 5,
                            desc="\"quoted\""))
    assert "<script>" not in markup and "<b>" not in markup and "A &lt;title&gt;" in markup
    parse(markup)  # well-formed


def test_charts_have_no_style_attribute():
    for markup in (line_chart([("a", [1, None, 3]), ("b", [2, 2, 2])], ["1", "2", "3"], "t", 1, 5),
                   bar_chart([("a", 1), ("b", 0)], "t", centered=True)):
        assert not re.search(r"\sstyle=", str(markup)) and "<style" not in str(markup)


def test_a_missing_value_breaks_the_line():
    svg = str(line_chart([("a", [1, 2, None, 4, 5, None, 3])], list("abcdefg"), "t", 1, 5))
    assert svg.count("<polyline") == 2  # 1–2 and 4–5; the lone 3 is only a marker
    assert svg.count('class="chart-marker"') == 5


def test_series_differ_by_marker_and_dash_not_only_by_colour():
    svg = str(line_chart([(f"s{i}", [1, 2]) for i in range(3)], ["a", "b"], "t", 1, 5))
    polylines = re.findall(r"<polyline[^>]*>", svg)
    assert [("stroke-dasharray" in p) for p in polylines] == [False, True, True]
    assert len({re.search(r'stroke-dasharray="([^"]+)"', p).group(1) for p in polylines[1:]}) == 2
    assert "<circle" in svg and "<rect" in svg and svg.count("<path") >= 2  # circle, square, triangle (+ legend)
    assert len(MARKERS) == len(DASHES)
    for name in ("s0", "s1", "s2"):
        assert f">{name}</text>" in svg  # the legend names every series


def test_values_are_placed_on_the_scale():
    svg = str(line_chart([("a", [1, 5])], ["a", "b"], "t", 1, 5, chart_id="c"))
    ys = [float(y) for y in re.findall(r'<circle class="chart-marker" cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys[0] > ys[1]  # 1 is drawn below 5
    assert ys[0] - ys[1] == 150  # the whole plot height


def test_bar_chart_labels_every_bar_with_its_value_and_centres_a_pyramid():
    svg = str(bar_chart([("Leading", 2), ("Informed", 4), ("Occasional", 0)], "Pyramid", centered=True))
    assert all(f"\u2066{label}\u2069: {n}" in svg for label, n in (("Leading", 2), ("Informed", 4), ("Occasional", 0)))
    widths = [float(w) for w in re.findall(r'<rect class="chart-bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    xs = [float(x) for x in re.findall(r'<rect class="chart-bar" x="([\d.]+)"', svg)]
    assert widths[1] == 2 * widths[0]
    assert [round(x + w / 2, 1) for x, w in zip(xs, widths)] == [WIDTH / 2, WIDTH / 2]  # centred
    assert 'class="chart-zero"' in svg  # an empty level is still drawn


def test_dashboard_charts_are_labelled_escaped_images_without_style():
    charts = [
        interval_chart([("<Housing>", 4.2, 4.0, 4.4), ("Rare", None, None, None)], "Needs", 1, 5,
                       chart_id="needs", missing_text="too few to say"),
        paired_bar_chart([("<es>", 0.2, 0.3)], ("Who answered", "Community"), "Shares", chart_id="shares"),
        heatmap(["<Housing>", "Food"], ["Most affected", "Others"], [[4.5, None], [3.0, 2.5]], "Groups", 1, 5,
                chart_id="groups"),
    ]
    for chart in charts:
        svg = parse(chart)
        assert svg.get("role") == "img" and svg.find(f"{SVG}title") is not None
        assert "style=" not in str(chart) and "<Housing>" not in str(chart) and "<es>" not in str(chart)
    assert "too few to say" in str(charts[0])
    assert "url(#shares-hatch)" in str(charts[1])  # the second series reads apart in black and white
    assert "4.5" in str(charts[2]) and "–" in str(charts[2])  # values written in the cells, a dash when hidden


def test_ordered_answers_are_charted_in_their_own_order(app):
    from webapp.coalition.summary_charts import in_natural_order

    with app.test_request_context():
        ages = [{"category": c} for c in ("35_44", "not stated", "18_24", "65_plus", "25_34")]
        assert [r["category"] for r in in_natural_order("age_band", ages, lambda r: r["category"])] == [
            "18_24", "25_34", "35_44", "65_plus", "not stated"]
        incomes = [{"category": c} for c in ("100k_plus", "under_25k", "50_75k")]
        assert [r["category"] for r in in_natural_order("income_band", incomes, lambda r: r["category"])] == [
            "under_25k", "50_75k", "100k_plus"]
        places = [{"category": c} for c in ("98122", "98103")]
        assert in_natural_order("place", places, lambda r: r["category"]) == places  # largest first, as given


def test_interval_labels_keep_a_right_to_left_name_before_its_number():
    svg = str(interval_chart([("السكن", 4.41, 4.3, 4.5)], "Needs", 1, 5, chart_id="c"))
    # the label is isolated left to right (LRI … PDI), so in the left-to-right chart ": 4.41" stays after it
    assert "\u2066السكن\u2069: 4.41" in svg and 'direction="ltr"' in svg
    rtl = str(interval_chart([("1. \u2068Housing\u2069", 4.41, 4.3, 4.5)], "Needs", 1, 5, chart_id="c", rtl=True))
    # and right to left in a right-to-left chart, so "1." comes first and ": 4.41" last, read from the right
    assert "\u20671. \u2068Housing\u2069\u2069: 4.41" in rtl and 'direction="rtl"' in rtl


def xs_of(svg: str, tag: str, attribute: str = "x") -> list[float]:
    return [float(x) for x in re.findall(rf'<{tag} [^>]*?\b{attribute}="([-\d.]+)"', svg)]


def test_a_right_to_left_chart_is_the_mirror_image_of_the_left_to_right_one():
    interval = [("a", 2.0, 1.5, 2.5), ("b", 4.0, 3.5, 4.5)]
    ltr, rtl = (str(interval_chart(interval, "t", 1, 5, chart_id="c", rtl=flag)) for flag in (False, True))
    assert xs_of(rtl, "line", "x1") == [WIDTH - x for x in xs_of(ltr, "line", "x1")]  # 1 on the right, 5 on the left
    assert xs_of(rtl, "text") == [WIDTH - x for x in xs_of(ltr, "text")]  # labels start at the right-hand edge
    assert 'direction="rtl"' in rtl

    bars_ltr, bars_rtl = (str(bar_chart([("a", 2), ("b", 4)], "t", rtl=flag)) for flag in (False, True))
    widths = xs_of(bars_ltr, "rect", "width")
    assert xs_of(bars_ltr, "rect") == [0, 0]
    assert [x + w for x, w in zip(xs_of(bars_rtl, "rect"), widths)] == [WIDTH, WIDTH]  # bars grow from the right

    line_ltr, line_rtl = (str(line_chart([("a", [1, 2, 3])], ["x", "y", "z"], "t", 1, 5, rtl=flag)) for flag in (False, True))
    # time runs leftwards
    assert xs_of(line_rtl, "circle", "cx") == [WIDTH - x for x in xs_of(line_ltr, "circle", "cx")]
    assert xs_of(line_rtl, "circle", "cx")[0] > xs_of(line_rtl, "circle", "cx")[-1]
    assert xs_of(line_rtl, "text") == [WIDTH - x for x in xs_of(line_ltr, "text")]  # y scale on the right, x labels too

    grid = ([["a", "b"], ["one", "two"], [[1.0, 2.0], [3.0, None]], "t", 1, 5])
    heat_ltr, heat_rtl = (str(heatmap(*grid, rtl=flag)) for flag in (False, True))
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', heat_ltr).group(1))
    cells = xs_of(heat_rtl, "rect")
    assert cells[0] > cells[1]  # the first column is the right-hand one
    assert [x + 54 for x in cells] == [width - x for x in xs_of(heat_ltr, "rect")]
    assert "rotate(40 " in heat_rtl and "rotate(-40 " in heat_ltr  # column names slant the other way
    assert xs_of(heat_rtl, "text") == [width - x for x in xs_of(heat_ltr, "text")]  # names on the right

    paired_ltr, paired_rtl = (str(paired_bar_chart([("a", 0.5, 0.25)], ("x", "y"), "t", rtl=flag))
                              for flag in (False, True))
    assert xs_of(paired_rtl, "text") == pytest.approx([WIDTH - x for x in xs_of(paired_ltr, "text")])


def test_x_labels_are_thinned_out_so_that_none_overlaps_the_next():
    size = SMALL_FONT_SIZE  # of the x labels
    weeks = [f"{day} أكتوبر" for day in (5, 12, 19, 26)] + [f"{day} نوفمبر" for day in (2, 9, 16, 23, 30)]
    svg = str(line_chart([("n", list(range(len(weeks))))], weeks, "t", 0, 10))
    written = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]+)</text>', svg)
    assert 1 < len(written) < len(weeks) and written[0][1] == weeks[0] and written[-1][1] == weeks[-1]
    for (x1, a), (x2, b) in zip(written, written[1:]):
        assert float(x2) - float(x1) > (text_width(a, size) + text_width(b, size)) / 2  # a gap between neighbours
    dates = ["2026/10/1", "2026/10/15", "2026/10/29", "2026/11/12", "2026/11/19", "2026/11/26", "2026/12/3"]
    for rtl in (False, True):
        svg = str(line_chart([("n", list(range(7)))], dates, "t", 0, 10, rtl=rtl))
        written = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]+)</text>', svg)
        assert written[-1][1] == dates[-1]
        assert all(0 <= float(x) - text_width(t, size) / 2 and float(x) + text_width(t, size) / 2 <= WIDTH
                   for x, t in written)  # the labels under the first and last points are not cut off
    for count in (4, 5, 7, 12):  # labels as wide as a few points apart, the ones at the ends moved in from the sides
        svg = str(line_chart([("n", list(range(count)))], ["abcdefghijkl"] * count, "t", 0, 10))
        written = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">', svg)]
        assert all(b - a > text_width("abcdefghijkl", size) for a, b in zip(written, written[1:])), (count, written)
    short = str(line_chart([("n", [1, 2, 3])], ["1", "2", "3"], "t", 0, 10))
    assert len(re.findall(r'text-anchor="middle">', short)) == 3  # short labels all fit


def test_the_paired_bar_legend_shows_each_bar_as_it_is_drawn():
    svg = str(paired_bar_chart([("A", 0.5, 0.25)], ("Who answered", "Everyone"), "Who answered"))
    legend = svg[svg.index('class="chart-legend"'):svg.index("</g>")]
    swatches = re.findall(r"<rect [^>]*>", legend)
    assert len(swatches) == 2 and all('class="chart-bar"' in swatch for swatch in swatches)  # the bars' colour


def lines_of(svg: ET.Element) -> dict[str, list[str]]:
    """Every label of ``svg`` by its first line: its lines (a <text> and its <tspan>s), then its tooltip if any."""
    labels = {}
    for text in svg.iter(f"{SVG}text"):
        tooltip = text.find(f"{SVG}title")
        labels[text.text] = [text.text, *(tspan.text for tspan in text.iter(f"{SVG}tspan")),
                             *([] if tooltip is None else [tooltip.text])]
    return labels


def test_heatmap_names_get_the_room_they_need_and_a_name_cut_short_is_whole_in_its_tooltip():
    need = "Tiếp cận chăm sóc sức khỏe"
    longer = "Phân biệt đối xử và phân biệt chủng tộc trong chăm sóc sức khỏe và nhà ở"
    group = "Người bị ảnh hưởng nhiều nhất và gia đình họ"
    svg = str(heatmap([need, longer, "x" * 100], [group], [[4.0], [3.25], [None]], "t", 1, 5,
                      written=lambda value: f"{value:.1f}".replace(".", ",")))
    labels = lines_of(parse(svg))
    assert labels[need] == [need]  # whole, on one line
    assert [" ".join(lines) for first, lines in labels.items() if longer.startswith(first)] == [longer]  # two lines
    cut = next(lines for first, lines in labels.items() if first.startswith("x"))
    assert len(cut) == 3 and cut[1].endswith("…") and cut[2] == "x" * 100  # two lines, then whole in its tooltip
    assert f"…<title>{group}</title></text>" in svg
    assert ">4,0</text>" in svg and ">3,2</text>" in svg  # the values written as the page writes numbers
    parse(svg)  # well-formed


def test_long_labels_go_on_to_further_lines_within_the_chart():
    name = "Pag-access sa pangangalagang pangkalusugan at mga serbisyo para sa kalusugan ng isip"
    for chart in (interval_chart([(name, 4.2, 4.0, 4.4)], "t", 1, 5), bar_chart([(name, 3)], "t", centered=True),
                  paired_bar_chart([(name, 0.2, 0.3)], ("a", "b"), "t")):
        lines = next(lines for lines in lines_of(parse(chart)).values() if len(lines) > 1)
        assert all(text_width(line, FONT_SIZE) <= WIDTH for line in lines), lines
        assert re.sub(r"[\u2066-\u2069]|: [\d.]+$", "", " ".join(lines)) == name  # whole, broken between words
    interval = str(interval_chart([(f"1. \u2068{name}\u2069", 4.2, 4.0, 4.4)], "t", 1, 5))
    # each line isolated as a whole, the value after the last; the name's own isolate closed and opened again
    assert "\u20661. \u2068Pag-access sa pangangalagang\u2069\u2069<tspan" in interval
    assert "\u2066\u2068kalusugan ng isip\u2069\u2069: 4.2</tspan>" in interval


def test_chart_text_is_never_smaller_than_twelve_units():
    charts = [
        line_chart([("a", [1, 2]), ("b", [2, 3])], ["Jan", "Feb"], "t", 1, 5),
        bar_chart([("a", 1)], "t"), interval_chart([("a", 4.2, 4.0, 4.4)], "t", 1, 5),
        paired_bar_chart([("a", 0.2, 0.3)], ("x", "y"), "t"), heatmap(["a"], ["x", "y"], [[1.0, None]], "t", 1, 5),
    ]
    for chart in charts:
        sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', str(chart))]
        assert sizes and min(sizes) >= 12 and parse(chart).get("viewBox").split()[2] == str(WIDTH)


def test_chinese_breaks_between_any_two_characters_but_not_before_a_comma():
    from webapp.chart_text import wrapped

    text = "受影响最大的居民，以及其他所有人"
    lines, cut = wrapped(text, 4 * 12, 12, max_lines=5)
    assert "".join(lines) == text and not cut
    assert all(text_width(line, 12) <= 4 * 12 for line in lines)
    assert lines[1:3] == ["大的居", "民，以及"]  # the comma goes down a line with the character before it
