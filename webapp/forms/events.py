"""Field mode: the form that creates an outreach event, and the rapid-entry form.

The rapid-entry form is the campaign's priority survey form (the same fields and the same
validators) plus what only field entry asks: the respondent's language and the number of
the paper form, if the answers were written on one. One difference: a need may be left
unrated, as long as one is rated. A worker copies what the person answered; a paper form
may have a need left blank, or be printed before the need was added, and a response
queued offline may predate it: none of these could be entered if every need were required.
"""
from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp

from webapp.forms.fields import ChoiceField, ChorusForm, MaxLength, OptionalSelectField, options
from webapp.forms.meetings import LocalDateField
from webapp.forms.priority import IMPORTANCE_CHOICES, build_priority_form, need_field_name
from webapp.i18n import LANGUAGES

#: what a paper form number may look like: letters, digits and - / . (e.g. "A-017")
PAPER_NUMBER_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z./-]{0,39}$"


class EventForm(ChorusForm):
    """A new outreach event: what, when, where."""

    name = StringField(_l("Event name"), validators=[
        DataRequired(message=_l("Please give the event a name.")), MaxLength(200)])  # spaces are no name
    date = LocalDateField(_l("Date"), validators=[InputRequired(message=_l("Please give the date."))])
    place = StringField(_l("Place"), validators=[MaxLength(200)])


class QueueFileForm(ChorusForm):
    """A file of waiting responses exported from an entry screen, to upload."""

    queue_file = FileField(_l("File of waiting responses (.json)"),
                           validators=[FileRequired(message=_l("Please choose the file to upload."))])


class FieldEntryMixin:
    """The fields field entry adds to the survey form."""

    respondent_language = OptionalSelectField(
        _l("Language the person answered in"),
        validators=[InputRequired(message=_l("Please choose the language the person answered in."))],
    )
    paper_number = StringField(
        _l("Paper form number (if any)"),
        validators=[Optional(), Regexp(PAPER_NUMBER_PATTERN, message=_l(
            "Please use only letters, numbers and - / . (up to 40), e.g. A-017."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )

    def paper(self) -> str | None:
        """The paper form number, or None when there is none."""
        return self.paper_number.data or None

    def validate(self, extra_validators=None) -> bool:
        """The survey's checks, and that at least one need is rated."""
        valid = super().validate(extra_validators)
        needs = self.need_fields()
        if needs and not self.ratings() and not any(field.errors for field in needs):
            needs[0].errors.append(_l("Please rate at least one need."))
            return False
        return valid


@functools.lru_cache(maxsize=128)
def build_field_form(needs: tuple[tuple[str, str], ...], profile_questions: tuple[str, ...]) -> type:
    """The rapid-entry form class for a campaign's content (see ``build_priority_form``): its needs may be
    left unrated."""
    survey_form = build_priority_form(needs, profile_questions)
    unrated_allowed = {need_field_name(key): ChoiceField(coerce=int, choices=IMPORTANCE_CHOICES) for key, _name in needs}
    return type("FieldEntryForm", (FieldEntryMixin, survey_form), unrated_allowed)


def respondent_language_choices(campaign_languages) -> list:
    """The campaign's languages in their own names, for the per-response language choice."""
    return options([("", _l("Choose…"))] + [
        (code, LANGUAGES[code].name) for code in campaign_languages if code in LANGUAGES])
