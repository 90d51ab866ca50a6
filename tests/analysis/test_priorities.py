"""The priority table: a hand-computed example, suppression, intervals, gaps, λ sweep, seeds."""
from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.equity import equity_config_from_dict
from analysis.errors import InputError
from analysis.priorities import TOO_FEW_TO_SAY, priority_report, rank_needs
from analysis.priorities_format import format_report, report_to_json
from analysis.survey_data import SurveyData, survey_from_records
from analysis.synthetic_survey import synthetic_survey

# A lens with three criteria of weights 2, 1, 1 (total 4); 'most affected' = score >= 0.5.
HAND_LENS = equity_config_from_dict({
    "emphasis": 1.0,
    "most_affected_threshold": 0.5,
    "places": {"values": ["Eastside"], "weight": 2},
    "groups": [{"column": "income_band", "values": ["under_25k"], "weight": 1}],
    "hardships": {"uninsured": 1},
})


def hand_survey() -> SurveyData:
    """Five respondents, two needs; scores 1, 0.5, 0.25, 0.25, 0."""
    return SurveyData(
        needs=("A", "B"),
        importance=[[5, 1], [3, 4], [3, 4], [3, 4], [3, 4]],
        top_three=[[1, 0], [0, 1], [0, 1], [1, 1], [0, 0]],
        profiles={
            "place": ["Eastside", "eastside", "Westside", None, None],
            "income_band": ["under_25k", "50_75k", "under_25k", None, None],
            "uninsured": [True, None, False, True, None],
        },
    )


@pytest.fixture
def hand_report():
    return priority_report(hand_survey(), equity=HAND_LENS, n_bootstrap=0, min_cell=1)


def row(report, weighting, need):
    return next(r for r in report.tables[weighting].rows if r.need == need)


def test_hand_example_unweighted_tie_is_broken_by_top_three_share(hand_report):
    a, b = row(hand_report, "unweighted", "A"), row(hand_report, "unweighted", "B")
    assert a.mean_importance == pytest.approx(17 / 5) and b.mean_importance == pytest.approx(17 / 5)
    assert a.top_three_share == pytest.approx(2 / 5) and b.top_three_share == pytest.approx(3 / 5)
    assert (b.rank, a.rank) == (1, 2)


def test_hand_example_equity_weights_are_one_plus_lambda_score(hand_report):
    # multipliers with lambda = 1: 2, 1.5, 1.25, 1.25, 1 (sum 7)
    a, b = row(hand_report, "equity", "A"), row(hand_report, "equity", "B")
    assert a.mean_importance == pytest.approx((2 * 5 + 1.5 * 3 + 1.25 * 3 + 1.25 * 3 + 1 * 3) / 7)
    assert b.mean_importance == pytest.approx((2 * 1 + 1.5 * 4 + 1.25 * 4 + 1.25 * 4 + 1 * 4) / 7)
    assert a.top_three_share == pytest.approx((2 + 1.25) / 7)
    assert b.top_three_share == pytest.approx((1.5 + 1.25 + 1.25) / 7)
    assert (a.rank, b.rank) == (1, 2)


def test_hand_example_without_margins_representative_equals_unweighted(hand_report):
    assert hand_report.tables["representative"].rows == hand_report.tables["unweighted"].rows
    assert hand_report.raking is None and hand_report.representativeness is None


def test_hand_example_gap_is_most_affected_minus_others(hand_report):
    gap_a, gap_b = hand_report.gaps
    assert hand_report.most_affected_respondents == 2
    assert gap_a.mean_most_affected == pytest.approx(4) and gap_a.mean_others == pytest.approx(3)
    assert gap_a.gap == pytest.approx(1.0)
    assert gap_b.gap == pytest.approx(2.5 - 4)


def test_hand_example_lambda_sweep_shows_the_move(hand_report):
    sweep = {r.need: r for r in hand_report.sensitivity}
    assert hand_report.lambdas == (0.0, 0.5, 1.0, 2.0)
    assert sweep["A"].ranks == (2, 1, 1, 1) and sweep["B"].ranks == (1, 2, 2, 2)
    assert sweep["A"].moved and sweep["B"].moved
    # lambda = 2: multipliers 3, 2, 1.5, 1.5, 1 (sum 9)
    assert sweep["A"].mean_importance[3] == pytest.approx(33 / 9)


def test_lambda_zero_matches_the_representative_table():
    report = priority_report(synthetic_survey(300, seed=5), n_bootstrap=0)
    for j, sweep_row in enumerate(report.sensitivity):
        representative = report.tables["representative"].rows[j]
        assert sweep_row.ranks[0] == representative.rank
        assert sweep_row.mean_importance[0] == pytest.approx(representative.mean_importance)


def test_ranking_rule_orders_by_mean_then_share_and_needs_equal_on_both_share_a_rank():
    ranks = rank_needs(np.array([3.0, 4.0, 4.0, 4.0, 5.0]), np.array([0.9, 0.1, 0.3, 0.3, 0.0]),
                       np.array([True, True, True, True, False]))
    assert ranks.tolist() == [[4, 3, 1, 1, 0]]  # the tie takes 1 and 2; the next need is 3


