"""Fields and validators shared by the instruments, with every message translated."""
from __future__ import annotations

import functools
import uuid
import weakref

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask import flash, g, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import (
    FileField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import ValidationError

from webapp.config import MAX_TEXT_LENGTH


def options(pairs) -> list[SelectChoice]:
    """Choices for a field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def own_names(languages) -> list[SelectChoice]:
    """Choices of ``languages`` (code -> ``i18n.Language``), each named in itself and marked as written in
    it (``lang``, as in the language switcher): on a page in another language, a screen reader reads the
    name with the right voice and the browser draws it with the right font."""
    return [SelectChoice(code, language.name, render_kw={"lang": language.html_lang})
            for code, language in languages.items()]


#: made once: lazy strings are translated when shown, and a form binds its fields on every request
_CHOOSE_ONE = _l("Please choose one of the options.")
_CHOOSE_SHOWN = _l("Please choose from the options shown.")
#: a staff form sent with a stale token (signed in again in another tab) is refused as a whole
NOTHING_SAVED = _l("This page was open for a long time, so nothing was saved. Please check what you typed and save it "
                   "again.")


def _prototype(field):
    """A bound field to copy for each request's form."""
    field._form = field.meta = None  # keeps no request's form alive
    if not callable(field.default):
        # WTForms calls ``default()`` and falls back on the value when that raises TypeError;
        # a callable spares every field of every request raising and catching one
        field.default = functools.partial(_same, field.default)
    return field


def _same(value):
    return value


class _TokenWhenShown:
    """A CSRF token made when a page shows it (markupsafe escapes ``str()`` of it).

    It holds its field weakly: the field holds it, and a cycle would leave the whole form
    for the garbage collector (see ``SurveyForm``).
    """

    def __init__(self, make, field):
        self._make = make
        self._field = weakref.ref(field)

    def __str__(self) -> str:
        return self._make(self._field())


class CSRFTokenWhenShown(FlaskForm.Meta.csrf_class):
    """Flask-WTF's form CSRF, whose token for the next send is made only if the form is shown again.

    WTForms makes that token (a signed copy of the session's secret) whenever the form is
    read from a request; a survey that was sent successfully is never shown again, so on
    the busiest path the token would be signed for nothing.
    """

    def generate_csrf_token(self, csrf_token_field):
        return _TokenWhenShown(super().generate_csrf_token, csrf_token_field)


class ChorusForm(FlaskForm):
    """Every form of Chorus: a file reaches only a file field.

    Flask-WTF reads a multipart post as its files and its text together, so a file sent
    under a text field's name would reach that field's validators, which expect text (a
    500). Here a form reads the posted text, plus the files sent under its own file fields'
    names; a file anywhere else is as if nothing had been sent there.

    A JSON body is not a form post either (Flask-WTF would read it as one, handing fields
    numbers, lists and objects, or failing on JSON that does not parse: a 500): it is as if
    nothing had been sent. Forms the sync API fills from JSON are given their data explicitly.
    """

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and request.is_json:
                return None  # as Flask-WTF answers for an empty form post
            formdata = super().wrap_formdata(form, formdata)
            if not isinstance(formdata, CombinedMultiDict):
                return formdata
            file_fields = {name for name, field in form._fields.items() if isinstance(field, FileField)}
            files = MultiDict([(name, file) for name, file in request.files.items(multi=True) if name in file_fields])
            return CombinedMultiDict((files, request.form)) if files else request.form

    def validate_on_submit(self, extra_validators=None) -> bool:
        """Flask-WTF's check, except that a form sent with a stale token (a staff form ``errors.handle_csrf_error``
        shows again) is never valid and gets no complaints: it comes back as it was sent, saying nothing was saved."""
        if g.get("csrf_error"):
            flash(str(NOTHING_SAVED), "error")
            return False
        return super().validate_on_submit(extra_validators)


class SurveyForm(ChorusForm):
    """A public survey form: each request's fields are copies of fields built once per form class.

    Building a WTForms field runs its whole constructor (label, flags, validators, choices);
    a survey has dozens and is sent by every resident, so each field is built once, left
    unused, and copied into each new form (``Meta.bind_field``, WTForms' hook for binding).
    The copy shares what the constructor made, which no view changes in place (labels,
    validators, flags, fixed choices); everything a request sets (data, errors, choices
    from a callable, read in the reader's language) lives on the copy. The CSRF field is
    made per form and is bound as usual.
    """

    class Meta:
        csrf_class = CSRFTokenWhenShown

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, CSRFTokenField):
                field = unbound_field.bind(form=form, **options)
                field._form = weakref.proxy(form)
                return field
            prototypes = vars(type(form)).get("_field_prototypes")
            if prototypes is None:
                prototypes = {}
                setattr(type(form), "_field_prototypes", prototypes)  # lives and dies with the class
            key = (unbound_field, options["name"], options["prefix"])
            prototype = prototypes.get(key)
            if prototype is None:
                prototype = prototypes[key] = _prototype(unbound_field.bind(form=form, **options))
            field = object.__new__(type(prototype))
            field.__dict__.update(prototype.__dict__)
            field._form, field.meta = weakref.proxy(form), form.meta
            return field

    def follow_switched_language(self, previous: str | None, language: str) -> None:
        """After the reader switches the page's language, "What language did you write in?" follows
        it while it still holds the old page's language (the default it was given) and nothing is
        written yet; an answer chosen on purpose, or text already typed, is left as it is."""
        field = getattr(self, "text_language", None)
        if field is None or field.data != previous:
            return
        if any(isinstance(other, TextAreaField) and (other.data or "").strip() for other in self):
            return
        field.data = language


