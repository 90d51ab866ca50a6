"""Population figures fitted to the answers one variable at a time (analysis.margin_fit)."""
from __future__ import annotations

import numpy as np
import pytest

from analysis.margin_fit import fit_margins
from analysis.priorities import priority_report
from analysis.survey_data import survey_from_records

AGES = ["18_24"] * 30 + ["25_34"] * 50 + ["65_plus"] * 20


def texts(fitted) -> list[str]:
    return [str(message) for message in fitted.left_out]


def test_each_variable_is_read_as_shares_of_its_own_total():
    fitted = fit_margins({"age_band": {"18_24": 33.3, "25_34": 33.3, "65_plus": 33.3},  # rounded: sums to 99.9
                          "income_band": {"low": 300, "high": 700}},  # counts of households, another total
                         {"age_band": AGES, "income_band": ["low"] * 40 + ["high"] * 60})
    assert fitted.left_out == ()
    assert fitted.raking["age_band"] == pytest.approx({"18_24": 1 / 3, "25_34": 1 / 3, "65_plus": 1 / 3})
    assert fitted.raking["income_band"] == pytest.approx({"low": 0.3, "high": 0.7})
    assert fitted.population == fitted.raking


def test_a_category_is_matched_whatever_its_letter_case_spaces_or_order_of_parts():
    fitted = fit_margins({"race": {" Asian ": 0.5, "WHITE;asian": 0.2, "black": 0.3}},
                         {"race": ["asian"] * 5 + [["asian", "white"]] * 2 + ["black"] * 3})
    assert fitted.left_out == ()
    assert fitted.raking["race"] == pytest.approx({"asian": 0.5, "asian;white": 0.2, "black": 0.3})


def test_a_group_nobody_answered_yet_is_left_out_of_matching_but_still_counted_as_unheard():
    fitted = fit_margins({"age_band": {"18_24": 20, "25_34": 30, "45_54": 40, "65_plus": 10}}, {"age_band": AGES})
    assert fitted.raking["age_band"] == pytest.approx({"18_24": 1 / 3, "25_34": 0.5, "65_plus": 1 / 6})
    assert fitted.population["age_band"] == pytest.approx({"18_24": 0.2, "25_34": 0.3, "45_54": 0.4, "65_plus": 0.1})
    assert texts(fitted) == ["'age_band': no response has answered '45_54' yet, so the other answers were "
                             "matched to the community without them"]


def test_a_figure_of_zero_that_nobody_answered_is_simply_dropped():
    fitted = fit_margins({"age_band": {"18_24": 0.3, "25_34": 0.5, "65_plus": 0.2, "under_18": 0}},
                         {"age_band": AGES})
    assert fitted.left_out == () and "under_18" not in fitted.population["age_band"]


@pytest.mark.parametrize("figures, answers, said", [
    ({"18_24": 0.5, "25_34": 0.5}, AGES,
     "'age_band': 20 responses answered '65_plus', which the figures do not have"),
    ({"18-24": 0.3, "25-34": 0.5, "65+": 0.2}, AGES,  # written otherwise than the answers' codes
     "'age_band': 100 responses answered '25_34', '18_24', '65_plus', which the "
     "figures do not have"),
    ({"18_24": 0.3, "25_34": 0.7}, ["18_24", None, " ", "25_34"],
     "'age_band': 2 responses left it unanswered, and the figures have no "
     "'not stated' row"),
    ({"18_24": 0.3, "25_34": 0.7}, ["18_24", None, "25_34"],
     "'age_band': 1 response left it unanswered, and the figures have no 'not stated' row"),
    ({"18_24": 0.3, "25_34": 0.7}, ["18_24", "25_34", "65_plus"],
     "'age_band': 1 response answered '65_plus', which the figures do not have"),
    ({"18_24": 0.3, "25_34": 0.7, "65_plus": 0}, AGES,
     "'age_band': 20 responses answered '65_plus', whose figure is 0"),
    ({"18_24": 0, "25_34": 0, "65_plus": 0}, AGES, "'age_band': its figures are all 0"),
])
def test_a_variable_answered_outside_its_figures_is_not_used_and_the_others_still_are(figures, answers, said):
    fitted = fit_margins({"age_band": figures, "income_band": {"low": 1, "high": 1}},
                         {"age_band": answers, "income_band": (["low", "high"] * 50)[:len(answers)]})
    assert texts(fitted) == [said]
    assert list(fitted.raking) == ["income_band"] and list(fitted.population) == ["income_band"]


def test_a_variable_the_survey_does_not_ask_is_named_and_nothing_is_left_to_match():
    fitted = fit_margins({"zip": {"98118": 1}}, {"age_band": AGES})
    assert fitted.raking is None and fitted.population == {}
    assert texts(fitted) == ["'zip': the survey does not ask it"]


def test_the_report_ranks_raked_to_the_fitted_figures_and_lists_the_unheard_group():
    ages = ["18_24"] * 10 + ["65_plus"] * 30
    ratings = [{"response_id": i, "need": "housing", "importance": 5 if age == "18_24" else 1, "top_three": False}
               for i, age in enumerate(ages)]
    survey = survey_from_records(ratings, [{"response_id": i, "age_band": a} for i, a in enumerate(ages)],
                                 needs=["housing"])
    fitted = fit_margins({"age_band": {"18_24": 40, "35_44": 20, "65_plus": 40}}, survey.profiles)
    report = priority_report(survey, margins=fitted.raking, population=fitted.population, n_bootstrap=0)
    mean = report.tables["representative"].rows[0].mean_importance
    assert mean == pytest.approx(3.0)  # the young and the old heard half and half, as the community is
    rows = {row.category: row for row in report.representativeness}
    assert rows["35_44"].respondents == 0 and rows["35_44"].population_share == pytest.approx(0.2)
    assert rows["35_44"].respondents_short == 8
    assert np.isclose(rows["18_24"].weighted_share, 0.5)


def test_a_reason_names_five_answers_and_counts_the_rest():
    places = ["98118"] * 5 + ["98108"] * 4 + ["East Side", "+1 206 555 0100", "10001", "Beacon Hill", "东区", "=1+2"]
    fitted = fit_margins({"place": {"98118": 1}}, {"place": places})
    assert texts(fitted) == ["'place': 10 responses answered '98108', 'East Side', '+1 206 555 0100', '10001', "
                             "'Beacon Hill', 2 other answers, which the figures do not have"]