def test_a_tie_is_equal_figures_not_figures_that_round_alike():
    # 0.1 + 0.2 != 0.3 in floats: the same answers summed in another order still tie
    shown = np.ones(4, dtype=bool)
    ranks = rank_needs(np.array([4.2, 0.1 + 0.2 + 3.9, 4.24, 4.16]), np.array([0.5, 0.5, 0.5, 0.5]), shown)
    assert ranks.tolist() == [[2, 2, 1, 4]]  # 4.24 and 4.16 both show as 4.2, but differ


def test_tied_needs_in_every_resample_share_the_rank_range():
    ranks = rank_needs(np.array([[4.0, 4.0, 3.0], [2.0, 2.0, 3.0], [np.nan, np.nan, 1.0]]),
                       np.zeros((3, 3)), np.ones(3, dtype=bool))
    assert ranks.tolist() == [[1, 1, 3], [2, 2, 1], [2, 3, 1]]  # no figure (NaN): last, never tied


def test_the_report_and_its_exports_mark_needs_that_tie():
    importance = [[5, 5, 3, 4], [4, 4, 2, 4], [3, 3, 5, 4]] * 4  # A and B rated alike; D as high but less often top
    top_three = [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]] * 4
    survey = SurveyData(("A", "B", "C", "D"), importance, top_three, {"place": [None] * 12})
    report = priority_report(survey, n_bootstrap=20, min_cell=1)
    for table in report.tables.values():
        a, b, c, d = table.rows
        assert (a.rank, b.rank, d.rank, c.rank) == (1, 1, 3, 4)
        assert a.tied and b.tied and not c.tied and not d.tied
        assert a.rank_range == b.rank_range
    data = json.loads(report_to_json(report))
    assert [row["tied"] for row in data["weightings"]["equity"]["needs"]] == [True, True, False, False]
    assert "share a rank, marked tied" in data["settings"]["ranking_rule"]
    table = format_report(report).split("#rank= tied\n", 1)[1].splitlines()[1:5]
    lines = [line for line in table if line.startswith(("A ", "B ", "C ", "D "))]
    assert [line[0] for line in lines] == ["A", "B", "D", "C"]  # tied: in need-list order
    assert "#1=" in lines[0] and "#1=" in lines[1] and "#3 " in lines[2] and "=" not in lines[2]


def test_small_need_is_too_few_to_say_everywhere():
    survey = synthetic_survey(200, seed=2)
    importance = survey.importance.copy()
    importance[9:, 0] = np.nan  # only 9 respondents rate the first need
    top_three = survey.top_three & ~np.isnan(importance)
    survey = SurveyData(survey.needs, importance, top_three, survey.profiles)
    report = priority_report(survey, n_bootstrap=50, min_cell=10)
    need = survey.needs[0]
    for table in report.tables.values():
        cell = table.rows[0]
        assert cell.respondents == 9 and cell.too_few_to_say
        assert (cell.mean_importance, cell.mean_importance_interval, cell.top_three_share, cell.rank,
                cell.rank_range) == (None, None, None, None, None)
    assert report.gaps[0].gap is None and report.sensitivity[0].ranks == (None,) * 4
    ranks = sorted(r.rank for r in report.tables["equity"].rows[1:])
    assert ranks == list(range(1, len(survey.needs)))  # the others are ranked among themselves
    data = json.loads(report_to_json(report))
    first = data["weightings"]["equity"]["needs"][0]
    assert first["too_few_to_say"] is True
    assert all(first[k] is None for k in ("mean_importance", "top_three_share", "rank", "rank_range"))
    lines = [line for line in format_report(report).splitlines() if line.startswith(need + " ")]
    assert lines and all(TOO_FEW_TO_SAY in line for line in lines)
    assert all(not any(ch.isdigit() for ch in line.split(TOO_FEW_TO_SAY, 1)[1]) for line in lines[:1])


def test_small_group_suppresses_the_gap_but_not_the_table():
    lens = equity_config_from_dict({"places": {"values": ["94601"]}, "most_affected_threshold": 1.0})
    survey = synthetic_survey(400, seed=4)
    places = ["94605" if p == "94601" else p for p in survey.profiles["place"]]
    places[:7] = ["94601"] * 7  # a group of 7, below the minimum cell of 10
    survey = SurveyData(survey.needs, survey.importance, survey.top_three, {**survey.profiles, "place": places})
    report = priority_report(survey, equity=lens, n_bootstrap=20)
    assert report.most_affected_respondents == 7
    assert all(g.gap is None and g.mean_most_affected is None and g.mean_others is not None for g in report.gaps)
    assert all(r.mean_importance is not None for r in report.tables["equity"].rows)


