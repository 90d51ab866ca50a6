"""Margins typed or pasted as text (the summary settings form) read like a margins file."""
import pytest

from analysis.errors import InputError
from analysis.tabular_io import margins_from_text

EXPECTED = {"place": {"98118": 0.23, "98122": 0.77}, "age_band": {"18_24": 40.0}}


def test_margins_text_with_its_header_line():
    text = "\ufeffvariable,category,target\nplace,98118,0.23\nplace,98122,0.77\n\nage_band,18_24,40\n"
    assert margins_from_text(text) == EXPECTED


def test_the_header_line_may_be_left_out():
    assert margins_from_text("place,98118,0.23\nplace,98122,0.77\nage_band,18_24,40") == EXPECTED


@pytest.mark.parametrize(("text", "message"), [
    ("place,98118,lots", "'population figures' line 1: target 'lots'"),
    ("variable,category,target\nplace,98118\n", "'population figures' line 2: 2 fields"),
    ("variable,category\nplace,98118\n", "has no column 'target'"),
    ("place,98118,1\nplace,98118,2\n", "appears more than once"),
])
def test_unreadable_margins_text_names_the_line(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        margins_from_text(text, "population figures")


@pytest.mark.parametrize("text", [
    "variable\tcategory\ttarget\nplace\t98118\t0.6\nplace\t98108\t0.4\n",  # cells pasted from a spreadsheet
    "variable;category;target\nplace;98118;0,6\nplace;98108;0,4\n",  # saved where the comma is the decimal mark
    "Variable,Category,Target\nplace,98118,0.6\nplace,98108,0.4\n",  # a spreadsheet's headings
    "variable,category,target,,\nplace,98118,0.6,,\nplace,98108,0.4,\n",  # empty columns left at the end
    "place\t98118\t0.6\nplace\t98108\t0.4\n",  # no header line
])
def test_margins_as_spreadsheets_write_them_are_read_alike(text):
    assert margins_from_text(text) == {"place": {"98118": 0.6, "98108": 0.4}}


def test_a_comma_in_a_target_is_no_decimal_mark_when_commas_separate_the_columns():
    with pytest.raises(InputError, match="line 2: 4 fields but the header has 3"):
        margins_from_text("variable,category,target\nplace,98118,0,6\n")


@pytest.mark.parametrize("text", [
    "place,98118,60%\nplace,98108,40 %\n",  # percentages as census tables show them
    "place;98118;60,0 %\nplace;98108;40,0 %\n",  # with a decimal comma, and no header line
    "place\t98118\t60%\nplace\t98108\t40%\n",
])
def test_percentages_are_read_as_shares(text):
    assert margins_from_text(text)["place"] == pytest.approx({"98118": 0.6, "98108": 0.4})


@pytest.mark.parametrize("text", [
    "variable\tcategory\ttarget\nplace\t98118\t1,500\nplace\t98108\t1,000\n",  # thousands, pasted cells
    'place,98118,"1,500"\nplace,98108,"1,000"\n',  # thousands, quoted in a CSV
    "place;98118;1.500\nplace;98108;1.000\n",  # thousands where the comma is the decimal mark
    "place\t98118\t1\u202f500\nplace\t98108\t1 000\n",  # thousands grouped by (narrow no-break) spaces
    "place\t98118\t1500,0\nplace\t98108\t1000,0\n",  # a decimal comma in pasted cells
])
def test_counts_are_read_with_their_thousands_separators(text):
    assert margins_from_text(text) == {"place": {"98118": 1500, "98108": 1000}}


def test_a_semicolon_file_without_a_header_is_read_though_its_first_figure_has_a_comma():
    assert margins_from_text("age_band;18_24;12,5\nage_band;25_34;87,5\n") == {
        "age_band": {"18_24": 12.5, "25_34": 87.5}}


@pytest.mark.parametrize("target", ["1,5,0", "%", "1 5", "12..5", "--1", "1,50,000"])
def test_a_target_that_is_no_number_in_any_writing_is_refused(target):
    with pytest.raises(InputError, match="is not a number"):
        margins_from_text(f"variable\tcategory\ttarget\nplace\t98118\t{target}\n")
