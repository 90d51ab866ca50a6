"""The meeting evaluation participants fill in, and the form a lead creates a meeting with.

The evaluation asks the eight items of the Meeting Effectiveness Inventory (Getting to
Outcomes), each 1–5 with plain descriptions of 1, 3 and 5; for problem solving and conflict
a participant may instead say there was no conflict. Then three access items the
partnership guides ask about, answered yes / somewhat / no (three words translate and read
more easily than a second 1–5 scale, and "somewhat" keeps the middle honest). Then two
open questions. It is anonymous: nothing in it names the participant.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from webapp.forms.fields import (
    ChoiceField,
    ChorusForm,
    Honeypot,
    MaxLength,
    OptionalSelectField,
    SurveyForm,
    free_text_length,
    options,
)
from webapp.forms.priority import LANGUAGE_CHOICES
from webapp.models.meetings import ACCESS_ITEMS, MEI_ITEMS

#: the value of "there was no conflict" in the conflict item
NO_CONFLICT = "none"

#: item -> (its name, the question, the descriptions of 1, 3 and 5)
MEI_TEXT = {
    "goals": (_l("Clear goals"), _l("How clear were the goals of this meeting?"),
              (_l("The goals were not clear"), _l("Somewhat clear"),
               _l("Very clear; everyone knew what we wanted to do"))),
    "participation": (_l("Taking part"), _l("Did everyone get to take part?"),
                      (_l("A few people did all the talking"), _l("Some people took part"),
                       _l("Everyone took part and was heard"))),
    "leadership": (_l("Leadership"), _l("How well was the meeting led?"),
                   (_l("It was not led well"), _l("It was led fairly well"),
                    _l("It was led very well; the leader helped us all work together"))),
    "decisions": (_l("Decisions"), _l("How well did we make decisions?"),
                  (_l("A few people decided, or nothing was decided"), _l("Fairly well"),
                   _l("We made good decisions together"))),
    "cohesiveness": (_l("Working as a team"), _l("How well did the group work together?"),
                     (_l("People did not trust or support each other"), _l("Fairly well"),
                      _l("We worked as a team, with trust and respect"))),
    "conflict": (_l("Problems and disagreements"), _l("How well did we deal with problems and disagreements?"),
                 (_l("They were ignored or got worse"), _l("Some were worked out"),
                  _l("We talked them through and solved them"))),
    "organisation": (_l("Organization"), _l("How well organized was the meeting?"),
                     (_l("No agenda; we got off track"), _l("Somewhat organized"),
                      _l("Clear agenda; we started and ended on time"))),
    "productivity": (_l("Getting things done"), _l("How much did we get done?"),
                     (_l("We got nothing done"), _l("We got some things done"),
                      _l("We got a lot done, with clear next steps"))),
}
ACCESS_TEXT = {
    "time_place": _l("The time and place worked for me."),
    "take_part": _l("I could take part fully. For an online meeting: the technology worked for me."),
    "welcome": _l("I felt welcome and safe."),
}
ACCESS_CHOICES = options([("yes", _l("Yes")), ("somewhat", _l("Somewhat")), ("no", _l("No"))])
OPEN_QUESTIONS = {
    "went_well": _l("What went well in this meeting?"),
    "improve": _l("What could we do better next time?"),
}
MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("In person and online")}

SCORE_CHOICES = options([(value, str(value)) for value in range(1, 6)])
CONFLICT_CHOICES = options([(str(value), str(value)) for value in range(1, 6)]
                           + [(NO_CONFLICT, _l("There was no conflict"))])

DEFAULT_OPEN_DAYS = 7
MAX_OPEN_DAYS = 60


def mei_scale(item: str) -> list[tuple[int, str]]:
    """The 1–5 tiles of ``item``: (value, description), described at 1, 3 and 5 (2 and 4 are between)."""
    low, middle, high = MEI_TEXT[item][2]
    return [(1, str(low)), (2, ""), (3, str(middle)), (4, ""), (5, str(high))]


def _item(key: str) -> ChoiceField:
    required = InputRequired(message=_l("Please choose a number from 1 to 5."))
    if key == "conflict":
        return ChoiceField(MEI_TEXT[key][0], choices=CONFLICT_CHOICES, validators=[
            InputRequired(message=_l("Please choose a number from 1 to 5, or “There was no conflict”."))])
    return ChoiceField(MEI_TEXT[key][0], coerce=int, choices=SCORE_CHOICES, validators=[required])


class MeetingEvaluationForm(SurveyForm):
    """A participant's anonymous evaluation of one meeting."""

    lang = HiddenField()
    response_id = HiddenField()
    show_errors = HiddenField()
    #: set when the same answers were sent from this device before: sent again, they are stored anew
    send_again = HiddenField()
    website = Honeypot(_l("Leave this box empty"))

    goals = _item("goals")
    participation = _item("participation")
    leadership = _item("leadership")
    decisions = _item("decisions")
    cohesiveness = _item("cohesiveness")
    conflict = _item("conflict")
    organisation = _item("organisation")
    productivity = _item("productivity")

    access_time_place = ChoiceField(ACCESS_TEXT["time_place"], choices=ACCESS_CHOICES)
    access_take_part = ChoiceField(ACCESS_TEXT["take_part"], choices=ACCESS_CHOICES)
    access_welcome = ChoiceField(ACCESS_TEXT["welcome"], choices=ACCESS_CHOICES)

    went_well = TextAreaField(OPEN_QUESTIONS["went_well"], validators=[free_text_length()])
    improve = TextAreaField(OPEN_QUESTIONS["improve"], validators=[free_text_length()])
    text_language = OptionalSelectField(_l("What language did you write in?"), choices=LANGUAGE_CHOICES)

    def scores(self) -> dict[str, int | None]:
        """MEI item -> 1–5 (conflict is None when there was no conflict)."""
        scores = {item: self[item].data for item in MEI_ITEMS if item != "conflict"}
        scores["conflict"] = None if self.conflict.data == NO_CONFLICT else int(self.conflict.data)
        return scores

    def access(self) -> dict[str, str]:
        """Access item -> yes / somewhat / no, for every item answered."""
        return {item: self[f"access_{item}"].data for item in ACCESS_ITEMS if self[f"access_{item}"].data}


