"""Survey forms copy fields built once per form class: each form must still be its own."""
from __future__ import annotations

import gc
import weakref

import pytest
from flask import g
from flask_babel import force_locale
from flask_wtf.csrf import validate_csrf
from hypothesis import given, settings
from hypothesis import strategies as st
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from tests.conftest import make_app
from webapp.forms.fields import ChoiceField, MaxLength, MultiCheckboxField, SurveyForm, options
from webapp.forms.priority import PriorityFormBase, build_priority_form, income_choices


@pytest.fixture(scope="module")
def form_app(tmp_path_factory):
    """Forms need a request context, not a database."""
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('forms') / 'forms.db'}", WTF_CSRF_ENABLED=False)


def _fields():
    return {
        "colour": ChoiceField("Colour", choices=options([("red", "Red"), ("blue", "Blue")])),
        "tags": MultiCheckboxField("Tags", choices=options([("a", "A"), ("b", "B")])),
        "note": StringField("Note", validators=[MaxLength(5)]),
    }


def test_a_form_renders_as_the_same_fields_built_the_usual_way(form_app):
    copied = type("Copied", (SurveyForm,), _fields())
    built = type("Built", (FlaskForm,), _fields())
    data = MultiDict([("colour", "blue"), ("tags", "b"), ("note", "toolong")])
    with form_app.test_request_context("/"):
        for _ in range(2):  # the second form is made of copies
            ours, usual = copied(formdata=data), built(formdata=data)
            assert ours.validate() is usual.validate() is False
            assert ours.errors == usual.errors
            for name in ("colour", "tags", "note"):
                assert str(ours[name]) == str(usual[name])
                assert ours[name].data == usual[name].data


def test_one_residents_answers_and_errors_never_reach_the_next_form(form_app):
    form_class = type("Survey", (SurveyForm,), _fields())
    with form_app.test_request_context("/"):
        first = form_class(formdata=MultiDict([("colour", "green"), ("tags", "a"), ("note", "far too long")]))
        assert not first.validate()
        second = form_class(formdata=MultiDict())
        assert second.validate(), second.errors
        assert (second.colour.data, second.tags.data, second.note.data) == (None, [], None)
        assert first.errors and not second.errors
        assert second.colour._form.colour is second.colour and first.colour._form.colour is first.colour
        assert second.colour is not first.colour


def test_choices_made_per_request_are_in_that_readers_language(form_app):
    form_class = build_priority_form((("clinic", "Clinic"),), ("income_band",))
    with form_app.test_request_context("/"):
        with force_locale("en"):
            english = [str(choice.label) for choice in form_class().income_band.choices]
        with force_locale("es"):
            spanish = [str(choice.label) for choice in form_class().income_band.choices]
            expected = [str(choice.label) for choice in income_choices()]
    assert spanish == expected
    assert english != spanish
    assert "$25,000" in english[0]


def test_the_kept_fields_hold_no_form(form_app):
    form_class = build_priority_form((("clinic", "Clinic"),), ())
    with form_app.test_request_context("/"):
        form_class()
    prototypes = vars(form_class)["_field_prototypes"]
    assert prototypes and all(p._form is None and p.meta is None for p in prototypes.values())
    assert issubclass(form_class, PriorityFormBase)


answers = st.lists(st.tuples(st.sampled_from(["colour", "tags", "note", "other"]),
                             st.sampled_from(["red", "blue", "green", "", "a", "b", "c", "RED", "1"])), max_size=6)


def _fields_with_callable_choices():
    """The same fields, with choices from callables: checked the way WTForms checks choices."""
    return {
        "colour": ChoiceField("Colour", choices=lambda: options([("red", "Red"), ("blue", "Blue")])),
        "tags": MultiCheckboxField("Tags", choices=lambda: options([("a", "A"), ("b", "B")])),
        "note": StringField("Note", validators=[MaxLength(5)]),
    }


