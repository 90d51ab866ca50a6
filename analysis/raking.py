"""Raking: iterative proportional fitting (IPF) of survey weights to population margins.

Raking adjusts starting ("base") weights, one variable after another, so that the
weighted count of every category matches its population target; a sweep over all
variables is one iteration, repeated until every margin is met. It is the standard
correction that makes a sample look like the community on several variables at once
without needing their joint distribution.

Convergence rule: stop when the largest relative margin error,
``max |weighted total / target - 1|`` over every category of every variable, is at
most ``tol`` (default :data:`DEFAULT_TOL`, 1e-10), checked after a complete sweep;
otherwise stop with :class:`ConvergenceError` after ``max_iter`` sweeps.

Trimming (optional): ``trim_ratio`` caps ``weight / mean(weight)``. After each sweep,
weights above the cap are set to it, and the next sweep re-rakes; the result is
returned only when the margins are met *and* no weight exceeds the cap (both within
``tol``), otherwise :class:`ConvergenceError` (the cap may be too tight for the margins).
Raking also stops early when, at the rate the largest adjustment has shrunk over the
last :data:`PROGRESS_WINDOW` sweeps, it could not reach ``tol`` within ``max_iter`` (as
with a cap the margins cannot meet): waiting would only delay the answer.

Margins raking can only approach: some margins are met only in the limit, as a weight
goes to zero (one respondent "not stated" on one variable but not on another whose
"not stated" margin the others already fill), or not at all under a trimming cap. When
raking stops early for want of progress, weights whose margins are within ``near_tol``
(default :data:`NEAR_TOL`, 0.5%) are returned, and the result says how near they came
(``max_margin_error``, ``summary()``); farther off, or with ``near_tol=None``, it is a
:class:`ConvergenceError`, as is reaching ``max_iter``.

Missing answers are raked as the category ``"not stated"``; see :mod:`analysis.margins`.

Respondents who share every raking category and the same base weight always share
the same weight, so the fitting runs on those groups rather than on every respondent:
a million respondents usually collapse to a few thousand groups.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from analysis.errors import N_, InputError, Message
from analysis.margins import Margins, count_respondents, encode_data, normalize_margins

DEFAULT_TOL = 1e-10
DEFAULT_MAX_ITER = 10_000
#: margins raking can only approach are accepted within this relative error (see the module's docstring):
#: well inside the error of any survey, and of the population figures themselves
NEAR_TOL = 0.005
#: sweeps over which progress is measured to tell slow convergence from none
PROGRESS_WINDOW = 100


class ConvergenceError(InputError):
    """Raking did not meet the margins (and the trimming cap) within the iteration limit."""


@dataclass(frozen=True)
class RakingResult:
    """Weights raked to population margins, with their diagnostics.

    Attributes
    ----------
    weights : numpy.ndarray
        One weight per respondent, in input order; they sum to ``total``.
    iterations : int
        Number of sweeps over the raking variables.
    max_margin_error : float
        Largest relative margin error at the end (at most the tolerance, or ``near_tol``
        when raking could only approach the margins).
    max_weight_ratio : float
        Largest ``weight / mean(weight)``.
    effective_n : float
        Kish effective sample size, ``(sum w)**2 / sum w**2``.
    design_effect : float
        Kish design effect from weighting, ``n / effective_n``.
    n : int
        Number of respondents.
    total : float
        Sum of the weights: the margin total for counts, ``n`` (or the requested
        total) for proportions.
    margins : Margins
        The validated margins, as counts on ``total``.
    trim_ratio : float or None
        The cap on ``weight / mean(weight)``, if trimming was asked for.
    """

    weights: np.ndarray
    iterations: int
    max_margin_error: float
    max_weight_ratio: float
    effective_n: float
    design_effect: float
    n: int
    total: float
    margins: Margins
    trim_ratio: float | None = None
    #: whether the margins were met only to within ``near_tol``, not to the tolerance
    near: bool = False

    def summary(self) -> str:
        """One line for people: iterations, effective n, design effect (and how near the margins, when not met)."""
        trimmed = f", trimmed to {self.trim_ratio:g} x the mean" if self.trim_ratio else ""
        near = f"; margins met to within {self.max_margin_error:.2%}, as near as raking came" if self.near else ""
        return (
            f"raked {self.n} respondents to {len(self.margins.variables)} variable(s) in "
            f"{self.iterations} iteration(s){trimmed}{near}; weights sum to {self.total:.6g}, "
            f"largest weight {self.max_weight_ratio:.3g} x the mean; effective n {self.effective_n:.1f}, "
            f"design effect {self.design_effect:.3f}"
        )


def kish_effective_n(weights: Sequence[float] | np.ndarray) -> float:
    """Kish effective sample size ``(sum w)**2 / sum w**2`` of a set of weights."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / np.dot(w, w))


