"""The prioritized-needs table: weighted importance, top-three share, ranks and gaps.

For every need, under three weightings side by side:

* **unweighted**: every respondent counts once;
* **representative**: weights raked to population margins (equal to unweighted when
  no margins are given);
* **equity**: representative weight x ``1 + λ·score`` (see :mod:`analysis.equity`).

each need gets its weighted mean importance (1-5, over respondents who rated it), its
weighted top-three share (the share of those respondents who picked it in their top
three), bootstrap percentile intervals for both, its rank and the range of ranks it
takes across bootstrap resamples.

Ranking rule (one rule everywhere, including resamples and the λ sweep): rank 1 is
the highest weighted mean importance; ties are broken by the higher top-three share.
Needs equal on both (to :data:`TIE_DECIMALS` places of the full figures, not the one
decimal the summary shows) share the best rank of their group (1, 2, 2, 4), are marked
tied and are listed in the need list's order. Needs that are too few to say are not
ranked.

Intervals: ``n_bootstrap`` resamples of respondents (with replacement) from a seeded
``numpy.random.Generator``; 95% percentile intervals; the rank range is the 2.5th to
97.5th percentile of the need's rank across resamples. The weights are held fixed
across resamples (raking is not repeated in each), so the intervals reflect sampling
variation in the answers given the weights.

Gap: weighted mean importance of the most affected (affectedness score at or above
the lens's threshold) minus that of everyone else, with representative weights inside
each group, and its bootstrap interval.

Sensitivity: each need's rank under equity weights for every λ in ``lambdas``
(default 0, 0.5, 1, 2); a need whose rank changes is flagged as moving.

Suppression: a need, or a group's cell, with fewer than ``min_cell`` respondents
(default 10) who rated the need is "too few to say": every number for it is None.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from analysis.bootstrap import bootstrap_totals, percentile_interval
from analysis.equity import EquityConfig, affectedness_scores, default_equity_config, equity_multiplier
from analysis.errors import N_, InputError
from analysis.margins import Margins
from analysis.priority_results import (  # noqa: F401  (re-exported: the public API)
    DEFAULT_BOOTSTRAP,
    DEFAULT_LAMBDAS,
    DEFAULT_MIN_CELL,
    DEFAULT_SEED,
    TOO_FEW_TO_SAY,
    WEIGHTINGS,
    Interval,
    NeedGap,
    NeedPriority,
    PriorityReport,
    PriorityTable,
    SensitivityRow,
)
from analysis.raking import kish_effective_n, rake_to_margins
from analysis.representativeness import representativeness_report
from analysis.survey_data import SurveyData

#: blocks of per-need totals: 3 per weighting (rating, answered, picked) + 2 per gap group
_BLOCKS = 3 * len(WEIGHTINGS) + 2 * 2

#: means and top-three shares are compared rounded to this many decimals: equal answers summed in
#: another order differ in a float's last bits, and no survey's figures differ this little. Not to
#: the shown decimal: means that only look alike there still differ in what the ranking uses (their
#: rank ranges say how surely)
TIE_DECIMALS = 9


def rank_needs(means: np.ndarray, shares: np.ndarray, shown: np.ndarray) -> np.ndarray:
    """Ranks along the last axis by the ranking rule; 0 for needs not shown.

    Higher mean first, then higher top-three share; needs equal on both (to ``TIE_DECIMALS``
    places) share the best rank of their group (1, 2, 2, 4). NaN last, never tied.
    """
    means = np.round(np.atleast_2d(means), TIE_DECIMALS)
    shares = np.round(np.atleast_2d(shares), TIE_DECIMALS)
    index = np.broadcast_to(np.arange(means.shape[-1]), means.shape)
    hidden = np.broadcast_to(~shown, means.shape)
    order = np.lexsort((index, -shares, -means, hidden), axis=-1)
    ordered_means, ordered_shares = np.take_along_axis(means, order, -1), np.take_along_axis(shares, order, -1)
    same_as_before = np.zeros(means.shape, dtype=bool)
    same_as_before[..., 1:] = ((ordered_means[..., 1:] == ordered_means[..., :-1])
                               & (ordered_shares[..., 1:] == ordered_shares[..., :-1]))
    places = np.broadcast_to(np.arange(1, means.shape[-1] + 1), means.shape)
    # a tied need takes the place of the first of its group: the running maximum of group starts
    group_places = np.maximum.accumulate(np.where(same_as_before, 0, places), axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, group_places, axis=-1)
    ranks[hidden] = 0
    return ranks


def tied_needs(ranks: np.ndarray) -> np.ndarray:
    """Whether each ranked need shares its rank with another (``ranks`` of one ranking, 0 = not ranked)."""
    values, counts = np.unique(ranks[ranks > 0], return_counts=True)
    return np.isin(ranks, values[counts > 1])


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, NaN where the denominator is zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return numerator / denominator


def _interval(low: np.ndarray, high: np.ndarray, j: int) -> Interval | None:
    """One need's interval as floats (None when not available)."""
    if np.isnan(low[j]) or np.isnan(high[j]):
        return None
    return (float(low[j]), float(high[j]))


