"""Server-rendered SVG charts: labelled for screen readers, escaped, no style attribute, legible in grey."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from webapp.charts import DASHES, MARKERS, bar_chart, heatmap, interval_chart, line_chart, paired_bar_chart

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
    assert "Leading: 2" in svg and "Informed: 4" in svg and "Occasional: 0" in svg
    widths = [float(w) for w in re.findall(r'<rect class="chart-bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    xs = [float(x) for x in re.findall(r'<rect class="chart-bar" x="([\d.]+)"', svg)]
    assert widths[1] == 2 * widths[0]
    assert [round(x + w / 2, 1) for x, w in zip(xs, widths)] == [200.0, 200.0]  # centred
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
    # the name is a bidi isolate, so in the left-to-right chart ": 4.41" stays after it
    assert "\u2068السكن\u2069: 4.41" in svg and 'direction="ltr"' in svg


def test_the_paired_bar_legend_shows_each_bar_as_it_is_drawn():
    svg = str(paired_bar_chart([("A", 0.5, 0.25)], ("Who answered", "Everyone"), "Who answered"))
    legend = svg[svg.index('class="chart-legend"'):svg.index("</g>")]
    swatches = re.findall(r"<rect [^>]*>", legend)
    assert len(swatches) == 2 and all('class="chart-bar"' in swatch for swatch in swatches)  # the bars' colour