def _base_weights(base_weights: Sequence[float] | np.ndarray | None, n: int) -> np.ndarray:
    """Starting weights as a validated float array (all ones by default)."""
    if base_weights is None:
        return np.ones(n)
    try:
        w = np.asarray(base_weights, dtype=float)
    except (TypeError, ValueError):
        raise InputError("the starting weights must be numbers") from None
    if w.shape != (n,):
        raise InputError(f"there are {w.size} starting weights for {n} respondents")
    if not np.all(np.isfinite(w)) or np.any(w <= 0):
        bad = int(np.flatnonzero(~np.isfinite(w) | (w <= 0))[0])
        raise InputError(f"starting weights must be positive numbers; row {bad + 1} has {float(w[bad])!r}")
    return w


def _collapse(codes: dict[str, np.ndarray], base: np.ndarray):
    """Group respondents by (categories, base weight); return the inverse map and group data."""
    key = np.zeros(base.size, dtype=np.int64)
    stride = 1
    for c in codes.values():
        size = int(c.max()) + 1
        if stride * size >= 2**62:  # too many combinations for one integer key: no collapsing
            return np.arange(base.size), {v: c.copy() for v, c in codes.items()}, base.copy(), np.ones(base.size)
        key += c * stride
        stride *= size
    order = np.lexsort((base, key))
    sorted_key, sorted_base = key[order], base[order]
    starts = np.ones(base.size, dtype=bool)
    starts[1:] = (np.diff(sorted_key) != 0) | (np.diff(sorted_base) != 0)
    group_of_sorted = np.cumsum(starts) - 1
    inverse = np.empty(base.size, dtype=np.intp)
    inverse[order] = group_of_sorted
    first = order[starts]
    counts = np.bincount(group_of_sorted).astype(float)
    return inverse, {v: c[first] for v, c in codes.items()}, base[first], counts


def _margin_errors(group_codes, weights, counts, targets) -> tuple[float, str]:
    """Largest relative margin error and the variable where it occurs."""
    worst, where = 0.0, next(iter(targets))
    for variable, target in targets.items():
        totals = np.bincount(group_codes[variable], weights=weights * counts, minlength=target.size)
        error = float(np.max(np.abs(totals / target - 1.0)))
        if error > worst:
            worst, where = error, variable
    return worst, where


#: passes of capping that look for the cap that holds after capping lowers the mean
CAP_PASSES = 200


def _within_cap(weights: np.ndarray, counts: np.ndarray, trim_ratio: float, n: int) -> np.ndarray:
    """``weights`` capped at ``trim_ratio`` times their mean after capping: capping lowers the mean,
    and so the cap, which is capped again until it holds (each pass lowers it less)."""
    cap = trim_ratio * np.dot(weights, counts) / n
    for _ in range(CAP_PASSES):
        lowered = trim_ratio * np.dot(np.minimum(weights, cap), counts) / n
        if lowered >= cap * (1 - 1e-12):
            break
        cap = lowered
    return np.minimum(weights, cap)


def _stopped_short(group_codes, weights, counts, targets, trim_ratio, iterations: int, max_iter: int,
                   near_tol: float | None) -> float:
    """The margin error of weights that stopped short of the tolerance, when within ``near_tol``;
    otherwise raise the one-line ConvergenceError with the largest remaining margin error."""
    error, where = _margin_errors(group_codes, weights, counts, targets)
    if near_tol is not None and error <= near_tol:
        return error
    hint = Message(N_("; the trim ratio %(trim)g may be too tight for these margins"), trim=trim_ratio) \
        if trim_ratio else ""
    if iterations < max_iter:
        raise ConvergenceError(N_("raking is not converging: after %(iterations)d iterations the largest relative "
                                  "margin error is %(error).2g (variable '%(variable)s'), shrinking too slowly to meet "
                                  "the tolerance within %(max_iter)d%(hint)s"),
                               iterations=iterations, error=error, variable=where, max_iter=max_iter, hint=hint)
    raise ConvergenceError(N_("raking did not converge in %(max_iter)d iterations (largest relative margin error "
                              "%(error).2g, variable '%(variable)s')%(hint)s"),
                           max_iter=max_iter, error=error, variable=where, hint=hint)


