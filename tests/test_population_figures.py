"""The community's population figures as a lead pastes them: checked against the survey when saved, and
used variable by variable when the summary is computed, with what was left out said on the summary."""
from __future__ import annotations

import re

import pytest

from tests.factories import make_campaign, make_priority_response
from tests.helpers import fill_and_post
from webapp.extensions import db
from webapp.models import AnalysisSettings
from webapp.services.analysis_runs import message_from_stored, run_now
from webapp.services.summary_settings import analysis_settings

SETTINGS = "/coalition/north/summary/settings"


@pytest.fixture
def campaign(app):
    """30 residents aged 18-24 who put food first, 10 aged 65+ who put housing first."""
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    for _ in range(30):
        make_priority_response(campaign, {"housing": 2, "food": 5}, commit=False,
                               profile={"age_band": "18_24", "income_band": "under_25k", "race_ethnicity": ["asian"]})
    for _ in range(10):
        make_priority_response(campaign, {"housing": 5, "food": 2}, commit=False,
                               profile={"age_band": "65_plus", "income_band": "100k_plus",
                                        "race_ethnicity": ["black", "asian"]})
    db.session.commit()
    return campaign


def set_figures(campaign, text: str) -> None:
    analysis_settings(campaign).margins_csv = text
    db.session.commit()


def summary(client, language: str = "en") -> str:
    """The summary page, without the direction isolates around codes (one test looks at those)."""
    html = client.get(f"/coalition/north/summary?lang={language}").get_data(as_text=True)
    return html.replace("\u2068", "").replace("\u2069", "")


def test_a_category_written_otherwise_than_the_surveys_answers_is_refused_with_its_answers(client, campaign, lead):
    response = fill_and_post(client, SETTINGS + "?lang=es", {"margins_csv": "age_band,18_24,0.5\nage_band,35-44,0.5\n"},
                             form_id="analysis-settings")
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="margins_csv-error"', 1)[1].split("</p>", 1)[0]
    assert "“35-44”" in error and "35_44" in error and "(35 a 44)" in error  # the answers' codes, in Spanish
    assert analysis_settings(campaign).margins_csv == ""  # nothing saved


def test_figures_in_another_letter_case_for_answers_checked_together_or_not_stated_are_saved(client, campaign, lead):
    figures = ("variable,category,target\nrace_ethnicity,Asian,60\nrace_ethnicity,black;asian,25\n"
               "race_ethnicity,not stated,15\nage_band,18_24,0.5\nage_band,65_PLUS,0.5\n")
    response = fill_and_post(client, SETTINGS, {"margins_csv": figures}, form_id="analysis-settings")
    assert response.status_code == 302
    assert db.session.get(AnalysisSettings, campaign.id).margins_csv == figures


def test_rounded_shares_and_counts_on_other_totals_are_matched_without_a_word(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,33.3\nage_band,65_plus,66.6\n"  # percentages summing to 99.9
                          "income_band,under_25k,1200\nincome_band,100k_plus,2400\n")  # households, not people
    run = run_now(campaign, n_bootstrap=0)
    assert run.results["margins_used"] and run.results["margins_left_out"] == []
    html = summary(client)
    assert 'id="figures-left-out"' not in html and 'id="margins-problem"' not in html
    assert "after matching the community" in html


