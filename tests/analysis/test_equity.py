"""The equity lens: configuration, affectedness scores and the weight multiplier."""
from __future__ import annotations

import json

import numpy as np
import pytest

from analysis.equity import (
    UNANSWERED_POLICY,
    affectedness_scores,
    default_equity_config,
    describe_equity_config,
    equity_config_from_dict,
    equity_config_from_toml,
    equity_multiplier,
    load_equity_config,
)
from analysis.errors import InputError

LENS_TOML = """\
# our coalition's lens
emphasis = 1.0
most_affected_threshold = 0.5

[places]
values = ["Eastside", 94601]
weight = 2

[[groups]]
label = "Lowest income"
column = "income_band"
values = ["under_25k"]
weight = 1

[[groups]]
column = "race_ethnicity"
values = ["black", "native"]
weight = 1

[hardships]
uninsured = 1
"""

PROFILES = {
    "place": ["Eastside", " eastside ", "Westside", None, None, "94601"],
    "income_band": ["under_25k", "50_75k", "under_25k", None, None, None],
    "race_ethnicity": [["black", "latino"], "white", None, ["latino", "native"], None, None],
    "uninsured": [True, None, False, True, None, False],
}


@pytest.fixture
def lens_file(tmp_path):
    path = tmp_path / "equity.toml"
    path.write_text(LENS_TOML, encoding="utf-8")
    return path


def test_scores_are_the_weighted_share_of_criteria_met(lens_file):
    scores = affectedness_scores(PROFILES, load_equity_config(lens_file), n=6)
    # weights: place 2, income 1, race/ethnicity 1, uninsured 1 (total 5)
    np.testing.assert_allclose(scores, [5 / 5, 2 / 5, 1 / 5, 2 / 5, 0, 2 / 5])


def test_unanswered_items_count_as_not_met(lens_file):
    scores = affectedness_scores(PROFILES, load_equity_config(lens_file), n=6)
    assert scores[4] == 0.0  # answered nothing
    assert "not meeting" in UNANSWERED_POLICY


def test_multiplier_is_one_plus_lambda_times_score():
    np.testing.assert_allclose(equity_multiplier([0, 0.25, 1], 2.0), [1, 1.5, 3])
    np.testing.assert_allclose(equity_multiplier([0, 0.25, 1], 0.0), [1, 1, 1])


def test_negative_emphasis_is_refused():
    with pytest.raises(InputError, match="at least 0"):
        equity_multiplier([0.5], -1)


def test_dict_and_toml_give_the_same_lens(lens_file):
    from_toml = load_equity_config(lens_file)
    from_dict = equity_config_from_dict(json.loads(json.dumps(from_toml.settings)))
    assert from_dict.criteria == from_toml.criteria
    assert from_dict.emphasis == from_toml.emphasis
    assert from_dict.source == "dict"
    np.testing.assert_array_equal(
        affectedness_scores(PROFILES, from_dict, 6), affectedness_scores(PROFILES, from_toml, 6)
    )


def test_toml_text_is_kept_verbatim_for_reports(lens_file):
    config = load_equity_config(lens_file)
    assert config.text == LENS_TOML
    described = describe_equity_config(config, emphasis=2.0)
    assert LENS_TOML.rstrip() in described
    assert UNANSWERED_POLICY in described
    assert "1 + 2 x score" in described and "set for this report" in described


def test_dict_lens_is_shown_as_its_json():
    config = equity_config_from_dict({"hardships": {"uninsured": 1}})
    assert json.loads(config.text) == {"hardships": {"uninsured": 1}}


def test_default_lens_is_documented_and_valid():
    config = default_equity_config()
    assert config.source == "default"
    assert config.emphasis == 1.0
    assert config.most_affected_threshold == 0.25
    assert {c.column for c in config.criteria} == {
        "income_band", "uninsured", "food_insecurity", "housing_instability", "disability", "transportation_barrier",
    }
    assert "unanswered item counts as NOT met" in config.text


def test_default_lens_scores_low_income_alone_as_most_affected():
    config = default_equity_config()
    profiles = {c.column: [None] for c in config.criteria}
    profiles["income_band"] = ["25_50k"]
    score = affectedness_scores(profiles, config, 1)[0]
    assert score == pytest.approx(2 / 7)
    assert score >= config.most_affected_threshold


