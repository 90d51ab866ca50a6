"""The member asset and skill assessment ("what can you bring, and how involved do you want to be?").

The core competencies are adapted from the Coalition Core Competencies checklist and the
coalition-leadership skills the "Work Together" guide lists: facilitation and group
process, communication, knowing the community, working across cultures and differences
(cultural humility), using data, advocacy and policy, fundraising and finding resources,
and leadership. Each is rated 1 (I need to learn this) to 4 (I can teach others).

Only the sector and the level of involvement are required. Name, organization and contact
details are kept only when the member agrees to be listed in the member directory.
"""
from __future__ import annotations

import functools
import re

from babel import Locale
from babel.dates import get_day_names
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, ValidationError

from webapp.forms.fields import (
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
from webapp.forms.priority import LANGUAGE_CHOICES
from webapp.i18n import LANGUAGES
from webapp.models.members import COMPETENCIES, DAYS

SECTOR_LABELS = {
    "public_health": _l("Public health"),
    "health_care": _l("Health care"),
    "education": _l("Education"),
    "business": _l("Business"),
    "government": _l("Government"),
    "faith": _l("Faith-based group"),
    "community_org": _l("Community-based organization"),
    "resident": _l("Resident"),
    "philanthropy": _l("Philanthropy"),
    "media": _l("Media"),
    "justice": _l("Justice"),
    "housing": _l("Housing"),
    "transportation": _l("Transportation"),
    "other": _l("Other"),
}
SKILL_LABELS = {
    "facilitation": _l("Facilitating meetings"),
    "data_evaluation": _l("Data and evaluation"),
    "grants_fundraising": _l("Grant writing and fundraising"),
    "translation": _l("Translation or interpretation"),
    "outreach_organizing": _l("Outreach and organizing"),
    "policy_advocacy": _l("Policy advocacy"),
    "communications": _l("Communications and social media"),
    "event_planning": _l("Event planning"),
    "design": _l("Design"),
    "legal": _l("Legal"),
    "technology": _l("Technology"),
    "training": _l("Training"),
    "research": _l("Research"),
}
ASSET_LABELS = {
    "meeting_space": _l("Meeting space"),
    "funding": _l("Funding"),
    "volunteers": _l("Volunteers"),
    "data": _l("Data"),
    "networks": _l("Networks and contacts"),
    "equipment": _l("Equipment"),
    "transportation": _l("Transportation"),
    "food": _l("Food"),
    "childcare": _l("Childcare at meetings"),
}
INVOLVEMENT_LABELS = {
    "leading": _l("Help lead the coalition"),
    "active": _l("Be an active member"),
    "occasional": _l("Help now and then"),
    "informed": _l("Keep me informed"),
}
TIME_LABELS = {"morning": _l("Mornings"), "afternoon": _l("Afternoons"), "evening": _l("Evenings")}
MODE_LABELS = {"in_person": _l("In person"), "online": _l("Online")}
COMPETENCY_LABELS = {
    "facilitation": _l("Facilitation and group process"),
    "communication": _l("Communication"),
    "community_knowledge": _l("Knowing the community"),
    "cultural_humility": _l("Working across cultures and differences"),
    "data_use": _l("Using data"),
    "advocacy_policy": _l("Advocacy and policy"),
    "resource_development": _l("Fundraising and finding resources"),
    "leadership": _l("Leadership"),
}
COMPETENCY_SCALE = options([
    (1, _l("I need to learn this")),
    (2, _l("I know a little")),
    (3, _l("I can do this well")),
    (4, _l("I can teach others")),
])
YES_NO = options([("yes", _l("Yes")), ("no", _l("No"))])
CONSENT_CHOICES = options([("yes", _l("Yes, list me")), ("no", _l("No"))])

#: free text the member may fill
OPEN_QUESTIONS = {"help_involved": _l("What would help you be more involved?")}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def our_languages() -> list:
    """Our eight languages, each in its own name."""
    return own_names(LANGUAGES)


def day_choices() -> list:
    """Monday to Sunday, named the reader's way (from the locale's own calendar data)."""
    names = get_day_names("wide", locale=get_locale())
    return options([(key, names[index]) for index, key in enumerate(DAYS)])


def language_name(code: str) -> str:
    """A language's name in the reader's language ("Vietnamese" for an English reader)."""
    if code not in LANGUAGES:
        return str(_l("Another language"))
    locale = Locale.parse(LANGUAGES[code].locale)
    return Locale(locale.language, script=locale.script).get_display_name(get_locale()) or LANGUAGES[code].name


def option_label(question: str, key: str) -> str:
    """The reader's words for answer ``key`` of ``question`` (sector, skill, asset, language, day, …)."""
    if question in ("language", "translation_language"):
        return language_name(key)
    if question == "day":
        return dict((choice.value, choice.label) for choice in day_choices()).get(key, key)
    labels = {"sector": SECTOR_LABELS, "skill": SKILL_LABELS, "asset": ASSET_LABELS, "involvement": INVOLVEMENT_LABELS,
              "time": TIME_LABELS, "mode": MODE_LABELS, "competency": COMPETENCY_LABELS}[question]
    return str(labels.get(key, key))


@functools.lru_cache(maxsize=1024)
def option_label_in_every_language(question: str, key: str) -> str:
    """Answer ``key``'s words in every language Chorus speaks, for searching: a lead finds a member by
    "Espacio para reuniones" or "Chinese" whichever language the page is in. Kept per process (they are
    the catalogs' words: a lookup in eight languages costs about a millisecond)."""
    words = []
    for language in LANGUAGES.values():
        with force_locale(language.locale):
            words.append(option_label(question, key))
    return " ".join(words)


def competency_field_name(key: str) -> str:
    """The form field holding the self-rating of competency ``key``."""
    return f"competency_{key}"


def _email_format(form, field):
    if field.data and field.data.strip() and not EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Please check the email address. It looks like name@example.org."))


def _consent_when_identified(form, field):
    identified = any((form[name].data or "").strip() for name in ("name", "email", "phone", "organisation"))
    if identified and not field.data:
        raise ValidationError(_l("Please say if we may list you in the member directory."))


def _competency(key: str) -> ChoiceField:
    return ChoiceField(COMPETENCY_LABELS[key], coerce=int, choices=COMPETENCY_SCALE)


class MemberAssessmentForm(SurveyForm):
    """What a coalition member can bring: skills, assets, languages, time, and how involved they want to be."""

    lang = HiddenField()
    response_id = HiddenField()
    show_errors = HiddenField()
    #: set when the same answers were sent from this device before: sent again, they are stored anew
    send_again = HiddenField()
    website = Honeypot(_l("Leave this box empty"))

    name = StringField(_l("Your name"), validators=[MaxLength(120)])
    email = StringField(_l("Email"), validators=[MaxLength(254), _email_format])
    phone = StringField(_l("Phone"), validators=[MaxLength(40)])
    organisation = StringField(_l("Your organization, if any"), validators=[MaxLength(200)])
    directory_consent = ChoiceField(_l("May we list you in the member directory?"), choices=CONSENT_CHOICES,
                                    validators=[_consent_when_identified])

    sector = ChoiceField(_l("Which sector do you belong to?"), choices=options(SECTOR_LABELS.items()),
                         validators=[InputRequired(message=_l("Please choose your sector."))])
    sector_other = StringField(_l("If other, which sector?"), validators=[MaxLength(120)])
    lived_experience = ChoiceField(_l("Do you live with the issues this coalition works on?"), choices=YES_NO)

    skills = MultiCheckboxField(_l("Skills you can share (check all that apply)"),
                                choices=options(SKILL_LABELS.items()))
    translation_languages = MultiCheckboxField(_l("If you translate or interpret: which languages?"),
                                               choices=our_languages)
    assets = MultiCheckboxField(_l("What can you or your organization share? (check all that apply)"),
                                choices=options(ASSET_LABELS.items()))
    languages = MultiCheckboxField(_l("Languages you speak (check all that apply)"), choices=our_languages)
    other_languages = StringField(_l("Other languages you speak"), validators=[MaxLength(200)])

    involvement = ChoiceField(_l("How involved would you like to be?"), choices=options(INVOLVEMENT_LABELS.items()),
                              validators=[InputRequired(message=_l("Please choose how involved you would like to be."))])
    days = MultiCheckboxField(_l("Days you can usually meet"), choices=day_choices)
    times = MultiCheckboxField(_l("Times you can usually meet"), choices=options(TIME_LABELS.items()))
    modes = MultiCheckboxField(_l("How you can meet"), choices=options(MODE_LABELS.items()))

    # one per COMPETENCIES key, named competency_<key>
    competency_facilitation = _competency("facilitation")
    competency_communication = _competency("communication")
    competency_community_knowledge = _competency("community_knowledge")
    competency_cultural_humility = _competency("cultural_humility")
    competency_data_use = _competency("data_use")
    competency_advocacy_policy = _competency("advocacy_policy")
    competency_resource_development = _competency("resource_development")
    competency_leadership = _competency("leadership")

    help_involved = TextAreaField(OPEN_QUESTIONS["help_involved"], validators=[free_text_length()])
    text_language = OptionalSelectField(_l("What language did you write in?"), choices=LANGUAGE_CHOICES)

    def competency_fields(self):
        """The competency self-rating fields, in order."""
        return [self[competency_field_name(key)] for key in COMPETENCIES]

    def competencies(self) -> dict[str, int]:
        """Competency key -> self-rating, for every rated competency."""
        return {key: self[competency_field_name(key)].data for key in COMPETENCIES
                if self[competency_field_name(key)].data is not None}

