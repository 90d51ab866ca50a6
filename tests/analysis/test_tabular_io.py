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