def rake_to_margins(
    data: Mapping[str, Sequence[object]],
    margins: Mapping[str, Mapping[str, float]] | Margins,
    base_weights: Sequence[float] | np.ndarray | None = None,
    *,
    total: float | None = None,
    trim_ratio: float | None = None,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    near_tol: float | None = NEAR_TOL,
) -> RakingResult:
    """Rake base weights to population margins on several variables at once.

    Parameters
    ----------
    data : mapping of str to sequence
        Columns of respondents' answers; must include every margin variable.
        Missing answers (None, blank, NaN) count as the category ``"not stated"``.
    margins : mapping of str to mapping of str to float, or Margins
        ``{variable: {category: target}}``, targets as counts or proportions.
    base_weights : sequence of float, optional
        Positive starting weights (design weights); all ones by default.
    total : float, optional
        Total the weights should sum to; default the margin total for counts
        and the number of respondents for proportions.
    trim_ratio : float, optional
        Cap on ``weight / mean(weight)`` (at least 1), enforced with re-raking.
    tol : float
        Largest relative margin error accepted.
    max_iter : int
        Largest number of sweeps over the variables.
    near_tol : float or None
        Largest relative margin error accepted when raking stops early, short of ``tol``
        (margins it can only approach); None: ``tol`` or a ConvergenceError.

    Returns
    -------
    RakingResult

    Raises
    ------
    InputError
        A category in the data but not in the margins, a margin category with no
        respondents, a missing answer without a ``not stated`` margin, bad targets
        or weights.
    ConvergenceError
        The margins (and trimming cap) were not met within ``max_iter`` sweeps, nor
        approached to within ``near_tol``.
    """
    if trim_ratio is not None and not trim_ratio >= 1:
        raise InputError(f"the trim ratio caps weight / mean weight and must be at least 1, got {trim_ratio!r}")
    if not tol > 0 or max_iter < 1 or (near_tol is not None and not near_tol >= 0):
        raise InputError("the tolerances must be positive and the iteration limit at least 1")
    variables = list(margins.variables if isinstance(margins, Margins) else margins)
    n = count_respondents(data, variables)
    if not isinstance(margins, Margins) or total is not None:
        raw = margins.targets if isinstance(margins, Margins) else margins
        margins = normalize_margins(raw, n, total)
    base = _base_weights(base_weights, n)
    inverse, group_codes, weights, counts = _collapse(encode_data(data, margins), base)
    targets = {v: np.array(list(cats.values())) for v, cats in margins.targets.items()}

    changes, near = [], False
    for iteration in range(1, max_iter + 1):
        largest_change = 0.0
        for variable, target in targets.items():
            totals = np.bincount(group_codes[variable], weights=weights * counts, minlength=target.size)
            factors = target / totals
            largest_change = max(largest_change, float(np.max(np.abs(factors - 1.0))))
            weights = weights * factors[group_codes[variable]]
        capped = False
        if trim_ratio is not None:
            cap = trim_ratio * np.dot(weights, counts) / n
            if np.any(weights > cap * (1 + tol)):
                weights = np.minimum(weights, cap)
                capped = True
        # the change seen during the sweep is only a hint; the exact check decides
        if largest_change <= tol * len(targets) and not capped:
            error, _ = _margin_errors(group_codes, weights, counts, targets)
            if error <= tol:
                break
        changes.append(max(largest_change, 1e-300))
        if iteration > PROGRESS_WINDOW:
            rate = (changes[-1] / changes[-1 - PROGRESS_WINDOW]) ** (1 / PROGRESS_WINDOW)
            if rate >= 1 or changes[-1] * rate ** (max_iter - iteration) > tol:
                if trim_ratio is not None:  # near margins are accepted only with the cap itself kept
                    weights = _within_cap(weights, counts, trim_ratio, n)
                    kept = np.max(weights) <= trim_ratio * np.dot(weights, counts) / n * (1 + 1e-9)
                error = _stopped_short(group_codes, weights, counts, targets, trim_ratio, iteration, max_iter,
                                       near_tol if trim_ratio is None or kept else None)
                near = True
                break
    else:
        _stopped_short(group_codes, weights, counts, targets, trim_ratio, max_iter, max_iter, None)
    final = weights[inverse]
    effective_n = kish_effective_n(final)
    return RakingResult(
        weights=final,
        iterations=iteration,
        max_margin_error=error,
        max_weight_ratio=float(final.max() / final.mean()),
        effective_n=effective_n,
        design_effect=n / effective_n,
        n=n,
        total=float(final.sum()),
        margins=margins,
        trim_ratio=trim_ratio,
        near=near,
    )