def _representative_weights(survey: SurveyData, margins, population, trim_ratio):
    """Raked weights, the raking result and the representativeness report (or base weights)."""
    base = survey.base_weights if survey.base_weights is not None else np.ones(survey.n)
    if margins is None:
        return base, None, None
    variables = list(margins.variables if isinstance(margins, Margins) else margins)
    for variable in variables:
        if variable not in survey.profiles:
            raise InputError(N_("margin variable '%(variable)s' is not a respondent profile column"), variable=variable)
    data = {v: survey.profiles[v] for v in variables}
    raking = rake_to_margins(data, margins, base, trim_ratio=trim_ratio)
    report = tuple(representativeness_report({v: survey.profiles[v] for v in population} if population else data,
                                             population or raking.margins, raking.weights))
    return raking.weights, raking, report


def _check_settings(n_bootstrap, min_cell, lambdas, confidence) -> None:
    """One-line errors for settings out of range."""
    if not isinstance(n_bootstrap, (int, np.integer)) or n_bootstrap < 0:
        raise InputError(f"the number of bootstrap resamples must be a whole number of at least 0, got {n_bootstrap!r}")
    if not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
        raise InputError(f"the minimum cell size must be a whole number of at least 1, got {min_cell!r}")
    if not lambdas or any(not (lam >= 0 and np.isfinite(lam)) for lam in lambdas):
        raise InputError(f"the λ sweep needs numbers of at least 0, got {list(lambdas)!r}")
    if not 0 < confidence < 1:
        raise InputError(f"the confidence level must be between 0 and 1, got {confidence!r}")