@settings(max_examples=200, deadline=None)
@given(answers=answers)
def test_choices_are_checked_as_wtforms_checks_them(form_app, answers):
    copied = type("Copied", (SurveyForm,), _fields())
    built = type("Built", (SurveyForm,), _fields_with_callable_choices())
    data = MultiDict(answers)
    with form_app.test_request_context("/"):
        copied(formdata=MultiDict())  # the second form of the class is made of copies
        ours, usual = copied(formdata=data), built(formdata=data)
        assert ours.colour.accepted_values() is not None and usual.colour.accepted_values() is None
        assert ours.validate() is usual.validate()
        assert ours.errors == usual.errors


def test_choices_set_for_one_request_are_the_ones_checked(form_app):
    form_class = type("Survey", (SurveyForm,), _fields())
    with form_app.test_request_context("/"):
        form = form_class(formdata=MultiDict([("colour", "green"), ("tags", "c")]))
        form.colour.choices = options([("green", "Green")])
        form.tags.choices = options([("c", "C")])
        assert form.validate(), form.errors
        again = form_class(formdata=MultiDict([("colour", "green"), ("tags", "c")]))
        assert not again.validate()  # the next form has the class's own choices
        assert set(again.errors) == {"colour", "tags"}


def test_answers_to_choices_from_a_callable_are_checked_against_their_values(form_app):
    form_class = build_priority_form((("clinic", "Clinic"),), ("income_band",))
    with form_app.test_request_context("/"):
        assert form_class(formdata=MultiDict([("need_clinic", "3"), ("income_band", "25_50k")])).validate()
        refused = form_class(formdata=MultiDict([("need_clinic", "3"), ("income_band", "25_50")]))
        assert not refused.validate()
        assert refused.errors == {"income_band": ["Please choose one of the options."]}


def test_a_sent_form_signs_no_csrf_token_unless_it_is_shown_again(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'forms.db'}")
    form_class = type("Survey", (SurveyForm,), _fields())
    with app.test_request_context("/", method="POST", data={"colour": "red"}):
        form = form_class()
        assert "csrf_token" not in g  # Flask-WTF keeps the token it signed for the request here
        shown = str(form.csrf_token)
        assert "csrf_token" in g
        token = shown.split('value="')[1].split('"')[0]
        validate_csrf(token)  # raises if it is not a good token for this session


def test_a_sent_form_is_freed_at_once_not_left_to_the_garbage_collector(tmp_path):
    """A form and its fields form no reference cycle (a field knows its form only weakly, and
    the CSRF token its field): the busiest path leaves nothing for the collector, whose passes
    over a worker's objects would hold up the residents waiting behind them."""
    app = make_app(f"sqlite:///{tmp_path / 'csrf.db'}")  # with CSRF, whose field made its own cycle
    form_class = build_priority_form((("clinic", "Clinic"),), ("income_band",))
    gc.disable()
    try:
        with app.test_request_context("/", method="POST", data={"need_clinic": "9", "income_band": "25_50k"}):
            form = form_class()
            assert not form.validate()
            assert "csrf_token" in form.errors and form.income_band.data == "25_50k"
            assert str(form.csrf_token.current_token)  # the token for the page shown again
            freed = [weakref.ref(form), weakref.ref(form.csrf_token), weakref.ref(form.need_clinic)]
            del form
            assert [ref() for ref in freed] == [None, None, None]
    finally:
        gc.enable()


def test_a_line_break_counts_as_one_character_as_it_is_stored(form_app):
    """Browsers send a line break as CR LF; the answer is stored with LF, and the limit counts it so."""
    form_class = type("Survey", (SurveyForm,), _fields())
    with form_app.test_request_context("/"):
        assert form_class(formdata=MultiDict([("note", "ab\r\ncd")])).validate()  # 5 characters, as stored
        too_long = form_class(formdata=MultiDict([("note", "ab\r\ncde")]))
        assert not too_long.validate()
        assert too_long.errors["note"] == ["Please shorten this to 5 characters or fewer. It has 6 characters now."]
