"""One queued field response (a JSON item) checked with the survey's own form, then stored once.

An item, as the entry screen's queue keeps it and the sync API and uploads take it::

    {"uuid": "…", "event_id": 3, "created_at": "2026-11-22T10:04:00Z", "entered_by": 7,
     "fields": {"need_housing": "4", "top_three": ["housing", "food"], "respondent_language": "es",
                "paper_number": "A-017", "barrier": "…", …}}

``fields`` holds what the entry form would post (name -> value or list of values); it is
validated by the same WTForms form as the public survey, so the rules and the (translated)
messages are the same.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms.fields import Label

from webapp.forms.events import build_field_form, respondent_language_choices
from webapp.forms.fields import options, parse_uuid
from webapp.requests import without_untyped
from webapp.forms.priority import LANGUAGE_CHOICES, need_field_name
from webapp.i18n import choose_language
from webapp.ids import database_id
from webapp.services.campaigns import CampaignSnapshot, survey_content
from webapp.services.field import field_worker_id, find_event, store_field_response
from webapp.services.submissions import Outcome
from webapp.survey.routes import submission_from_form

STATUSES = ("stored", "duplicate", "conflict", "invalid")


@dataclass
class ItemResult:
    """What happened to one item: its UUID (as sent), a status, and per-field errors."""

    uuid: object
    status: str
    errors: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"uuid": self.uuid, "status": self.status, "errors": self.errors}


#: "What language did you write in?" as the worker reads it: about the person whose answers they copy
TEXT_LANGUAGE_LABEL = _l("What language did they write in?")
#: first, the answer the form starts with (and falls back to without a script): the language they answered in
TEXT_LANGUAGE_CHOICES = options([("", _l("The same language they answered in"))]) + LANGUAGE_CHOICES


def field_form(campaign: CampaignSnapshot, content, formdata=None, retired: tuple[tuple[str, str], ...] = ()):
    """The rapid-entry form for the campaign, in the page's language (filled from ``formdata``).

    ``retired``: (key, name) of needs retired since the response was entered that it answers; the
    form checks them as it checks the needs asked now (the entry screen never shows them).
    """
    needs = tuple((n.key, n.name) for n in content.needs) + retired
    form_class = build_field_form(needs, tuple(campaign.profile_questions))
    kwargs = {"meta": {"csrf": False}} if formdata is not None else {}
    form = form_class(formdata=formdata, **kwargs) if formdata is not None else form_class()
    form.respondent_language.choices = respondent_language_choices(campaign.languages)
    # this form's own label and choices: the resident survey's field stays as it is
    form.text_language.label = Label(form.text_language.id, TEXT_LANGUAGE_LABEL)
    form.text_language.choices = TEXT_LANGUAGE_CHOICES
    return form


def _formdata(fields: dict) -> MultiDict | None:
    """The item's fields as form data, cleaned as a form post arrives (``as_posted``); None when
    they are not name -> text or list of texts."""
    pairs = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for one in values:
            if isinstance(one, bool) or not isinstance(one, (str, int)):
                return None
            pairs.append((as_posted(str(name)), as_posted(str(one))))
    return MultiDict(pairs)


_NEED_PREFIX = need_field_name("")


def _needs_answered(formdata: MultiDict) -> tuple[set[str], set[str]]:
    """The keys of the needs the item rates (a need left blank is not rated), and of those it picks
    among its top three."""
    rated = {name.removeprefix(_NEED_PREFIX) for name, value in formdata.items(multi=True)
             if name.startswith(_NEED_PREFIX) and value != ""}
    return rated, set(formdata.getlist("top_three"))


#: half of a UTF-16 surrogate pair, alone: JSON can carry one ("\ud800"), UTF-8 cannot
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def as_posted(text: str) -> str:
    """``text`` as it would arrive in a form post: without control characters (as ``ChorusRequest``
    drops them), and with a lone surrogate shown as U+FFFD (as bytes that are not UTF-8 are decoded)."""
    return _LONE_SURROGATE.sub("\ufffd", without_untyped(text))


#: entry times before this are not plausible (a reset clock, a slip of the keyboard)
_EARLIEST_ENTRY = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _created_at(value) -> dt.datetime | None:
    """The client's time of entry, when it is a timezone-aware ISO 8601 time that is neither in
    the future nor implausibly old (before 2000, or out of range once in UTC)."""
    if not isinstance(value, str):
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    try:
        when = when.astimezone(dt.timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        return None
    now = dt.datetime.now(dt.timezone.utc)
    return when if _EARLIEST_ENTRY <= when <= now + dt.timedelta(minutes=5) else None


def store_item(campaign: CampaignSnapshot, item, worker) -> ItemResult:
    """Check one item as the public survey checks a response, then store it once."""
    if not isinstance(item, dict):
        return ItemResult(None, "invalid", {"item": _("This is not a response.")})
    raw_uuid = item.get("uuid")
    client_uuid = parse_uuid(raw_uuid) if isinstance(raw_uuid, str) else None
    shown_uuid = None if raw_uuid is None else as_posted(str(raw_uuid))  # echoed, so no lone surrogate
    if client_uuid is None:
        return ItemResult(shown_uuid, "invalid", {"uuid": _("This response has no valid identifier.")})
    event_id = item.get("event_id")
    event = find_event(campaign.id, event_id) if isinstance(event_id, int) and database_id(event_id) else None
    if event is None:
        return ItemResult(shown_uuid, "invalid", {"event_id": _("This event does not exist in this campaign.")})
    fields = item.get("fields")
    formdata = _formdata(fields) if isinstance(fields, dict) else None
    if formdata is None:
        return ItemResult(shown_uuid, "invalid", {"fields": _("The answers of this response cannot be read.")})

    content = survey_content(campaign, choose_language())
    rated, picked = _needs_answered(formdata)
    unknown = sorted(rated - content.need_ids.keys())  # an unknown top pick: the form asks to choose from its list
    if unknown:
        return ItemResult(shown_uuid, "invalid", {"fields": _(
            "This response rates a need this campaign has never had: %(needs)s.", needs=", ".join(unknown))})
    # needs retired since the response was entered: checked, and stored, as the needs asked now
    retired = (rated | picked) & (content.need_ids.keys() - {need.key for need in content.needs})
    form = field_form(campaign, content, formdata,
                      retired=tuple((key, name) for key, name in content.retired_names.items() if key in retired))
    form.response_id.data = str(client_uuid)
    if not form.validate():
        errors = {name: str(messages[0]) for name, messages in form.errors.items() if messages}
        return ItemResult(shown_uuid, "invalid", errors)

    submission = submission_from_form(form, form.respondent_language.data)
    entered_by = field_worker_id(campaign.id, item.get("entered_by")) or worker.id
    outcome = store_field_response(
        campaign, content, submission, event_id=event.id, entered_by_id=entered_by,
        paper_number=form.paper(), created_at=_created_at(item.get("created_at")),
    )
    if outcome is Outcome.CONFLICT:
        return ItemResult(shown_uuid, "conflict", {"uuid": _(
            "A different response was already stored under this identifier. This one was not stored.")})
    if outcome is Outcome.PAPER_NUMBER_TAKEN:
        return ItemResult(shown_uuid, "invalid", {"paper_number": _(
            "This paper form number is already entered for this event.")})
    return ItemResult(shown_uuid, outcome.value)


def store_items(campaign: CampaignSnapshot, items: list, worker) -> list[ItemResult]:
    """Store each item once; a bad item is reported and never stops the others."""
    return [store_item(campaign, item, worker) for item in items]
