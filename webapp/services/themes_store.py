"""A lead's edits of the themes: rename, merge, move an answer. Each is kept and audited.

The edits live in the theme rows themselves, which later analysis runs assign new answers
to (see :mod:`webapp.services.theme_assignment`), so they survive recomputation.
"""
from __future__ import annotations

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.ids import database_id
from webapp.models import Answer, AnswerTheme, Campaign, Response, Theme
from webapp.services import audit


class ThemeEditError(ValueError):
    """An edit that cannot be made (unknown theme, empty name, merging a theme into itself)."""


def _theme(campaign: Campaign, theme_id) -> Theme:
    """A theme of this campaign that has not been merged away; ThemeEditError otherwise."""
    theme_id = database_id(theme_id)
    theme = db.session.get(Theme, theme_id) if theme_id is not None else None
    if theme is None or theme.campaign_id != campaign.id or theme.merged_into_id is not None:
        raise ThemeEditError("no such theme")
    return theme


def shown_theme_id(campaign: Campaign, theme_id) -> int | None:
    """``theme_id`` when it names a theme of this campaign that the summary shows (not merged away), else None."""
    try:
        return _theme(campaign, theme_id).id
    except ThemeEditError:
        return None


#: the longest name a theme is given (its box takes no more)
MAX_LABEL = 200


def rename_theme(campaign: Campaign, theme_id, label: str, actor=None) -> Theme:
    """Give a theme the lead's own name."""
    theme = _theme(campaign, theme_id)
    label = " ".join((label or "").split())[:MAX_LABEL]
    if not label:
        raise ThemeEditError("empty name")
    audit.record("theme.renamed", actor=actor, target=campaign,
                 detail={"theme": theme.id, "from": theme.label, "to": label})
    theme.label, theme.edited = label, True
    db.session.commit()
    return theme


def merge_themes(campaign: Campaign, theme_id, into_id, actor=None) -> Theme:
    """Merge one theme into another: its answers move there, and so will new answers like them."""
    theme, into = _theme(campaign, theme_id), _theme(campaign, into_id)
    if theme.id == into.id:
        raise ThemeEditError("a theme cannot be merged into itself")
    theme.merged_into_id = into.id
    db.session.execute(update(Theme).where(Theme.merged_into_id == theme.id).values(merged_into_id=into.id))
    db.session.execute(update(AnswerTheme).where(AnswerTheme.theme_id == theme.id).values(theme_id=into.id))
    audit.record("theme.merged", actor=actor, target=campaign,
                 detail={"theme": theme.id, "label": theme.label, "into": into.id, "into_label": into.label})
    db.session.commit()
    return into


def move_answer(campaign: Campaign, answer_id, theme_id, actor=None) -> AnswerTheme:
    """Move an answer (a quote) to another theme, with its theme's answers in exactly its words (the
    quote stands for them all: "6 answers say exactly this"); recomputation leaves them there."""
    target = _theme(campaign, theme_id)
    answer_id = database_id(answer_id)
    if answer_id is None:
        raise ThemeEditError("no such answer")
    found = db.session.execute(
        select(AnswerTheme, Answer.text).join(Answer, Answer.id == AnswerTheme.answer_id)
        .join(Response, Response.id == Answer.response_id)
        .where(AnswerTheme.answer_id == answer_id, Response.campaign_id == campaign.id)).first()
    if found is None:
        raise ThemeEditError("no such answer")
    link, text = found
    copies = db.session.scalars(
        select(AnswerTheme).join(Answer, Answer.id == AnswerTheme.answer_id)
        .where(AnswerTheme.theme_id == link.theme_id, Answer.text == text)).all()
    audit.record("theme.answer_moved", actor=actor, target=campaign,
                 detail={"answer": answer_id, "from": link.theme_id, "to": target.id, "answers": len(copies)})
    for copy in copies:
        copy.theme_id, copy.pinned = target.id, True
    db.session.commit()
    return link