def test_a_variable_answered_outside_its_figures_is_left_out_and_the_others_are_used(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\nincome_band,under_25k,1\n")
    run = run_now(campaign, n_bootstrap=0)
    assert run.results["margins_used"]
    means = {row["need"]: row["mean_importance"] for row in
             run.results["reports"]["0.0"]["weightings"]["representative"]["needs"]}
    assert means == pytest.approx({"housing": 0.25 * 2 + 0.75 * 5, "food": 0.25 * 5 + 0.75 * 2})  # matched on age
    html = summary(client)
    left_out = html.split('id="figures-left-out"', 1)[1].split("</div>", 1)[0]
    assert "Part of the community's figures was not used" in left_out
    assert ("&#39;income_band&#39;: 10 responses answered &#39;100k_plus&#39;, which the figures do not have"
            in left_out)
    assert 'id="margins-problem"' not in html and "after matching the community" in html


def test_a_reason_counting_responses_is_worded_for_one_or_for_several_in_each_language(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\n"
                          "income_band,under_25k,1\nincome_band,100k_plus,1\n")
    make_priority_response(campaign, {"housing": 3, "food": 3}, profile={"age_band": "18_24", "income_band": "50_75k"})
    run_now(campaign, n_bootstrap=0)
    assert "&#39;income_band&#39;: 1 response answered &#39;50_75k&#39;, which the figures do not have" in summary(client)
    assert "1 respuesta dio &#39;50_75k&#39;" in summary(client, "es")
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\nincome_band,under_25k,1\n")
    run_now(campaign, n_bootstrap=0)
    assert "11 responses answered" in summary(client) and "11 respuestas dieron" in summary(client, "es")


def test_codes_in_the_reasons_keep_their_direction_on_a_right_to_left_page(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\nincome_band,under_25k,1\n")
    run_now(campaign, n_bootstrap=0)
    html = client.get("/coalition/north/summary?lang=ar").get_data(as_text=True)
    left_out = html.split('id="figures-left-out"', 1)[1].split("</div>", 1)[0]
    assert "«\u2068income_band\u2069»" in left_out and "\u2068&#39;100k_plus&#39;\u2069" in left_out


def test_several_codes_in_a_reason_are_joined_as_the_readers_language_joins_a_list(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.3\nage_band,35_44,0.2\nage_band,45_54,0.1\nage_band,65_plus,0.4\n")
    run = run_now(campaign, n_bootstrap=0)
    [stored] = run.results["margins_left_out"]
    assert str(message_from_stored(stored)).startswith("'age_band': no response has answered '35_44', '45_54' yet")
    spanish = client.get("/coalition/north/summary?lang=es").get_data(as_text=True)
    assert "\u2068&#39;35_44&#39;\u2069 y \u2068&#39;45_54&#39;\u2069" in spanish
    arabic = client.get("/coalition/north/summary?lang=ar").get_data(as_text=True)
    assert "\u2068&#39;35_44&#39;\u2069 و\u2068&#39;45_54&#39;\u2069" in arabic


def test_a_group_with_a_figure_and_no_response_yet_is_listed_as_unheard(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.4\nage_band,35_44,0.2\nage_band,65_plus,0.4\n")
    run = run_now(campaign, n_bootstrap=0)
    report = run.results["reports"]["0.0"]
    unheard = next(row for row in report["representativeness"] if row["category"] == "35_44")
    assert unheard["respondents"] == 0 and unheard["respondents_short"] == 8
    html = summary(client)
    assert "&#39;age_band&#39;: no response has answered &#39;35_44&#39; yet" in html
    under = html.split('class="under-represented"', 1)[1].split("</ul>", 1)[0]
    assert "35 to 44" in under  # the group to reach next


def test_when_no_figure_can_be_used_every_reason_is_listed_at_the_top(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,1\nincome_band,under_25k,0\nincome_band,100k_plus,0\n")
    run = run_now(campaign, n_bootstrap=0)
    assert not run.results["margins_used"]
    html = summary(client)
    top, below = html.split('id="needs-title"', 1)
    problem = top.split('id="margins-problem"', 1)[1].split("</div>", 1)[0]
    assert "The community's figures could not be used:</p>" in problem
    assert "<li>&#39;age_band&#39;: 10 responses answered &#39;65_plus&#39;" in problem
    assert "<li>&#39;income_band&#39;: its figures are all 0</li>" in problem
    assert "the reasons are at the top of this page" in below
    assert "after matching the community" not in html


def test_the_command_line_says_what_part_of_the_figures_was_not_used(runner, campaign):
    set_figures(campaign, "age_band,18_24,0.5\nage_band,65_plus,0.5\nplace,98118,1\n")
    result = runner.invoke(args=["analyze", "north", "--bootstrap", "0"])
    assert result.exit_code == 0
    assert ("warning: part of the population margins was not used: 'place': 40 responses left it unanswered, "
            "and the figures have no 'not stated' row") in result.output


def test_the_settings_page_lists_the_answers_codes_with_their_names_in_the_readers_language(client, campaign, lead):
    html = client.get(SETTINGS + "?lang=es").get_data(as_text=True)
    codes = html.split('id="answer-codes"', 1)[1].split("</details>", 1)[0]
    assert '<th scope="row"><code dir="ltr">35_44</code></th><td>35 a 44</td>' in codes
    assert '<code dir="ltr">race_ethnicity</code>' in codes and '<code dir="ltr">100k_plus</code>' in codes


def test_a_census_table_pasted_with_percent_signs_and_thousands_is_saved_and_used(client, campaign, lead):
    figures = ("Variable\tCategory\tTarget\nage_band\t18_24\t42.5%\nage_band\t65_plus\t57.5 %\n"
               "income_band\tunder_25k\t1,700\nincome_band\t100k_plus\t2,300\n")  # households: another total
    assert fill_and_post(client, SETTINGS, {"margins_csv": figures}, form_id="analysis-settings").status_code == 302
    run = run_now(campaign, n_bootstrap=0)
    assert run.results["margins_used"] and run.results["margins_left_out"] == []
    shares = {row["category"]: row["population_share"] for row in run.results["reports"]["0.0"]["representativeness"]}
    assert shares == pytest.approx({"18_24": 0.425, "65_plus": 0.575, "under_25k": 0.425, "100k_plus": 0.575})


def test_figures_that_contradict_each_other_given_who_answered_lose_one_variable_not_all(client, campaign, lead):
    # every young resident who answered is low-income, and every older one high-income: half young and
    # nine in ten low-income cannot both be met
    set_figures(campaign, "age_band,18_24,0.5\nage_band,65_plus,0.5\n"
                          "income_band,under_25k,0.9\nincome_band,100k_plus,0.1\n")
    run = run_now(campaign, n_bootstrap=0)
    assert run.results["margins_used"] and run.results["margins_problem"] is None
    [reason] = [str(message_from_stored(m)) for m in run.results["margins_left_out"]]
    assert re.fullmatch(r"'(age_band|income_band)': its figures could not be matched together with the others, "
                        r"given who answered", reason)
    kept = {row["variable"] for row in run.results["reports"]["0.0"]["representativeness"]}
    assert len(kept) == 1 and kept.pop() not in reason
    assert "Part of the community's figures was not used" in summary(client)


def test_with_a_weight_cap_contradicting_figures_are_said_as_the_raking_says_them(client, campaign, lead):
    analysis_settings(campaign).trim_ratio = 3.0
    set_figures(campaign, "age_band,18_24,0.5\nage_band,65_plus,0.5\n"
                          "income_band,under_25k,0.9\nincome_band,100k_plus,0.1\n")
    run = run_now(campaign, n_bootstrap=0)
    assert not run.results["margins_used"] and "the trim ratio 3 may be too tight" in run.results["margins_problem"]


def test_the_printable_brief_says_when_part_of_the_figures_was_not_used(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\nincome_band,under_25k,1\n")
    run_now(campaign, n_bootstrap=0)
    brief = client.get("/coalition/north/brief").get_data(as_text=True)
    assert 'id="brief-figures-left-out"' in brief and "Responses are matched to the community" in brief
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\n")
    run_now(campaign, n_bootstrap=0)
    assert 'id="brief-figures-left-out"' not in client.get("/coalition/north/brief").get_data(as_text=True)


def test_the_brief_names_four_groups_heard_less_and_counts_the_others(client, campaign, lead):
    set_figures(campaign, "age_band,18_24,0.1\nage_band,25_34,0.15\nage_band,35_44,0.15\nage_band,45_54,0.15\n"
                          "age_band,55_64,0.15\nage_band,65_plus,0.3\n")  # five groups heard less than their share
    run_now(campaign, n_bootstrap=0)
    brief = client.get("/coalition/north/brief").get_data(as_text=True)
    heard_less = brief.split("Heard less than their share of the community:", 1)[1].split("</p>", 1)[0]
    assert heard_less.count("(age)") == 4 and heard_less.endswith("and 1 other group (see the summary).")


def test_a_reason_with_many_answers_names_five_and_counts_the_others_in_the_readers_language(client, campaign, lead):
    for place in ("East Side", "10001", "Beacon Hill", "东区", "98108", "98144", "Rainier"):
        make_priority_response(campaign, {"housing": 3, "food": 3}, profile={"place": place})
    set_figures(campaign, "age_band,18_24,0.25\nage_band,65_plus,0.75\nplace,98118,1\nplace,not stated,1\n")
    run_now(campaign, n_bootstrap=0)
    english = summary(client)
    assert "&#39;place&#39;: 7 responses answered &#39;" in english
    assert english.count("&#39;", english.index("7 responses answered")) >= 10  # five named
    assert "and 2 other answers, which the figures do not have" in english
    assert "y 2 respuestas más" in summary(client, "es")
