"""Fitting a coalition's population figures to the answers there are, one variable at a time.

Raking (:mod:`analysis.raking`) needs figures that agree with each other and with the
data: every variable summing to one total, every answer given a figure, every figure
answered by someone; one slip anywhere and nothing can be matched. Figures pasted from
census tables seldom agree like that (rounded percentages summing to 99.9, age counted
for one year's population and income for households, a group nobody has answered yet),
so here each variable stands on its own:

* its figures are read as shares of its own total;
* a category written in another letter case than the answers (``Asian`` for ``asian``),
  or a multi-select answer with its parts in another order, is the answer's category;
* a category with a figure but no response yet is left out of the matching, the
  variable's other categories sharing its part; the population shares still list it
  (with no responses: the group to reach next);
* a variable that responses answered outside its figures (an answer without a figure,
  unanswered without a ``not stated`` row, an answer whose figure is 0), or that the
  data does not have, is not used at all; the other variables still are.

Each thing left out is said once, as a :class:`~analysis.errors.Message` for the reader.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from analysis.errors import N_, Message, N_plural
from analysis.margins import NOT_STATED, category_label


@dataclass(frozen=True)
class FittedMargins:
    """Figures fitted to the data.

    Attributes
    ----------
    raking : dict or None
        ``{variable: {category: share}}`` to rake to: the usable variables, each summing
        to 1 over the categories some response gave. None when no variable is usable.
    population : dict
        The usable variables' shares over every category with a positive figure, for the
        representativeness report.
    left_out : tuple of Message
        What was not used, and why.
    """

    raking: dict[str, dict[str, float]] | None
    population: dict[str, dict[str, float]]
    left_out: tuple[Message, ...]


def _key(label: str) -> str:
    """How a category is matched: letter case, surrounding spaces and the order of multi-select parts aside."""
    return ";".join(sorted(part.strip().casefold() for part in label.split(";")))


#: answers a reason names at most; the rest are counted ("and 4 other answers"): a free-text question such as
#: ``place`` may have been answered a hundred ways
NAMED = 5


def _named(answers: list[str]) -> tuple:
    """``answers`` to name in a reason: the first NAMED, then how many more."""
    if len(answers) <= NAMED:
        return tuple(answers)
    more = len(answers) - NAMED
    return (*answers[:NAMED], Message(N_plural("%(count)d other answer", "%(count)d other answers"), count=more))


def fit_margins(margins: Mapping[str, Mapping[str, float]], data: Mapping[str, Sequence[object]]) -> FittedMargins:
    """Fit ``{variable: {category: target}}`` (targets zero or more) to the answers in ``data``.

    ``data`` maps profile columns to each respondent's answer, as for raking. See the
    module's description for what is fitted and what is left out.
    """
    raking: dict[str, dict[str, float]] = {}
    population: dict[str, dict[str, float]] = {}
    left_out: list[Message] = []
    for variable, targets in margins.items():
        if variable not in data:
            left_out.append(Message(N_("'%(variable)s': the survey does not ask it"), variable=variable))
            continue
        answers = Counter(category_label(value) for value in data[variable])
        spelled = {_key(answer): answer for answer in answers}  # each figure under the answers' own spelling
        figures: dict[str, float] = {}
        for category, target in targets.items():
            name = spelled.get(_key(str(category)), str(category).strip())
            figures[name] = figures.get(name, 0.0) + float(target)
        problem = _unusable(variable, figures, answers)
        if problem is not None:
            left_out.append(problem)
            continue
        total = math.fsum(figures.values())
        population[variable] = {c: t / total for c, t in figures.items() if t > 0}
        answered = {c: t for c, t in figures.items() if t > 0 and answers[c]}
        unanswered = [c for c, t in figures.items() if t > 0 and not answers[c]]
        if unanswered:
            left_out.append(Message(N_("'%(variable)s': no response has answered %(categories)s yet, so the other "
                                       "answers were matched to the community without them"),
                                    categories=_named(unanswered), variable=variable))
        answered_total = math.fsum(answered.values())
        raking[variable] = {c: t / answered_total for c, t in answered.items()}
    return FittedMargins(raking or None, population, tuple(left_out))


def _unusable(variable: str, figures: Mapping[str, float], answers: Counter) -> Message | None:
    """Why ``variable``'s figures cannot be matched to its answers at all (None when they can)."""
    if not math.fsum(figures.values()) > 0:
        return Message(N_("'%(variable)s': its figures are all 0"), variable=variable)
    if answers.get(NOT_STATED) and NOT_STATED not in figures:
        return Message(N_plural("'%(variable)s': %(count)d response left it unanswered, and the figures have no "
                                "'%(not_stated)s' row",
                                "'%(variable)s': %(count)d responses left it unanswered, and the figures have no "
                                "'%(not_stated)s' row"),
                       variable=variable, count=answers[NOT_STATED], not_stated=NOT_STATED)
    missing = [answer for answer, _count in answers.most_common() if answer not in figures]
    if missing:
        return Message(N_plural("'%(variable)s': %(count)d response answered %(categories)s, which the figures do "
                                "not have",
                                "'%(variable)s': %(count)d responses answered %(categories)s, which the figures do "
                                "not have"),
                       variable=variable, count=sum(answers[a] for a in missing), categories=_named(missing))
    zero = [answer for answer, _count in answers.most_common() if figures[answer] == 0]
    if zero:
        return Message(N_plural("'%(variable)s': %(count)d response answered %(categories)s, whose figure is 0",
                                "'%(variable)s': %(count)d responses answered %(categories)s, whose figure is 0"),
                       variable=variable, count=sum(answers[a] for a in zero), categories=_named(zero))
    return None
