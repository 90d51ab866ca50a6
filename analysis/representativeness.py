"""Representativeness report: who answered, compared with the community.

For every category of every raking variable: the share of respondents (unweighted),
the population share from the margins, and the weighted share after raking. Rows
come most under-represented first (lowest ratio of sample share to population share),
so outreach workers see whom to reach next. A category nobody in the sample belongs
to is allowed here (it is the most under-represented of all), unlike in raking.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.margins import Margins, count_respondents, encode_data, normalize_margins


@dataclass(frozen=True)
class RepresentationRow:
    """One category: sample vs population vs weighted share.

    Attributes
    ----------
    variable, category : str
        The raking variable and its category.
    respondents : int
        Respondents in the category.
    sample_share : float
        ``respondents / n``.
    population_share : float
        Target share from the margins.
    weighted_share : float or None
        Share under the given weights (None when no weights were given).
    representation_ratio : float
        ``sample_share / population_share``: below 1 means under-represented.
    respondents_short : int
        More respondents of this category needed to reach the population share at
        the current sample size (0 when not under-represented).
    """

    variable: str
    category: str
    respondents: int
    sample_share: float
    population_share: float
    weighted_share: float | None
    representation_ratio: float
    respondents_short: int


def representativeness_report(
    data: Mapping[str, Sequence[object]],
    margins: Mapping[str, Mapping[str, float]] | Margins,
    weights: Sequence[float] | np.ndarray | None = None,
) -> list[RepresentationRow]:
    """Compare the sample with the population on every raking variable.

    Parameters
    ----------
    data : mapping of str to sequence
        Respondents' answers, as for :func:`analysis.raking.rake_to_margins`.
    margins : mapping or Margins
        Population margins (counts or proportions).
    weights : sequence of float, optional
        Final (e.g. raked) weights, for the weighted share.

    Returns
    -------
    list of RepresentationRow
        Most under-represented first; ties keep the margins' order.
    """
    raw = margins.targets if isinstance(margins, Margins) else margins
    n = count_respondents(data, list(raw))
    margins = normalize_margins(raw, n)
    codes = encode_data(data, margins, require_every_category=False)
    w = None if weights is None else np.asarray(weights, dtype=float)
    rows = []
    for variable, shares in ((v, margins.shares(v)) for v in margins.variables):
        counts = np.bincount(codes[variable], minlength=len(shares))
        weighted = None if w is None else np.bincount(codes[variable], weights=w, minlength=len(shares)) / w.sum()
        for index, (category, population_share) in enumerate(shares.items()):
            sample_share = counts[index] / n
            rows.append(
                RepresentationRow(
                    variable=variable,
                    category=category,
                    respondents=int(counts[index]),
                    sample_share=float(sample_share),
                    population_share=float(population_share),
                    weighted_share=None if weighted is None else float(weighted[index]),
                    representation_ratio=float(sample_share / population_share),
                    respondents_short=max(0, math.ceil(population_share * n - counts[index] - 1e-9)),
                )
            )
    return sorted(rows, key=lambda row: row.representation_ratio)


def format_representativeness(rows: Sequence[RepresentationRow]) -> str:
    """A plain-text table of the report, most under-represented first."""
    lines = [
        "Representativeness (most under-represented first)",
        f"{'variable':<16} {'category':<18} {'n':>7} {'sample':>8} {'population':>11} {'weighted':>9} "
        f"{'ratio':>6} {'short by':>9}",
    ]
    for row in rows:
        weighted = "-" if row.weighted_share is None else f"{row.weighted_share:.1%}"
        lines.append(
            f"{row.variable[:16]:<16} {row.category[:18]:<18} {row.respondents:>7} {row.sample_share:>8.1%} "
            f"{row.population_share:>11.1%} {weighted:>9} {row.representation_ratio:>6.2f} {row.respondents_short:>9}"
        )
    return "\n".join(lines)
