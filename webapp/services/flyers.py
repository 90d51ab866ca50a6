"""Printable outreach flyers: the survey's short link and its QR code, per language."""
from __future__ import annotations

import re
from dataclasses import dataclass

import segno
from markupsafe import Markup

from webapp.links import public_url
from webapp.models import Campaign
from webapp.services.campaigns import survey_content


@dataclass(frozen=True)
class Flyer:
    """What a flyer shows in one language."""

    language: str
    title: str
    #: the language the title is in (the default language when untranslated)
    title_language: str
    intro: str
    #: the language the intro is in: the default language's intro shows when this one is empty
    intro_language: str
    url: str
    qr_svg: Markup


def survey_url(campaign: Campaign, language: str) -> str:
    """The survey's absolute link in ``language`` (``…/s/<slug>?lang=xx``)."""
    return public_url("survey.priority_survey", slug=campaign.slug, lang=language)


def qr_svg(url: str, title: str) -> Markup:
    """The QR code of ``url`` as inline SVG: no size, no style attribute, so CSS sizes it and the CSP holds.

    Error correction M survives a smudged print; the 4-module quiet zone is part of the image.
    segno escapes ``title`` itself.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code", lineclass=None,
                          dark="#000", light="#fff", title=str(title))
    if re.search(r"\sstyle=", svg):  # guard: a segno change must not break the strict CSP
        raise RuntimeError("segno produced a style attribute")
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


def make_flyer(campaign: Campaign, language: str, qr_title: str) -> Flyer:
    """The flyer of ``campaign`` in ``language``."""
    content = survey_content(campaign, language)
    url = survey_url(campaign, language)
    return Flyer(language=language, title=content.title, title_language=content.title_language, intro=content.intro,
                 intro_language=content.intro_language, url=url, qr_svg=qr_svg(url, str(qr_title)))
