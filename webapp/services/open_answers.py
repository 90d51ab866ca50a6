"""Free-text answers as leads read them: verbatim, in the language they were written in, grouped by theme."""
from __future__ import annotations

import functools
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


#: below this many answers a lead reads them all; grouping starts to help from here
MIN_ANSWERS_FOR_THEMES = 30


def group_answers_by_theme(answers: Sequence[OpenAnswer]) -> list[ThemeGroup]:
    """The answers grouped by the themes of ``analysis.themes`` (largest first), then those
    without a usable word (label None); fewer than MIN_ANSWERS_FOR_THEMES stay one group."""
    if not answers:
        return []
    if len(answers) < MIN_ANSWERS_FOR_THEMES:
        return [ThemeGroup(label=None, answers=list(answers))]
    labels, theme_labels = _themes_of(tuple((a.text, a.language) for a in answers))
    groups = [ThemeGroup(label=label, answers=[]) for label in theme_labels]
    unthemed = ThemeGroup(label=None, answers=[])
    for answer, theme in zip(answers, labels):
        (unthemed if theme is None else groups[theme]).answers.append(answer)
    return [g for g in groups if g.answers] + ([unthemed] if unthemed.answers else [])


@functools.lru_cache(maxsize=32)
def _themes_of(items: tuple[tuple[str, str], ...]) -> tuple[tuple[int | None, ...], tuple[str, ...]]:
    """(theme of each answer, label of each theme) for one set of answers.

    Fitting takes a moment, so a set already seen by this process is not fitted again:
    the page of a meeting (a few dozen answers that stop changing when it closes) or the
    members' answers cost it once. The model is deterministic, so every host agrees.
    """
    from analysis.themes import ThemeModel  # scikit-learn: imported only when there is something to group

    model = ThemeModel(random_state=0).fit(
        [text for text, _ in items], [None if language == "und" else language for _, language in items])
    return tuple(model.labels_), tuple(theme.label for theme in model.themes_)
