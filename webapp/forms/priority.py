"""The community priority survey. Its questions come from the campaign's need list."""
from __future__ import annotations

import functools

from flask_babel import format_currency
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from webapp.forms.fields import (
    AtMost,
    ChoiceField,
    Honeypot,
    MaxLength,
    MultiCheckboxField,
    OptionalSelectField,
    SurveyForm,
    free_text_length,
    options,
    own_names,
)
from webapp.i18n import LANGUAGES
from webapp.models import PROFILE_QUESTIONS

IMPORTANCE_CHOICES = options([
    (1, _l("Not important")),
    (2, _l("A little important")),
    (3, _l("Somewhat important")),
    (4, _l("Very important")),
    (5, _l("Extremely important")),
])

AGE_BANDS = options([
    ("under_18", _l("Under 18")),
    ("18_24", _l("18 to 24")),
    ("25_34", _l("25 to 34")),
    ("35_44", _l("35 to 44")),
    ("45_54", _l("45 to 54")),
    ("55_64", _l("55 to 64")),
    ("65_plus", _l("65 or older")),
])

RACE_ETHNICITY = options([
    ("native", _l("American Indian or Alaska Native")),
    ("asian", _l("Asian")),
    ("black", _l("Black or African American")),
    ("latino", _l("Hispanic or Latino")),
    ("mena", _l("Middle Eastern or North African")),
    ("pacific", _l("Native Hawaiian or Pacific Islander")),
    ("white", _l("White")),
    ("other", _l("Another race or ethnicity")),
])

INCOME_BANDS = ("under_25k", "25_50k", "50_75k", "75_100k", "100k_plus")

HARDSHIPS = [
    ("uninsured", _l("I do not have health insurance")),
    ("food_insecurity", _l("Sometimes I do not have enough food")),
    ("housing_instability", _l("I may lose my home, or I do not have a steady place to live")),
    ("disability", _l("I have a disability")),
    ("transportation_barrier", _l("It is hard for me to get where I need to go")),
]
NO_HARDSHIP = "none"

OPEN_QUESTIONS = {
    "barrier": _l("What makes it hardest to stay healthy where you live?"),
    "change": _l("What one change would help your health the most?"),
}

TOP_PICKS = 3


def income_choices() -> list:
    """Income bands with amounts written the way the reader's language writes money."""
    def money(amount: int) -> str:
        return format_currency(amount, "USD", format="¤#,##0", currency_digits=False)

    return options([
        ("under_25k", _l("Less than %(amount)s", amount=money(25000))),
        ("25_50k", _l("%(low)s to %(high)s", low=money(25000), high=money(49999))),
        ("50_75k", _l("%(low)s to %(high)s", low=money(50000), high=money(74999))),
        ("75_100k", _l("%(low)s to %(high)s", low=money(75000), high=money(99999))),
        ("100k_plus", _l("%(amount)s or more", amount=money(100000))),
    ])


#: our languages in their own names, then 'another language'
LANGUAGE_CHOICES = own_names(LANGUAGES) + options([("other", _l("Another language"))])

#: the profile questions answered by choosing, and their choices (value and label) in the survey's order
CHOSEN_ANSWERS = {"age_band": lambda: AGE_BANDS, "race_ethnicity": lambda: RACE_ETHNICITY,
                  "income_band": income_choices, "primary_language": lambda: LANGUAGE_CHOICES}
#: of those, the questions where a resident may check several answers
SEVERAL_ANSWERS = frozenset({"race_ethnicity"})


def _hardships_consistent(form, field):
    if field.data and NO_HARDSHIP in field.data and len(field.data) > 1:
        raise ValidationError(_l("You checked “None of these” and another answer. Please choose one or the other."))


RATING_REQUIRED = _l("Please choose how important this is.")
#: the same, said once for a run of needs left unrated (the error summary joins them in one line)
RATINGS_REQUIRED = _l("Please choose how important each of these is.")


class PriorityFormBase(SurveyForm):
    """Fields every priority survey has; the need questions are added per campaign."""

    #: (an error, the same said of several questions): see ``views.error_summary``
    run_messages = ((RATING_REQUIRED, RATINGS_REQUIRED),)

    lang = HiddenField()
    response_id = HiddenField()
    #: shown after a failed send, so switching language re-checks the answers in the new language
    show_errors = HiddenField()
    #: set when the same answers were sent from this device before: sent again, they are stored anew
    send_again = HiddenField()
    website = Honeypot(_l("Leave this box empty"))
    barrier = TextAreaField(OPEN_QUESTIONS["barrier"], validators=[free_text_length()])
    change = TextAreaField(OPEN_QUESTIONS["change"], validators=[free_text_length()])
    text_language = OptionalSelectField(_l("What language did you write in?"), choices=LANGUAGE_CHOICES)
    place = StringField(
        _l("Your neighborhood or ZIP code"),
        validators=[MaxLength(120)],
    )
    age_band = ChoiceField(_l("Your age"), choices=AGE_BANDS)
    race_ethnicity = MultiCheckboxField(_l("Your race or ethnicity (check all that apply)"), choices=RACE_ETHNICITY)
    income_band = ChoiceField(_l("Your household income in a year"), choices=income_choices, values=INCOME_BANDS)
    primary_language = ChoiceField(_l("The language you speak most at home"), choices=LANGUAGE_CHOICES)
    hardships = MultiCheckboxField(
        _l("Do any of these apply to you now? (check all that apply)"),
        choices=options(HARDSHIPS + [(NO_HARDSHIP, _l("None of these"))]),
        validators=[_hardships_consistent],
    )

    def __iter__(self):
        """The fields in page order (what the error summary lists by): the ratings and the top
        three first, though each campaign's class adds them after the fields declared here."""
        first = [*self._need_field_names, "top_three"]
        return iter([self[name] for name in first] + [field for field in super().__iter__() if field.name not in first])

    def need_fields(self):
        """The rating fields, in campaign order."""
        return [self[name] for name in self._need_field_names]

    def ratings(self) -> dict[str, int]:
        """Need key -> importance, for every rated need."""
        return {
            name.removeprefix("need_"): self[name].data
            for name in self._need_field_names
            if self[name].data is not None
        }


def need_field_name(key: str) -> str:
    """The form field that holds the rating of need ``key``."""
    return f"need_{key}"


@functools.lru_cache(maxsize=256)
def build_priority_form(needs: tuple[tuple[str, str], ...], profile_questions: tuple[str, ...]) -> type[PriorityFormBase]:
    """Make the survey form class for a campaign (made once per distinct content, then reused).

    ``needs`` is a tuple of (key, name in the reader's language), in campaign order;
    ``profile_questions`` names the profile fields the campaign asks.
    """
    attributes = {}
    for key, _name in needs:
        attributes[need_field_name(key)] = ChoiceField(
            coerce=int,
            choices=IMPORTANCE_CHOICES,
            validators=[InputRequired(message=RATING_REQUIRED)],
        )
    attributes["top_three"] = MultiCheckboxField(
        _l("Which three matter most to you?"),
        choices=options(needs),
        validators=[AtMost(TOP_PICKS, _l("Please pick no more than three."))],
    )
    for question in PROFILE_QUESTIONS:
        if question not in profile_questions:
            attributes[question] = None  # WTForms drops a field set to None
    form_class = type("PriorityForm", (PriorityFormBase,), attributes)
    form_class._need_field_names = [need_field_name(key) for key, _ in needs]
    form_class.need_names = dict(needs)
    form_class.profile_questions = list(profile_questions)
    return form_class
