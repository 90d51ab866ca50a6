"""Raking: the R `survey` reference, margins, trimming, Kish effective n, and every error."""
from __future__ import annotations

import csv
import pathlib

import numpy as np
import pytest

from analysis.errors import InputError
from analysis.margins import NOT_STATED, normalize_margins
from analysis.raking import NEAR_TOL, ConvergenceError, kish_effective_n, rake_to_margins

DATA_DIR = pathlib.Path(__file__).resolve().parent / "data"  # apiclus1.csv, copied with its licence note
API_MARGINS = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}


@pytest.fixture(scope="module")
def apiclus1() -> list[dict[str, str]]:
    """The R survey package's apiclus1 cluster sample (183 schools)."""
    with open(DATA_DIR / "apiclus1.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def weighted_mean(values, weights) -> float:
    return float(np.dot(values, weights) / np.sum(weights))


def test_apiclus1_raked_mean_matches_r_survey(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    result = rake_to_margins(data, API_MARGINS, [float(row["pw"]) for row in apiclus1])
    api00 = [float(row["api00"]) for row in apiclus1]
    # R: rake(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1), list(~stype, ~sch.wide),
    # list(pop.types, pop.schwide)) then svymean(~api00): 641.2303 when fully converged (R's
    # default control, epsilon = 1 weighted unit, stops after about three sweeps, which
    # prints as 641.23). Tolerance: the issue asks for 1e-6 (relative: 6.4e-4 absolute);
    # the reference itself is given to four decimals, so we also check that our fully
    # converged mean rounds to it (agreement within 5e-5).
    mean = weighted_mean(api00, result.weights)
    assert mean == pytest.approx(641.2303, rel=1e-6)
    assert round(mean, 4) == 641.2303
    assert result.weights.sum() == pytest.approx(6194, rel=1e-12)
    assert result.max_margin_error <= 1e-10


def test_apiclus1_weighted_category_totals_equal_the_margins(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    result = rake_to_margins(data, API_MARGINS, [float(row["pw"]) for row in apiclus1])
    for variable, targets in API_MARGINS.items():
        for category, target in targets.items():
            in_category = np.array(data[variable]) == category
            assert result.weights[in_category].sum() == pytest.approx(target, rel=1e-10)


def test_proportion_margins_make_weights_sum_to_n():
    data = {"sex": ["f", "f", "m", "m", "m", "m"], "age": ["y", "o", "y", "o", "o", "y"]}
    result = rake_to_margins(data, {"sex": {"f": 0.5, "m": 0.5}, "age": {"y": 0.4, "o": 0.6}})
    assert result.margins.kind == "proportions"
    assert result.weights.sum() == pytest.approx(6)
    assert result.weights[:2].sum() == pytest.approx(3)


def test_total_argument_scales_proportions():
    data = {"sex": ["f", "m", "m"]}
    result = rake_to_margins(data, {"sex": {"f": 0.5, "m": 0.5}}, total=1000)
    np.testing.assert_allclose(result.weights, [500, 250, 250])


def test_one_variable_raking_is_post_stratification():
    data = {"g": ["a", "a", "b", "b", "b"]}
    result = rake_to_margins(data, {"g": {"a": 10, "b": 30}}, [1, 3, 1, 1, 2])
    np.testing.assert_allclose(result.weights, [2.5, 7.5, 7.5, 7.5, 15])


def test_kish_effective_n_and_design_effect_by_hand():
    assert kish_effective_n([1, 1, 1, 1]) == pytest.approx(4)
    # (1 + 1 + 2)^2 / (1 + 1 + 4) = 16 / 6
    assert kish_effective_n([1, 1, 2]) == pytest.approx(16 / 6)
    result = rake_to_margins({"g": ["a", "a", "b"]}, {"g": {"a": 2, "b": 2}})
    assert result.effective_n == pytest.approx(16 / 6)
    assert result.design_effect == pytest.approx(3 / (16 / 6))


def test_trimming_caps_weight_ratio_and_keeps_margins(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    base = [float(row["pw"]) for row in apiclus1]
    untrimmed = rake_to_margins(data, API_MARGINS, base)
    trimmed = rake_to_margins(data, API_MARGINS, base, trim_ratio=1.8)
    assert untrimmed.max_weight_ratio > 1.8
    assert trimmed.weights.max() / trimmed.weights.mean() <= 1.8 * (1 + 1e-9)
    assert trimmed.max_margin_error <= 1e-10
    assert trimmed.weights.sum() == pytest.approx(6194)


def test_a_loose_trim_changes_nothing(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    base = [float(row["pw"]) for row in apiclus1]
    np.testing.assert_allclose(
        rake_to_margins(data, API_MARGINS, base, trim_ratio=10).weights,
        rake_to_margins(data, API_MARGINS, base).weights,
    )


def test_too_tight_trim_is_a_convergence_error(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    with pytest.raises(ConvergenceError, match=r"^raking .*trim ratio 1\.5 may be too tight"):
        rake_to_margins(data, API_MARGINS, [float(row["pw"]) for row in apiclus1], trim_ratio=1.5)


def test_iteration_limit_is_a_convergence_error(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    with pytest.raises(ConvergenceError, match="did not converge in 2 iterations"):
        rake_to_margins(data, API_MARGINS, [float(row["pw"]) for row in apiclus1], max_iter=2)


def test_inconsistent_structure_does_not_converge():
    # everyone in 'a' is 'x' and everyone in 'b' is 'y', yet a:x totals disagree
    data = {"g": ["a", "a", "b", "b"], "h": ["x", "x", "y", "y"]}
    with pytest.raises(ConvergenceError):
        rake_to_margins(data, {"g": {"a": 10, "b": 10}, "h": {"x": 15, "y": 5}})


def test_missing_answers_rake_as_not_stated_when_the_margins_have_it():
    data = {"age": ["young", None, "old", "", "old", float("nan")]}
    result = rake_to_margins(data, {"age": {"young": 0.3, "old": 0.5, NOT_STATED: 0.2}})
    missing = np.array([False, True, False, True, False, True])
    assert result.weights[missing].sum() == pytest.approx(0.2 * 6)


@pytest.mark.parametrize(
    ("data", "margins", "message"),
    [
        ({"stype": ["E", "X"]}, {"stype": {"E": 1}},
         "^category 'X' of variable 'stype' is in the data but not in the margins$"),
        ({"stype": ["E", "E"]}, {"stype": {"E": 5, "H": 5}},
         "^category 'H' of variable 'stype' is in the margins but has no respondents$"),
        ({"age": ["young", None, ""]}, {"age": {"young": 1}},
         "^variable 'age' has 2 missing values but no 'not stated' category in the margins"),
        ({"a": ["x"]}, {"b": {"x": 1}}, "^margin variable 'b' is not a column of the data$"),
        ({"a": ["x"]}, {}, "^the margins are empty"),
        ({"a": ["x"]}, {"a": {}}, "^variable 'a' has no categories in the margins$"),
        ({"a": ["x", "y"]}, {"a": {"x": 3, "y": -1}}, "^target for category 'y' of variable 'a' must be positive"),
        ({"a": ["x", "y"]}, {"a": {"x": 3, "y": "many"}}, "^target for category 'y' of variable 'a' is not a number"),
        ({"a": ["x"], "b": ["u"]}, {"a": {"x": 10}, "b": {"u": 12}},
         "^margins for 'a' sum to 10 but margins for 'b' sum to 12"),
        ({"a": ["x"], "b": ["u"]}, {"a": {"x": 1.0}, "b": {"u": 12}}, "^margins mix proportions"),
        ({"a": ["x"], "b": ["u", "v"]}, {"a": {"x": 1}, "b": {"u": 1}}, "same number of respondents"),
        ({"a": []}, {"a": {"x": 1}}, "^there are no respondents to rake$"),
    ],
)
def test_bad_input_is_one_clear_line(data, margins, message):
    with pytest.raises(InputError, match=message) as caught:
        rake_to_margins(data, margins)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("weights", "message"), [
    ([1.0, 0.0], "row 2 has 0.0"), ([1.0, float("nan")], "row 2"), ([1.0], "1 starting weights for 2"),
])
def test_bad_starting_weights_are_refused(weights, message):
    with pytest.raises(InputError, match=message):
        rake_to_margins({"a": ["x", "y"]}, {"a": {"x": 1, "y": 1}}, weights)


@pytest.mark.parametrize("ratio", [0.5, float("nan")])
def test_trim_ratio_below_one_is_refused(ratio):
    with pytest.raises(InputError, match="at least 1"):
        rake_to_margins({"a": ["x", "y"]}, {"a": {"x": 1, "y": 1}}, trim_ratio=ratio)


def test_totals_within_rounding_are_made_equal():
    margins = normalize_margins({"a": {"x": 1 / 3, "y": 1 / 3, "z": 0.3333333}, "b": {"u": 1.0}}, n=3)
    assert margins.kind == "proportions"
    assert sum(margins.targets["a"].values()) == pytest.approx(3, rel=1e-15)


def test_raking_is_deterministic(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    base = [float(row["pw"]) for row in apiclus1]
    first = rake_to_margins(data, API_MARGINS, base)
    second = rake_to_margins(data, API_MARGINS, base)
    assert np.array_equal(first.weights, second.weights)


def test_summary_reports_iterations_effective_n_and_design_effect(apiclus1):
    data = {v: [row[v] for row in apiclus1] for v in API_MARGINS}
    summary = rake_to_margins(data, API_MARGINS, [float(row["pw"]) for row in apiclus1]).summary()
    assert "iteration" in summary and "effective n" in summary and "design effect" in summary
    assert "\n" not in summary



#: the demo campaign after one more resident (no ZIP code, language Spanish): (place, language) -> respondents
NEARLY_MET = {("98103", "ar"): 2, ("98103", "en"): 25, ("98103", "es"): 13, ("98103", "ht"): 1, ("98103", "tl"): 1,
              ("98103", "vi"): 7, ("98103", "zh"): 5, ("98108", "ar"): 4, ("98108", "en"): 29, ("98108", "es"): 16,
              ("98108", "ht"): 1, ("98108", "ko"): 1, ("98108", "tl"): 1, ("98108", "vi"): 3, ("98108", "zh"): 3,
              ("98118", "ar"): 3, ("98118", "en"): 32, ("98118", "es"): 13, ("98118", "ht"): 2, ("98118", "ko"): 3,
              ("98118", "vi"): 5, ("98122", "ar"): 1, ("98122", "en"): 23, ("98122", "es"): 11, ("98122", "ht"): 2,
              ("98122", "tl"): 2, ("98122", "vi"): 3, ("98122", "zh"): 1, ("98144", "ar"): 3, ("98144", "en"): 24,
              ("98144", "es"): 10, ("98144", "ko"): 2, ("98144", "tl"): 1, ("98144", "vi"): 2, ("98144", "zh"): 3,
              (None, None): 43, (None, "es"): 1}
NEARLY_MET_MARGINS = {
    "place": {"98118": 0.23, "98108": 0.17, "98144": 0.17, "98122": 0.13, "98103": 0.15, "not stated": 0.15},
    "primary_language": {"en": 0.4, "es": 0.17, "vi": 0.08, "zh": 0.06, "ko": 0.03, "ar": 0.03, "tl": 0.05, "ht": 0.03,
                         "not stated": 0.15},
}


def test_margins_raking_can_only_approach_are_accepted_once_near_and_the_result_says_how_near():
    """One resident left the ZIP code out but gave a language: both "not stated" margins can be met only
    as that resident's weight goes to zero, which raking approaches ever more slowly. Within NEAR_TOL
    (0.5%) the weights are used, saying how near they came, rather than thrown away with every margin."""
    pairs = [pair for pair, count in NEARLY_MET.items() for _ in range(count)]
    data = {"place": [place for place, _ in pairs], "primary_language": [language for _, language in pairs]}
    result = rake_to_margins(data, NEARLY_MET_MARGINS, trim_ratio=5)
    assert 1e-10 < result.max_margin_error <= NEAR_TOL
    assert result.max_weight_ratio <= 5 * (1 + 1e-9)
    assert f"margins met to within {result.max_margin_error:.2%}" in result.summary()
    with pytest.raises(ConvergenceError, match="not converging"):  # asked to meet the tolerance or fail
        rake_to_margins(data, NEARLY_MET_MARGINS, trim_ratio=5, near_tol=None)
