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

    TODO(themes): group with the themes model of ``analysis/themes.py`` (merged to main
    with issue 7, after this function was written), for example::

        from analysis.themes import ThemeModel

        model = ThemeModel(random_state=0).fit([a.text for a in answers], [a.language for a in answers])
        # model.labels_[i]: theme id of answers[i] (None: no usable words);
        # model.themes_[theme_id]: the Theme (label, terms, examples), largest first

    and return one ThemeGroup per theme (label from ``themes_``), plus one with label
    None for answers without a theme. Below about 30 answers keep the single group.
    Not wired yet because it should not run inside a page request as is: importing
    scikit-learn and fitting take seconds, and small sets raise scikit-learn warnings;
    fit once per new answer set and cache the result (the prioritized-needs summary needs
    the same). Callers already render any number of groups.
    """
    if not answers:
        return []
    return [ThemeGroup(label=None, answers=list(answers))]
