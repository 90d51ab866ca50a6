"""The languages Chorus speaks, and how a request's language is chosen.

Text direction comes from this table, never from guessing at the script.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, has_request_context, request
from werkzeug.exceptions import HTTPException

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def isolated(text: object) -> str:
    """``text`` in a first-strong direction isolate (FSI…PDI), to set inside a sentence.

    An English name inside an Arabic sentence (or the reverse) then keeps the sentence's
    quotes and full stop where they belong, whatever its own direction.
    """
    return f"\u2068{text}\u2069"


@dataclass(frozen=True)
class Language:
    """A language residents can use."""

    code: str  #: our code: URLs (?lang=), cookies, the database
    locale: str  #: Babel locale of its catalog and formats
    html_lang: str  #: BCP 47 tag for <html lang>
    name: str  #: its own name, as shown in the switcher
    direction: str  #: "ltr" or "rtl"


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "en", "en", "English", "ltr"),
        # US Spanish formats (dollars, 25,000) are what residents here read every day
        Language("es", "es_US", "es", "Español", "ltr"),
        Language("zh", "zh_Hans", "zh-Hans", "简体中文", "ltr"),
        Language("vi", "vi", "vi", "Tiếng Việt", "ltr"),
        Language("ar", "ar", "ar", "العربية", "rtl"),
        Language("ko", "ko", "ko", "한국어", "ltr"),
        Language("tl", "fil", "tl", "Tagalog", "ltr"),
        Language("ht", "ht", "ht", "Kreyòl ayisyen", "ltr"),
    )
}


#: Haitian Creole's calendar, which Babel's CLDR data lacks (as of Babel 2.19 it writes "2026 M12 3", "Thu")
HAITIAN_DAYS = ("Lendi", "Madi", "Mèkredi", "Jedi", "Vandredi", "Samdi", "Dimanch")  # Monday first
HAITIAN_MONTHS = ("janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb", "novanm",
                  "desanm")
#: day first, as in the Creole written in Haiti (CLDR's root writes the year first)
HAITIAN_DATE_PATTERNS = {"short": "dd/MM/y", "medium": "d MMM y", "long": "d MMMM y", "full": "EEEE d MMMM y"}


def complete_calendar_data() -> None:
    """Give Babel's ``ht`` locale data the day and month names and date patterns it lacks.

    Babel hands out one cached dictionary per locale (documented: ``babel.localedata.load``
    returns the same object each time), so filling it once here reaches every date Chorus
    formats in Creole: pages, forms, exports of dates. Parts of it are shared with the root
    locale's data, so they are replaced, never changed in place. Abbreviations are the
    full names: we ship no abbreviations a Creole reader might not know.
    """
    from babel import localedata
    from babel.dates import parse_pattern

    data = localedata.load("ht")
    if data.get("_chorus_completed"):
        return
    days = {index: name for index, name in enumerate(HAITIAN_DAYS)}  # Babel counts Monday as 0
    months = {index: name for index, name in enumerate(HAITIAN_MONTHS, start=1)}
    data["days"] = {context: {width: dict(days) for width in ("abbreviated", "wide", "short")} | {
        "narrow": {index: name[0] for index, name in days.items()}} for context in ("format", "stand-alone")}
    data["months"] = {context: {width: dict(months) for width in ("abbreviated", "wide")} | {
        "narrow": {index: name[0].upper() for index, name in months.items()}} for context in ("format", "stand-alone")}
    data["date_formats"] = {**data["date_formats"], **{name: parse_pattern(pattern)
                                                        for name, pattern in HAITIAN_DATE_PATTERNS.items()}}
    data["_chorus_completed"] = True


#: other spellings people and browsers use for our languages
ALIASES = {
    "zh-hans": "zh", "zh-cn": "zh", "zh-sg": "zh", "zh_hans": "zh", "zh_cn": "zh",
    "fil": "tl", "fil-ph": "tl", "tl-ph": "tl", "ht-ht": "ht",
}


def normalize(code: str | None) -> str | None:
    """Map a user- or browser-given language tag to one of our codes, or None."""
    if not code:
        return None
    code = code.strip().lower().replace("_", "-")[:16]
    if code in LANGUAGES:
        return code
    if code in ALIASES:
        return ALIASES[code]
    base = code.split("-")[0]
    if base == "zh" and any(part in code for part in ("hant", "tw", "hk", "mo")):
        return None  # Traditional Chinese is not Simplified Chinese
    return base if base in LANGUAGES else ALIASES.get(base)


def offered_languages() -> list[str]:
    """Codes offered on this page: the campaign's languages, or all of ours."""
    campaign = g.get("campaign")
    if campaign is not None:
        return [code for code in campaign.languages if code in LANGUAGES]
    return list(LANGUAGES)