class _KnownValues:
    """A choice field that checks answers against a set of accepted values made once.

    WTForms rebuilds and walks the choices on every check; a survey has dozens of choice
    fields and is checked on every send. The set is made when the field is built (once per
    form class, see ``SurveyForm``) from fixed choices, or from ``values`` when the choices
    come from a callable (labels in the reader's language, values that never change). It is
    used only while the field still has those choices: choices set per request are checked
    the usual way.
    """

    def __init__(self, *args, values=None, **kwargs):
        super().__init__(*args, **kwargs)
        if values is not None:
            self._accepted = (self._choices_callable, frozenset(self.coerce(value) for value in values))
        elif self._choices_callable is None and self._choices is not None:
            self._accepted = (self._choices, frozenset(self.coerce(choice.value)
                                                       for choice in self._choices_from_input(self._choices)))
        else:
            self._accepted = (None, None)

    def accepted_values(self) -> frozenset | None:
        """The values this field accepts, or None when its choices were changed since it was built."""
        source, accepted = self._accepted
        if source is not None and source is (self._choices_callable or self._choices):
            return accepted
        return None


class _MissingIsNotInvalid(_KnownValues):
    """A choice field whose only complaint about a missing answer comes from its validators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _CHOOSE_ONE)
        kwargs.setdefault("invalid_value_message", _CHOOSE_ONE)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        """An answer must be one of the choices (compared as WTForms does, without rendering them)."""
        if self.data is None or self.process_errors or not self.validate_choice:
            return
        accepted = self.accepted_values()
        if accepted is not None:
            valid = self.data in accepted
        else:
            valid = any(self.coerce(choice.value) == self.data
                        for choice in self._choices_from_input(self.choices) or ())
        if not valid:
            raise ValidationError(self.invalid_choice_message)


class ChoiceField(_MissingIsNotInvalid, RadioField):
    """Radio buttons; not answering is allowed unless a validator says otherwise."""


class OptionalSelectField(_MissingIsNotInvalid, SelectField):
    """A drop-down list; not answering is allowed unless a validator says otherwise."""


class MultiCheckboxField(_KnownValues, SelectMultipleField):
    """A list of checkboxes (several may be ticked)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _CHOOSE_SHOWN)
        kwargs.setdefault("invalid_value_message", _CHOOSE_SHOWN)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        """Every ticked answer must be one of the choices."""
        accepted = self.accepted_values()
        if accepted is None or self.process_errors or not self.validate_choice:
            return super().pre_validate(form)
        if self.data and any(value not in accepted for value in self.data):
            super().pre_validate(form)  # raises, with WTForms' wording of the message


class AtMost:
    """Validator: no more than ``count`` items ticked."""

    def __init__(self, count: int, message):
        self.count = count
        self.message = message

    def __call__(self, form, field):
        if field.data and len(field.data) > self.count:
            raise ValidationError(self.message)


class MaxLength:
    """Validator: at most ``limit`` characters, the limit written the reader's way (2,000 / 2.000)."""

    def __init__(self, limit: int, message=None):
        self.limit = limit
        self.message = message

    def __call__(self, form, field):
        # a line break counts once, as the answer is stored (a browser sends it as CR LF)
        count = len(field.data.replace("\r\n", "\n")) if field.data else 0
        if count > self.limit:
            message = self.message or _("Please shorten this to %(max)s characters or fewer.")
            # the count says how much to cut, for a resident who pasted a long text on a phone
            size = ngettext("It has %(count)s character now.", "It has %(count)s characters now.", count,
                            count=format_number(count))
            # TRANSLATORS: two sentences of one message, joined as your language joins sentences
            raise ValidationError(_("%(request)s %(size)s", request=str(message) % {"max": format_number(self.limit)},
                                    size=size))


def free_text_length() -> MaxLength:
    """The cap on every free-text answer, with a message that says what to do."""
    return MaxLength(MAX_TEXT_LENGTH, _l("Please shorten this answer to %(max)s characters or fewer."))


class Honeypot(StringField):
    """A field people never see or fill; bots that fill it are quietly ignored."""

    def is_tripped(self) -> bool:
        return bool(self.data and self.data.strip())


def parse_uuid(value: str | None) -> uuid.UUID | None:
    """The UUID in ``value``, or None when it is not one."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None