class LocalDateField(DateField):
    """A date (an ``<input type="date">``) whose complaint is translated; blank is left to InputRequired."""

    def process_formdata(self, valuelist):
        if not "".join(valuelist or []).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Please give a date like %(example)s.", example="2026-11-22")) from error


class LocalIntegerField(IntegerField):
    """A whole number whose complaint is translated; blank is left to InputRequired."""

    def process_formdata(self, valuelist):
        if not "".join(valuelist or []).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Please give a whole number.")) from error


class MeetingForm(ChorusForm):
    """A new meeting: what, when, where, who facilitates, and how long evaluations are taken."""

    title = StringField(_l("Meeting title"), validators=[
        DataRequired(message=_l("Please give the meeting a title.")), MaxLength(200)])  # spaces are no title
    held_on = LocalDateField(_l("Date"), validators=[InputRequired(message=_l("Please give the date."))])
    mode = ChoiceField(_l("Where"), choices=options(MODE_LABELS.items()),
                       validators=[InputRequired(message=_l("Please say where the meeting is."))])
    place = StringField(_l("Place or online platform"), validators=[MaxLength(200)])
    facilitator = StringField(_l("Facilitator"), validators=[MaxLength(120)])
    open_days = LocalIntegerField(
        _l("Days to take evaluations after the meeting"), default=DEFAULT_OPEN_DAYS,
        validators=[InputRequired(message=_l("Please give a number of days.")),
                    NumberRange(min=1, max=MAX_OPEN_DAYS, message=_l("Please give a number from 1 to 60."))],
    )
