"""Mean importance of each need within each group of respondents (the group-by-need heatmap).

Groups are the categories of a profile column (``place``, ``income_band`` …); missing
answers form no group. A cell with fewer than ``min_cell`` respondents who rated the
need is too few to say (None), as everywhere else in the report.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analysis.margins import NOT_STATED, category_label
from analysis.survey_data import SurveyData


@dataclass(frozen=True)
class GroupMeans:
    """One group's weighted mean importance per need (None: too few to say)."""

    variable: str
    category: str
    respondents: int
    means: tuple[float | None, ...]


def group_means(survey: SurveyData, variables: Sequence[str], weights: np.ndarray | None = None, *,
                min_cell: int = 10) -> list[GroupMeans]:
    """Weighted mean importance per need for every category of every variable in ``variables``.

    Parameters
    ----------
    survey : SurveyData
    variables : sequence of str
        Profile columns to group by; columns the survey lacks are skipped.
    weights : numpy.ndarray, optional
        One weight per respondent (default 1).
    min_cell : int
        Fewest respondents who rated a need for its mean to be shown.

    Returns
    -------
    list of GroupMeans
        Variables in the order given, categories by decreasing size.
    """
    weights = np.ones(survey.n) if weights is None else np.asarray(weights, dtype=float)
    answered = ~np.isnan(survey.importance)
    rating = np.where(answered, survey.importance, 0.0)
    rows: list[GroupMeans] = []
    for variable in variables:
        if variable not in survey.profiles:
            continue
        labels = np.array([category_label(v) for v in survey.profiles[variable]], dtype=object)
        categories, counts = np.unique(labels[labels != NOT_STATED].astype(str), return_counts=True)
        for category in categories[np.argsort(-counts, kind="stable")]:
            member = labels == category
            w = weights * member
            counted = (answered & member[:, None]).sum(axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = (w @ rating) / (w @ answered)
            rows.append(GroupMeans(
                variable=variable, category=str(category), respondents=int(member.sum()),
                means=tuple(float(m) if c >= min_cell and np.isfinite(m) else None for m, c in zip(mean, counted)),
            ))
    return rows