def priority_report(
    survey: SurveyData,
    *,
    margins: Mapping[str, Mapping[str, float]] | Margins | None = None,
    population: Mapping[str, Mapping[str, float]] | None = None,
    equity: EquityConfig | None = None,
    emphasis: float | None = None,
    trim_ratio: float | None = None,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int | None = DEFAULT_SEED,
    min_cell: int = DEFAULT_MIN_CELL,
    lambdas: Sequence[float] = DEFAULT_LAMBDAS,
    confidence: float = 0.95,
) -> PriorityReport:
    """Compute the prioritized-needs report.

    Parameters
    ----------
    survey : SurveyData
        Ratings, top-three picks and profiles.
    margins : mapping or Margins, optional
        Population margins on profile columns for the representative weights
        (raked with :func:`analysis.raking.rake_to_margins`; missing answers are
        ``not stated``). Without margins, representative = starting weights.
    population : mapping, optional
        The margins the representativeness report compares the sample with, when they
        differ from ``margins`` (for instance with groups no one has answered yet, which
        raking cannot use: see :func:`analysis.margin_fit.fit_margins`).
    equity : EquityConfig, optional
        The equity lens; default :func:`analysis.equity.default_equity_config`.
    emphasis : float, optional
        λ for the equity weighting; default the lens's own ``emphasis``.
    trim_ratio : float, optional
        Cap on weight / mean weight when raking.
    n_bootstrap : int
        Respondent resamples for intervals (0 for none).
    seed : int or None
        Seed of the resampling; the default 0 makes reports reproducible.
    min_cell : int
        Fewest respondents with an answer for a number to be shown.
    lambdas : sequence of float
        λ values of the sensitivity sweep.
    confidence : float
        Coverage of the percentile intervals.

    Returns
    -------
    PriorityReport
    """
    _check_settings(n_bootstrap, min_cell, lambdas, confidence)
    config = equity if equity is not None else default_equity_config()
    emphasis = config.emphasis if emphasis is None else float(emphasis)
    n, k = survey.n, len(survey.needs)
    if n == 0 or k == 0:
        raise InputError(N_("there are no ratings to summarise"))
    representative, raking, representation = _representative_weights(survey, margins, population, trim_ratio)
    scores = affectedness_scores(survey.profiles, config, n)
    most_affected = scores >= config.most_affected_threshold
    weights = {
        "unweighted": np.ones(n),
        "representative": representative,
        "equity": representative * equity_multiplier(scores, emphasis),
    }
    answered = ~np.isnan(survey.importance)
    rating = np.where(answered, survey.importance, 0.0)
    picked = survey.top_three & answered
    columns = _contributions(weights, representative, most_affected, rating, answered, picked)
    point = columns.sum(axis=0)[None, :]
    resampled = bootstrap_totals(columns, n_bootstrap, seed) if n_bootstrap else None
    del columns
    respondents = answered.sum(axis=0)
    shown = respondents >= min_cell
    tables = {}
    for w_index, name in enumerate(WEIGHTINGS):
        stats = [None if totals is None else _weighted_stats(totals, w_index, shown) for totals in (point, resampled)]
        tables[name] = _table(name, survey.needs, respondents, shown, stats, confidence, weights[name])
    gaps = _gaps(survey.needs, answered, most_affected, min_cell, point, resampled, confidence)
    sensitivity = _sensitivity(survey.needs, representative, scores, rating, answered, picked, shown, lambdas)
    return PriorityReport(
        needs=survey.needs, respondents=n, tables=tables, gaps=gaps,
        most_affected_respondents=int(most_affected.sum()), sensitivity=sensitivity,
        lambdas=tuple(float(lam) for lam in lambdas), emphasis=emphasis, equity=config, raking=raking,
        representativeness=representation, n_bootstrap=int(n_bootstrap), seed=seed, min_cell=int(min_cell),
        confidence=confidence,
    )


def _contributions(weights, representative, most_affected, rating, answered, picked) -> np.ndarray:
    """Per-respondent contributions to every total, one (n, k) block per quantity.

    Blocks, in order: for each weighting, weight x rating, weight x answered, weight x
    picked; then for the most affected and for everyone else, representative weight x
    rating and x answered. Every total a statistic needs, in the sample or in a
    bootstrap resample, is a column sum of this matrix (see :func:`_block`).
    """
    parts = [(w, m) for w in weights.values() for m in (rating, answered, picked)]
    parts += [(representative * group, m) for group in (most_affected, ~most_affected) for m in (rating, answered)]
    n, k = rating.shape
    columns = np.empty((n, k * len(parts)))
    for b, (w, m) in enumerate(parts):
        np.multiply(w[:, None], m, out=columns[:, b * k:(b + 1) * k])
    return columns


def _block(totals: np.ndarray, b: int) -> np.ndarray:
    """Block ``b`` (one column per need) of totals laid out as by :func:`_contributions`."""
    k = totals.shape[1] // _BLOCKS
    return totals[:, b * k:(b + 1) * k]