def test_intervals_bracket_the_estimates_and_ranks():
    report = priority_report(synthetic_survey(2000, seed=7), n_bootstrap=200, seed=1)
    for table in report.tables.values():
        for r in table.rows:
            low, high = r.mean_importance_interval
            assert low < r.mean_importance < high
            share_low, share_high = r.top_three_share_interval
            assert share_low <= r.top_three_share <= share_high
            assert r.rank_range[0] <= r.rank <= r.rank_range[1]
    for g in report.gaps:
        assert g.gap_interval[0] < g.gap < g.gap_interval[1]


def test_same_seed_same_report_and_other_seed_other_intervals():
    survey = synthetic_survey(500, seed=3)
    first = priority_report(survey, n_bootstrap=100, seed=11).to_dict()
    assert priority_report(survey, n_bootstrap=100, seed=11).to_dict() == first
    other = priority_report(survey, n_bootstrap=100, seed=12).to_dict()
    assert other["weightings"]["equity"]["needs"][0]["mean_importance"] == \
        first["weightings"]["equity"]["needs"][0]["mean_importance"]
    assert other["weightings"]["equity"] != first["weightings"]["equity"]


def test_margins_give_raked_representative_weights_and_a_report():
    survey = synthetic_survey(1000, seed=8)
    margins = {"primary_language": {"en": 0.5, "es": 0.3, "vi": 0.1, "zh": 0.05, "not stated": 0.05}}
    report = priority_report(survey, margins=margins, n_bootstrap=0)
    assert report.raking is not None and report.raking.max_margin_error <= 1e-10
    assert report.tables["representative"].effective_n < report.respondents
    assert report.representativeness[0].representation_ratio <= report.representativeness[-1].representation_ratio
    assert "Representativeness" in format_report(report)


def test_margins_on_a_column_the_profiles_lack_is_refused():
    with pytest.raises(InputError, match="margin variable 'ward' is not a respondent profile column"):
        priority_report(synthetic_survey(50), margins={"ward": {"1": 1.0}}, n_bootstrap=0)


@pytest.mark.parametrize(("settings", "message"), [
    ({"n_bootstrap": -1}, "bootstrap"), ({"min_cell": 0}, "minimum cell"),
    ({"lambdas": (0, -1)}, "λ sweep"), ({"confidence": 1.5}, "confidence"),
])
def test_bad_settings_are_refused(settings, message):
    with pytest.raises(InputError, match=message):
        priority_report(synthetic_survey(30), **settings)


def test_report_shows_the_lens_verbatim_and_the_unanswered_policy(hand_report):
    text = format_report(hand_report)
    assert HAND_LENS.text.splitlines()[1] in text
    assert "unanswered profile item counts as not meeting" in text
    data = json.loads(report_to_json(hand_report))
    assert data["equity"]["text"] == HAND_LENS.text
    assert data["settings"]["min_cell"] == 1


def test_records_build_the_same_survey_as_arrays():
    ratings = [
        {"response_id": "r1", "need": "A", "importance": 5, "top_three": 1},
        {"response_id": "r1", "need": "B", "importance": None, "top_three": 0},
        {"response_id": "r2", "need": "A", "importance": "3", "top_three": "0"},
        {"response_id": "r2", "need": "B", "importance": "4", "top_three": "1"},
    ]
    survey = survey_from_records(ratings, [{"response_id": "r2", "place": "Eastside"}])
    assert survey.needs == ("A", "B") and survey.response_ids == ("r1", "r2")
    np.testing.assert_array_equal(survey.importance, [[5, np.nan], [3, 4]])
    assert survey.top_three.tolist() == [[True, False], [False, True]]
    assert survey.profiles == {"place": [None, "Eastside"]}


@pytest.mark.parametrize(("record", "message"), [
    ({"importance": 6, "top_three": 0}, "importance must be a whole number from 1 to 5"),
    ({"importance": 2.5, "top_three": 0}, "importance must be a whole number"),
    ({"importance": 4, "top_three": 2}, "top_three must be 0 or 1"),
    ({"importance": "", "top_three": 1}, "in the top three but has no importance rating"),
])
def test_bad_rating_records_are_refused(record, message):
    with pytest.raises(InputError, match=message):
        survey_from_records([{"response_id": "r1", "need": "A", **record}])


def test_more_than_three_top_picks_are_refused():
    ratings = [{"response_id": "r1", "need": n, "importance": 5, "top_three": 1} for n in "ABCD"]
    with pytest.raises(InputError, match="response 'r1' picks more than 3 top needs"):
        survey_from_records(ratings)


def test_duplicate_rating_is_refused():
    rating = {"response_id": "r1", "need": "A", "importance": 5, "top_three": 0}
    with pytest.raises(InputError, match="rated more than once"):
        survey_from_records([rating, rating])


def test_nobody_most_affected_leaves_the_gap_too_few_to_say_with_intervals_on():
    ratings = [{"response_id": str(i), "need": need, "importance": 3 + i % 3, "top_three": 0}
               for i in range(12) for need in ("a", "b")]
    report = priority_report(survey_from_records(ratings), n_bootstrap=5)
    assert report.most_affected_respondents == 0
    assert all(gap.gap is None and gap.gap_interval is None for gap in report.gaps)
