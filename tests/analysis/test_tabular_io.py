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
