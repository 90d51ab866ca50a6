"""Input errors: English on the command line, and what the web app needs to translate them."""
import pytest

from analysis.errors import N_, InputError, Message
from analysis.tabular_io import margins_from_text


def test_an_error_reads_as_english_and_keeps_its_template_and_values():
    error = InputError(N_("'%(name)s' line %(line)d: target for '%(category)s' is %(value)r"),
                       name=Message(N_("population figures")), line=3, category="a", value=0.5)
    assert str(error) == "'population figures' line 3: target for 'a' is 0.5"
    assert error.message.template == "'%(name)s' line %(line)d: target for '%(category)s' is %(value)r"
    assert error.message.values["line"] == 3 and error.message.values["name"].template == "population figures"


def test_a_plain_text_error_is_its_own_message():
    error = InputError("100% of nothing")
    assert str(error) == "100% of nothing" and error.message.template == "100% of nothing"
    assert error.message.values == {}


def test_margin_errors_carry_the_name_they_were_given():
    with pytest.raises(InputError, match="^'population figures' line 1: target 'lots'") as caught:
        margins_from_text("place,98118,lots", Message(N_("population figures")))
    assert isinstance(caught.value.message.values["name"], Message)