def test_empty_place_list_is_left_out():
    config = equity_config_from_dict({"places": {"values": []}, "hardships": {"uninsured": 1}})
    assert [c.kind for c in config.criteria] == ["hardship"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"colour": 1, "hardships": {"uninsured": 1}}, "unknown key 'colour'"),
        ({"hardships": {"uninsured": -1}}, "hardships.uninsured must be between 0"),
        ({"hardships": {"uninsured": "high"}}, "hardships.uninsured must be a number"),
        ({"emphasis": -0.5, "hardships": {"uninsured": 1}}, "emphasis must be between 0"),
        ({"most_affected_threshold": 1.5, "hardships": {"uninsured": 1}}, "most_affected_threshold"),
        ({"most_affected_threshold": 0, "hardships": {"uninsured": 1}}, "must be above 0"),
        ({"groups": [{"values": ["x"]}]}, "groups entry 1 has no column"),
        ({"groups": [{"column": "income_band", "values": "under_25k"}]}, "must be a list of answers"),
        ({"places": {"values": ["x"], "radius": 3}}, "unknown key 'radius' in \\[places\\]"),
        ({}, "no criterion with a positive weight"),
        ({"hardships": {"uninsured": 0}}, "no criterion with a positive weight"),
    ],
)
def test_bad_configuration_is_one_clear_line(settings, message):
    with pytest.raises(InputError, match=message) as caught:
        equity_config_from_dict(settings)
    assert "\n" not in str(caught.value)


def test_invalid_toml_is_one_clear_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("emphasis = = 1\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not valid TOML") as caught:
        load_equity_config(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text, line, column", [
    ("emphasis = 2\nemphasis = 3", 2, 13),  # tomllib says "at end of document": the place is given all the same
    ("emphasis = 2\nemphasis = 3\n", 2, 13),
    ("[[groups]]\ncolumn = 'age_band'\nvalues = ['x'", 3, 14),
])
def test_invalid_toml_names_the_place_not_the_parsers_english(text, line, column):
    with pytest.raises(InputError) as caught:
        equity_config_from_toml(text)
    assert str(caught.value) == f"equity configuration 'text' is not valid TOML: see line {line}, column {column}"


@pytest.mark.parametrize("blank", ["\u00a0", "\u3000", "\u202f"], ids=["no-break", "full-width", "narrow"])
def test_a_lens_pasted_with_other_blanks_than_spaces_is_read(blank):
    config = equity_config_from_toml(f"emphasis{blank}={blank}2\n[hardships]\n{blank}uninsured = 1\n"
                                     f"[[groups]]\ncolumn = 'age_band'\nvalues = ['65_plus']\nlabel = 'Older{blank}adults'\n")
    criteria = {c.column: c for c in config.criteria}
    assert config.emphasis == 2 and set(criteria) == {"uninsured", "age_band"}
    assert criteria["age_band"].label == "Older adults" and blank in config.text  # kept as written


def test_a_lens_with_other_blanks_and_a_real_mistake_names_the_mistake():
    with pytest.raises(InputError) as caught:
        equity_config_from_toml("emphasis\u00a0= 2\n[hardships]\nuninsured = = 1\n")
    assert str(caught.value) == "equity configuration 'text' is not valid TOML: see line 3, column 13"


@pytest.mark.parametrize("text", ["a = " + "[" * 5000, "a = " + "{b = " * 5000], ids=["arrays", "tables"])
def test_toml_nested_too_deeply_is_one_clear_line(text):
    with pytest.raises(InputError, match="is not valid TOML: nested too deeply") as caught:
        equity_config_from_toml(text)
    assert "\n" not in str(caught.value)


def test_missing_file_is_one_clear_line(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_equity_config(tmp_path / "nowhere.toml")


def test_criterion_on_an_unknown_column_is_refused():
    config = equity_config_from_dict({"groups": [{"column": "incme_band", "values": ["under_25k"]}]})
    with pytest.raises(InputError, match="'incme_band' is not in the respondent profiles"):
        affectedness_scores({"income_band": ["under_25k"]}, config, 1)


def test_a_standard_item_the_campaign_did_not_ask_counts_as_unanswered():
    config = equity_config_from_dict({"groups": [{"column": "income_band", "values": ["under_25k"]}],
                                      "hardships": {"uninsured": 1}})
    np.testing.assert_allclose(affectedness_scores({"uninsured": [True, None]}, config, 2), [0.5, 0])


def test_hardship_answers_must_be_yes_no_or_blank():
    config = equity_config_from_dict({"hardships": {"uninsured": 1}})
    np.testing.assert_allclose(affectedness_scores({"uninsured": ["1", "0", "", 1, 0]}, config, 5), [1, 0, 0, 1, 0])
    with pytest.raises(InputError, match="hardship 'uninsured' must be 1, 0 or blank"):
        affectedness_scores({"uninsured": ["maybe"]}, config, 1)
