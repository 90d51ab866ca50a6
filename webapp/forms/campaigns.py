"""Forms for setting up a campaign: its settings, its need list and its words per language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Regexp, ValidationError

from webapp.forms.fields import (
    ChorusForm,
    MaxLength,
    MultiCheckboxField,
    OptionalSelectField,
    free_text_length,
    options,
)
from webapp.forms.priority import PriorityFormBase
from webapp.i18n import LANGUAGES, isolated
from webapp.models import PROFILE_QUESTIONS
from webapp.services.campaign_edits import SLUG_PATTERN

TITLE_LENGTH = 200
#: as the campaign.contact column holds
CONTACT_LENGTH = 200
NAME_LENGTH = 200

#: the profile questions as residents read them
PROFILE_LABELS = {name: getattr(PriorityFormBase, name).args[0] for name in PROFILE_QUESTIONS}

#: what to tell the person for each CampaignError code of the campaign services
CAMPAIGN_ERRORS = {
    "slug_format": _l("Use 2 to 64 lowercase letters, digits and hyphens, starting and ending with a letter or digit."),
    "slug_taken": _l("Another campaign already uses this web address."),
    "unknown_language": _l("Please choose from the options shown."),
    "default_incomplete": _l("Write the title and every need's name in %(language)s before making it the default language."),
    "title_required": _l("Please write a title."),
    "need_name_required": _l("Please write the need's name."),
    "need_exists": _l("This need is already on the list, as “%(name)s”."),
    "need_retired": _l("“%(name)s” is already on the list, retired. "
                       "Press Restore beside it instead of adding it again."),
    "need_name_taken": _l("Another need is already called “%(name)s”. Give each need a name of its own."),
    "need_name_retired": _l("A retired need is called “%(name)s”. Restore it on the needs page instead, "
                            "or choose another name."),
    "last_need": _l("A campaign needs at least one need to ask about."),
    "no_needs": _l("Add at least one need before opening the campaign."),
}


def campaign_error(error) -> str:
    """The reader's words for a CampaignError."""
    message = CAMPAIGN_ERRORS.get(error.code, _l("We could not use what was sent. Please go back and try again."))
    details = dict(error.details)
    if "language" in details:
        details["language"] = LANGUAGES[details["language"]].name
    return str(message) % {key: isolated(value) for key, value in details.items()} if details else str(message)


def language_choices():
    """Our eight languages, each in its own name."""
    return options([(code, language.name) for code, language in LANGUAGES.items()])


def _default_is_offered(form, field):
    if form.default_language.data and form.default_language.data not in (field.data or []):
        field.data = list(field.data or []) + [form.default_language.data]  # the default is always offered


class CampaignCreateForm(ChorusForm):
    """A new campaign: its web address, languages, and its title in the default language."""

    slug = StringField(
        _l("Web address"),
        validators=[
            InputRequired(message=_l("Please choose a web address.")),
            Regexp(SLUG_PATTERN, message=CAMPAIGN_ERRORS["slug_format"]),
        ],
    )
    default_language = OptionalSelectField(_l("Default language"), choices=language_choices, default="en")
    languages = MultiCheckboxField(_l("Languages offered to residents"), choices=language_choices,
                                   default=["en"], validators=[_default_is_offered])
    title = StringField(_l("Title residents read"), validators=[
        DataRequired(message=CAMPAIGN_ERRORS["title_required"]), MaxLength(TITLE_LENGTH)])  # spaces are no title
    intro = TextAreaField(_l("Introduction (optional)"), validators=[free_text_length()])


class CampaignSettingsForm(ChorusForm):
    """The default language, the languages offered and the profile questions asked."""

    default_language = OptionalSelectField(_l("Default language"), choices=language_choices)
    languages = MultiCheckboxField(_l("Languages offered to residents"), choices=language_choices,
                                   validators=[_default_is_offered])
    profile_questions = MultiCheckboxField(
        _l("Optional questions about the resident"),
        choices=lambda: options([(name, PROFILE_LABELS[name]) for name in PROFILE_QUESTIONS]),
    )
    contact = StringField(_l("How residents reach the coalition"), validators=[MaxLength(CONTACT_LENGTH)])


class _Written:
    """Validator: the field must hold more than spaces (the default language must be complete)."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not (field.data or "").strip():
            raise ValidationError(self.message)


def build_need_form(languages: list[str], default_language: str) -> type[ChorusForm]:
    """The form to add a need: a name and description per offered language (the default's name required)."""
    attributes = {}
    for code in languages:
        name_validators = [MaxLength(NAME_LENGTH)]
        if code == default_language:
            name_validators.append(_Written(CAMPAIGN_ERRORS["need_name_required"]))
        attributes[f"name_{code}"] = StringField(_l("Name"), validators=name_validators)
        attributes[f"description_{code}"] = TextAreaField(_l("Description (optional)"), validators=[free_text_length()])
    form_class = type("NeedAddForm", (ChorusForm,), attributes)
    form_class.languages = list(languages)
    return form_class


def build_content_form(campaign, language: str) -> type[ChorusForm]:
    """The content editor's form for ``campaign`` in ``language``: title, intro, and each active need."""
    required = language == campaign.default_language
    title_validators = [MaxLength(TITLE_LENGTH)] + ([_Written(CAMPAIGN_ERRORS["title_required"])] if required else [])
    attributes = {
        "title": StringField(_l("Title"), validators=title_validators),
        "intro": TextAreaField(_l("Introduction"), validators=[free_text_length()]),
    }
    for need in campaign.active_needs():
        name_validators = [MaxLength(NAME_LENGTH)] + ([_Written(CAMPAIGN_ERRORS["need_name_required"])] if required else [])
        attributes[f"need_{need.id}_name"] = StringField(_l("Name"), validators=name_validators)
        attributes[f"need_{need.id}_description"] = TextAreaField(_l("Description"), validators=[free_text_length()])
    return type("ContentForm", (ChorusForm,), attributes)
