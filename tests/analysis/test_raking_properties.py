"""Property-based tests of raking on random feasible problems (Hypothesis)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from analysis.raking import NEAR_TOL, ConvergenceError, rake_to_margins

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Small random problems can sit close to the edge of feasibility, where IPF converges
# slowly (one needed 1,249 sweeps to reach 1e-10): allow far more sweeps than usual.
MAX_ITER = 200_000


@st.composite
def feasible_problems(draw):
    """Data, consistent margins (totals under some positive 'true' weights) and base weights."""
    n = draw(st.integers(min_value=4, max_value=150))
    n_variables = draw(st.integers(min_value=1, max_value=4))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    true_weights = rng.uniform(0.2, 5.0, n)
    data, margins = {}, {}
    for v in range(n_variables):
        k = draw(st.integers(min_value=1, max_value=5))
        codes = rng.integers(0, k, n)
        labels = np.array([f"c{c}" for c in codes])
        data[f"v{v}"] = labels.tolist()
        margins[f"v{v}"] = {c: float(true_weights[labels == c].sum()) for c in sorted(set(labels.tolist()))}
    base = rng.uniform(0.2, 5.0, n) if draw(st.booleans()) else None
    return data, margins, base


def weighted_totals(data, weights):
    totals = {}
    for variable, labels in data.items():
        labels = np.asarray(labels)
        totals[variable] = {c: float(weights[labels == c].sum()) for c in set(labels.tolist())}
    return totals


def naive_ipf(data, margins, base, max_sweeps=MAX_ITER):
    """Textbook IPF on every respondent (no grouping), swept until the margins hold to 1e-12."""
    w = np.ones(len(next(iter(data.values())))) if base is None else np.array(base, dtype=float)
    coded = {}
    for variable, targets in margins.items():
        categories = list(targets)
        codes = np.array([categories.index(label) for label in data[variable]])
        coded[variable] = (codes, np.array([targets[c] for c in categories]))
    for _ in range(max_sweeps):
        for codes, target in coded.values():
            w *= (target / np.bincount(codes, weights=w, minlength=target.size))[codes]
        if all(np.max(np.abs(np.bincount(c, weights=w, minlength=t.size) / t - 1)) < 1e-12 for c, t in coded.values()):
            return w
    raise AssertionError("textbook IPF did not converge either")


@SETTINGS
@given(feasible_problems())
def test_margins_are_met_within_tolerance(problem):
    data, margins, base = problem
    result = rake_to_margins(data, margins, base, max_iter=MAX_ITER)
    totals = weighted_totals(data, result.weights)
    for variable, targets in margins.items():
        for category, target in targets.items():
            assert abs(totals[variable][category] / target - 1) <= 1e-9
    assert np.all(result.weights > 0)
    margin_total = sum(next(iter(margins.values())).values())
    assert abs(result.weights.sum() / margin_total - 1) <= 1e-9


@settings(max_examples=40, deadline=None)
@given(feasible_problems())
def test_grouped_fitting_equals_textbook_ipf(problem):
    data, margins, base = problem
    result = rake_to_margins(data, margins, base, max_iter=MAX_ITER)
    np.testing.assert_allclose(result.weights, naive_ipf(data, margins, base), rtol=1e-7)


#: found by this test: a cap that lets raking only approach the margins (0.42% off), where the capping of the
#: last sweep, lowering the mean, had left the largest weight above the cap
CAP_AND_NEAR_MARGINS = (
    {"v0": ["c2", "c1", "c1", "c0", "c1", "c0", "c0", "c2", "c0", "c0", "c2", "c1", "c1", "c1", "c1", "c2", "c2",
            "c0", "c2", "c0", "c1", "c1"]},
    {"v0": {"c0": 15.322998605080745, "c1": 16.443233194639546, "c2": 8.156780261296063}},
    None,
)


@SETTINGS
@given(feasible_problems(), st.floats(min_value=1.2, max_value=6.0))
@example(CAP_AND_NEAR_MARGINS, 1.203125)
def test_trimming_bounds_hold_or_raking_says_it_cannot(problem, ratio):
    data, margins, base = problem
    try:
        result = rake_to_margins(data, margins, base, trim_ratio=ratio)
    except ConvergenceError as error:
        assert "\n" not in str(error)
        event("trim infeasible: clear error")
        return
    event("trim met" if not result.near else "trim met, margins only approached")
    assert result.weights.max() / result.weights.mean() <= ratio * (1 + 1e-9)
    totals = weighted_totals(data, result.weights)
    for variable, targets in margins.items():
        for category, target in targets.items():
            assert abs(totals[variable][category] / target - 1) <= (NEAR_TOL if result.near else 1e-9)


@SETTINGS
@given(feasible_problems(), st.floats(min_value=1.0, max_value=1e6))
def test_proportion_margins_sum_to_the_requested_total(problem, total):
    data, margins, base = problem
    shares = {v: {c: t / sum(cats.values()) for c, t in cats.items()} for v, cats in margins.items()}
    result = rake_to_margins(data, shares, base, total=total, max_iter=MAX_ITER)
    assert abs(result.weights.sum() / total - 1) <= 1e-9
