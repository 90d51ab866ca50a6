"""Lists written into the leads' pages the way the reader's language writes them, kept as safe markup."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.templating import format_list


def markup_list(parts: Iterable[str]) -> Markup:
    """``parts`` joined as the reader's language lists them ("a, b, and c"; "a وb وc"; "a、b和c"); each part is
    escaped unless it is markup already (a phrase translated in a template), so it is escaped once only."""
    parts = [escape(part) for part in parts]
    slots = [f"\ue000{i}\ue001" for i in range(len(parts))]  # private-use marks: in no list pattern
    joined = escape(format_list(slots)) if slots else Markup("")
    for slot, part in zip(slots, parts):
        joined = joined.replace(slot, part)
    return joined


def separated(parts: Iterable[str]) -> Markup:
    """``parts`` one after another with the reader's list comma ("a, b"; "a، b"; "a、b") and no "and": a part may
    hold an "and" of its own ("Data and evaluation"), which a list's closing "and" would run into."""
    # TRANSLATORS: puts one more item after a list, without "and" (English "Data and evaluation, Technology").
    # Use your language's list comma: Chinese "%(items)s、%(item)s", Arabic "%(items)s، %(item)s".
    pattern = escape(_("%(items)s, %(item)s"))
    joined = None
    for part in parts:
        joined = escape(part) if joined is None else pattern % {"items": joined, "item": part}
    return joined if joined is not None else Markup("")


def names_list(names: Iterable[str], *more: str) -> Markup:
    """``names`` one after another (see :func:`separated`), each isolated (``<bdi>``) so that a name written in
    another script keeps its own direction and punctuation on a right-to-left page; ``more``: words in the
    reader's language to end with ("2 not listed"), not isolated."""
    return separated([Markup("<bdi>%s</bdi>") % name for name in names] + [text for text in more if text])