def _weighted_stats(totals: np.ndarray, w_index: int, shown: np.ndarray):
    """Mean importance, top-three share and rank of each need under one weighting."""
    denominator = _block(totals, 3 * w_index + 1)
    mean = _ratio(_block(totals, 3 * w_index), denominator)
    share = _ratio(_block(totals, 3 * w_index + 2), denominator)
    return mean, share, rank_needs(mean, share, shown)


def _table(name, needs, respondents, shown, stats, confidence, weights) -> PriorityTable:
    """Assemble one weighting's rows from point and resampled statistics."""
    (mean, share, rank), resampled = stats
    tied = tied_needs(rank[0])
    if resampled is not None:
        mean_low, mean_high = percentile_interval(resampled[0], confidence)
        share_low, share_high = percentile_interval(resampled[1], confidence)
        tail = (1 - confidence) / 2
        rank_low, rank_high = np.quantile(resampled[2], [tail, 1 - tail], axis=0, method="inverted_cdf")
    rows = []
    for j, need in enumerate(needs):
        if not shown[j]:
            rows.append(NeedPriority(need, int(respondents[j]), None, None, None, None, None, None))
            continue
        rows.append(NeedPriority(
            need=need,
            respondents=int(respondents[j]),
            mean_importance=float(mean[0, j]),
            mean_importance_interval=None if resampled is None else _interval(mean_low, mean_high, j),
            top_three_share=float(share[0, j]),
            top_three_share_interval=None if resampled is None else _interval(share_low, share_high, j),
            rank=int(rank[0, j]),
            rank_range=None if resampled is None else (int(rank_low[j]), int(rank_high[j])),
            tied=bool(tied[j]),
        ))
    return PriorityTable(weighting=name, effective_n=kish_effective_n(weights), rows=tuple(rows))


def _group_means(totals: np.ndarray, group: int) -> np.ndarray:
    """Representative-weighted mean importance of the most affected (0) or the others (1)."""
    first = 3 * len(WEIGHTINGS) + 2 * group
    return _ratio(_block(totals, first), _block(totals, first + 1))


def _gaps(needs, answered, most_affected, min_cell, point, resampled, confidence) -> tuple[NeedGap, ...]:
    """Most affected minus everyone else, per need, with suppression of small cells."""
    counts = [(answered & group[:, None]).sum(axis=0) for group in (most_affected, ~most_affected)]
    means = [_group_means(point, g)[0] for g in (0, 1)]
    if resampled is not None:
        low, high = percentile_interval(_group_means(resampled, 0) - _group_means(resampled, 1), confidence)
    rows = []
    for j, need in enumerate(needs):
        shown = [counts[g][j] >= min_cell for g in (0, 1)]
        mean = [float(means[g][j]) if shown[g] else None for g in (0, 1)]
        both = all(shown)
        rows.append(NeedGap(
            need=need,
            most_affected_respondents=int(counts[0][j]),
            other_respondents=int(counts[1][j]),
            mean_most_affected=mean[0],
            mean_others=mean[1],
            gap=mean[0] - mean[1] if both else None,
            gap_interval=_interval(low, high, j) if both and resampled is not None else None,
        ))
    return tuple(rows)


def _sensitivity(needs, representative, scores, rating, answered, picked, shown, lambdas):
    """Equity-weighted ranks and means for each λ; flag needs whose rank changes."""
    means, ranks = [], []
    for lam in lambdas:
        w = representative * equity_multiplier(scores, lam)
        denominator = w @ answered
        mean, share = _ratio(w @ rating, denominator), _ratio(w @ picked, denominator)
        means.append(mean)
        ranks.append(rank_needs(mean, share, shown)[0])
    rows = []
    for j, need in enumerate(needs):
        if not shown[j]:
            rows.append(SensitivityRow(need, (None,) * len(lambdas), (None,) * len(lambdas), False))
            continue
        need_ranks = tuple(int(r[j]) for r in ranks)
        rows.append(SensitivityRow(need, need_ranks, tuple(float(m[j]) for m in means), len(set(need_ranks)) > 1))
    return tuple(rows)
