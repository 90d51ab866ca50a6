"""Free-text answers as leads read them: verbatim, in the language they were written in, grouped by theme."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class OpenAnswer:
    """One free-text answer."""

    question: str
    text: str
    #: the language it was written in (one of ours, or "und" when the writer chose another)
    language: str


@dataclass(frozen=True)
class ThemeGroup:
    """Answers that share a theme. ``label`` None is the group of every answer (no themes yet)."""

    label: str | None
    answers: list[OpenAnswer]


def group_answers_by_theme(answers: Sequence[OpenAnswer]) -> list[ThemeGroup]:
    """The answers grouped by theme; for now one group holding them all.

    TODO(themes): the themes model is being built in ``analysis/themes.py`` (not on main
    yet). Once it is, group here with it, for example::

        from analysis.themes import ThemeModel

        model = ThemeModel().fit([a.text for a in answers], [a.language for a in answers])
        # model.labels_[i]: theme id of answers[i] (None: no theme);
        # model.themes_[theme_id]: the theme (label, top terms, quotes), largest first

    and return one ThemeGroup per theme (label from ``themes_``), plus one with label
    None for answers without a theme. The model needs about 30 answers; below that, keep
    the single group. Callers already render any number of groups.
    """
    if not answers:
        return []
    return [ThemeGroup(label=None, answers=list(answers))]
