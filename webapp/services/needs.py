"""Editing a campaign's need list: add, reorder, retire and restore.

A need's ``key`` never changes once made (exports and analysis use it), and retiring a
need only stops asking it: the ratings already collected stay.
"""
from __future__ import annotations

import re
import unicodedata

from webapp.extensions import db
from webapp.models import Campaign, Need, NeedText, utcnow
from webapp.services import audit
from webapp.services.campaign_edits import CampaignError, NeedWords, comparable_name

KEY_LENGTH = 48


def need_key(campaign: Campaign, name: str) -> str:
    """A key for a new need, made from its name, unique in the campaign."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:KEY_LENGTH].strip("_")
    if not base or base[0].isdigit():
        base = f"need_{base}" if base else "need"  # names in other scripts, or starting with a digit
    taken = {need.key for need in campaign.needs}
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}_{suffix}", suffix + 1
    return key


def get_need(campaign: Campaign, need_id: int) -> Need | None:
    """The need with this id if it belongs to ``campaign``."""
    need = db.session.get(Need, need_id)
    return need if need is not None and need.campaign_id == campaign.id else None


def same_named_need(campaign: Campaign, words: dict[str, NeedWords]) -> tuple[Need, str] | None:
    """The campaign's need already called what ``words`` names in one of its languages, with that language.

    An active need is found before a retired one: a retired need is better restored than added again.
    """
    typed = {language: comparable_name(w.name, language) for language, w in words.items()
             if language in campaign.languages and w.name.strip()}
    needs = sorted(campaign.needs, key=lambda need: (need.retired_at is not None, need.position))
    for need in needs:
        for language, name in typed.items():
            text = need.texts.get(language)
            if text is not None and comparable_name(text.name, language) == name:
                return need, language
    return None


def add_need(campaign: Campaign, words: dict[str, NeedWords], actor) -> Need:
    """Add a need at the end of the list, named in the default language and any others given.

    A name another need already has in the same language is refused (``need_exists``, or
    ``need_retired`` when that need was retired and can be restored instead).
    """
    default = words.get(campaign.default_language)
    if default is None or not default.name.strip():
        raise CampaignError("need_name_required")
    same = same_named_need(campaign, words)
    if same is not None:
        need, language = same
        raise CampaignError("need_retired" if need.retired_at else "need_exists", language=language,
                            name=need.texts[language].name, need_id=need.id)
    # English makes the most readable key when it is given; otherwise the default language
    english = words.get("en")
    key_source = english.name if english and english.name.strip() else default.name
    need = Need(key=need_key(campaign, key_source), position=_next_position(campaign))
    for language, typed in words.items():
        if language in campaign.languages and typed.name.strip():
            need.texts[language] = NeedText(
                language=language, name=typed.name.strip(), description=(typed.description or "").strip()
            )
    campaign.needs.append(need)
    db.session.flush()
    audit.record("need.added", actor=actor, target=need,
                 detail={"slug": campaign.slug, "key": need.key, "languages": sorted(need.texts)})
    db.session.commit()
    return need


def _next_position(campaign: Campaign) -> int:
    return max((need.position for need in campaign.needs), default=-1) + 1


def move_need(campaign: Campaign, need: Need, direction: str, actor) -> bool:
    """Swap the need with its neighbour ("up" or "down"); False when it is already at that end."""
    ordered = sorted(campaign.needs, key=lambda n: (n.position, n.id))
    index = ordered.index(need)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    audit.record("need.moved", actor=actor, target=need,
                 detail={"slug": campaign.slug, "key": need.key, "direction": direction, "position": need.position})
    db.session.commit()
    db.session.expire(campaign, ["needs"])  # the relationship is ordered by position
    return True


def retire_need(campaign: Campaign, need: Need, actor) -> None:
    """Stop asking residents about the need; its ratings are kept."""
    if need.retired_at is not None:
        return
    if len(campaign.active_needs()) <= 1:
        raise CampaignError("last_need")
    need.retired_at = utcnow()
    audit.record("need.retired", actor=actor, target=need, detail={"slug": campaign.slug, "key": need.key})
    db.session.commit()


def restore_need(campaign: Campaign, need: Need, actor) -> None:
    """Ask about a retired need again."""
    if need.retired_at is None:
        return
    need.retired_at = None
    audit.record("need.restored", actor=actor, target=need, detail={"slug": campaign.slug, "key": need.key})
    db.session.commit()