def choose_language() -> str:
    """The language of this request, in the documented order.

    1. an explicit ``?lang=`` (links and QR codes carry it), or the ``lang`` field of a
       submitted form (the language the person was reading);
    2. the person's earlier choice (cookie);
    3. the browser's ``Accept-Language``;
    4. the campaign's default language (or English outside a campaign).
    """
    if not has_request_context():
        return "en"
    if "language" in g:
        return g.language
    offered = offered_languages()
    candidates = [request.args.get("lang"), _posted("lang"), request.cookies.get(COOKIE)]
    for position, candidate in enumerate(candidates):
        code = normalize(candidate)
        if code in offered:
            g.language = code
            g.remember_language = position == 0  # an explicit ?lang= is remembered
            return code
    for tag, _quality in request.accept_languages:
        code = normalize(tag)
        if code in offered:
            g.language = code
            return code
    campaign = g.get("campaign")
    g.language = campaign.default_language if campaign is not None else (offered[0] if offered else "en")
    return g.language


def _posted(name: str) -> str | None:
    """A field of the submitted form, or None (also when the body is unreadable or too large)."""
    if request.method != "POST":
        return None
    try:
        return request.form.get(name)
    except HTTPException:
        return None


def select_locale() -> str:
    """Flask-Babel's locale selector: the Babel locale of the chosen language."""
    return LANGUAGES[choose_language()].locale


def current_language() -> Language:
    """The Language object of this request."""
    return LANGUAGES[choose_language()]


def right_to_left() -> bool:
    """Whether this request's page reads right to left."""
    return current_language().direction == "rtl"


def set_language(code: str) -> None:
    """Switch this request to ``code`` (already validated), and refresh Babel's cache."""
    from flask_babel import refresh

    g.language = code
    refresh()


def remember_language(response):
    """after_request: keep the language chosen with ?lang= or the switcher in a cookie."""
    code = g.get("language")
    if code and g.get("remember_language") and request.cookies.get(COOKIE) != code:
        response.set_cookie(
            COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def translated_message(message, isolate: bool = False) -> str:
    """A message of the analysis package (``analysis.errors.Message``) in the reader's language, its phrases too.

    ``isolate``: text values (names and codes from the data, as typed) are set in direction isolates, so that
    on a right-to-left page they keep their own order and leave the sentence's punctuation where it belongs.
    """
    from flask_babel import gettext, ngettext

    from analysis.errors import Message, quoted
    from webapp.templating import format_list  # it imports this module

    def shown(value):
        if isinstance(value, Message):
            return translated_message(value, isolate)
        if isinstance(value, tuple):  # names from the data, joined as the reader's language joins a list
            return format_list([shown(item) if isinstance(item, Message) else isolated(quoted(item)) if isolate
                                else quoted(item) for item in value])
        return isolated(value) if isolate and isinstance(value, str) else value

    values = {name: shown(v) for name, v in message.values.items()}
    if isinstance(message.template, tuple):  # singular and plural (analysis.errors.N_plural)
        return ngettext(*message.template, message.values["count"], **values)
    return gettext(message.template, **values)

