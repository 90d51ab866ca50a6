"""The prioritized-needs summary: known data gives known ranks, counts and suppression on the page."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.factories import make_campaign, make_priority_response, make_user
from webapp.extensions import db
from webapp.models import AnalysisRun, AuditEvent
from webapp.services import analysis_runs
from webapp.services.analysis_runs import request_run, run_now, start_run
from webapp.services.dashboard import latest_run

AFFECTED = {"income_band": "under_25k"}
OTHERS = {"income_band": "100k_plus"}


def seed_known_data(campaign):
    """10 low-income residents who put food first, 20 others who put housing first; 'rare' rated by 5.

    Means: housing 4.0, food 3.67, transport 1 unweighted; with emphasis 2 the low-income
    residents weigh 1 + 2 x 2/7 each, which puts food (3.88) above housing (3.68).
    """
    for i in range(10):
        make_priority_response(campaign, {"housing": 2, "food": 5, "transport": 1}, top_three=("food",),
                               profile=AFFECTED, language="es", channel="field", commit=False)
    for i in range(20):
        ratings = {"housing": 5, "food": 3, "transport": 1, **({"rare": 4} if i < 5 else {})}
        make_priority_response(campaign, ratings, top_three=("housing",), profile=OTHERS, commit=False)
    db.session.commit()


@pytest.fixture
def campaign(app):
    campaign = make_campaign(slug="north", needs=("housing", "food", "transport", "rare"))
    seed_known_data(campaign)
    return campaign


def need_order(html: str) -> list[str]:
    """The needs in the order the prioritized-needs table lists them."""
    table = html.split('id="needs-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-need="([^"]+)"', table)


def row_of(html: str, need: str) -> str:
    return html.split(f'data-need="{need}"', 1)[1].split("</tr>", 1)[0]


def test_the_summary_ranks_known_data_as_expected(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary?emphasis=0").get_data(as_text=True)
    assert need_order(html) == ["housing", "food", "transport", "rare"]
    assert re.search(r'class="rank">1\b', row_of(html, "housing"))
    assert "4.0" in row_of(html, "housing") and "3.7" in row_of(html, "food")


def test_a_need_rated_by_too_few_is_too_few_to_say(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "too few to say" in row_of(html, "rare")
    assert "4.0" not in row_of(html, "rare")


def test_a_need_retired_after_residents_rated_it_is_marked_no_longer_asked(client, campaign, lead):
    from webapp.services.needs import retire_need

    retire_need(campaign, next(n for n in campaign.needs if n.key == "transport"), actor=None)
    retire_need(campaign, next(n for n in campaign.needs if n.key == "rare"), actor=None)
    db.session.commit()
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "no longer asked" in row_of(html, "transport") and "no longer asked" in row_of(html, "rare")
    assert "no longer asked" not in row_of(html, "housing")


def test_equity_emphasis_changes_the_order_without_recomputing(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    runs = db.session.scalar(select(func.count()).select_from(AnalysisRun))
    assert need_order(client.get("/coalition/north/summary?emphasis=0").get_data(as_text=True))[:2] == ["housing", "food"]
    html = client.get("/coalition/north/summary?emphasis=2").get_data(as_text=True)
    assert need_order(html)[:2] == ["food", "housing"]
    assert 'value="2" checked' in html
    # the representative and unweighted ranks stay beside it: housing is still first there
    assert re.search(r"<td>1</td>\s*<td>1</td>", row_of(html, "housing"))
    assert db.session.scalar(select(func.count()).select_from(AnalysisRun)) == runs


def test_an_emphasis_not_computed_falls_back_to_the_lens_default(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary?emphasis=7").get_data(as_text=True)
    assert 'value="1" checked' in html


def test_the_page_shows_as_of_and_counts_by_channel_and_language(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "As of" in html and "from 30 responses" in html
    channel = html.split('id="counts-channel"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Entered by outreach workers</th><td>10<", channel)
    assert re.search(r"Online</th><td>20<", channel)
    language = html.split('id="counts-language"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"English</th><td>20<", language) and re.search(r"Spanish</th><td>10<", language)


def test_viewing_never_runs_the_analysis(client, campaign, lead, monkeypatch):
    run_now(campaign, n_bootstrap=10)

    def refuse(*args, **kwargs):
        raise AssertionError("the page recomputed")

    monkeypatch.setattr(analysis_runs, "priority_report", refuse)
    monkeypatch.setattr(analysis_runs, "compute_results", refuse)
    assert client.get("/coalition/north/summary").status_code == 200
    assert client.get("/coalition/north/brief").status_code == 200


def test_without_a_run_the_page_says_so_and_offers_to_compute(client, campaign, lead):
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "There is no summary yet" in html and 'id="recompute"' in html


def test_charts_are_images_with_titles_and_a_table_alternative(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) >= 3
    assert all('role="img"' in svg and "aria-labelledby" in svg for svg in svgs)
    assert html.count("<title id=") == len(svgs)
    assert 'class="chart-data"' in html and "style=" not in html


def test_the_needs_chart_writes_averages_as_the_table_does_and_weeks_in_the_readers_order(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary?lang=ko").get_data(as_text=True)

    def chart(chart_id: str) -> str:
        start = html.index(f'id="{chart_id}-title"')
        return html[start:html.index("</svg>", start)]

    averages = re.findall(r"\u2069: ([^<]+)<", chart("chart-needs"))
    written = [value for value in averages if re.match(r"\d", value)]  # a need with too few answers says so
    assert written and all(re.fullmatch(r"\d\.\d", value) for value in written), averages  # 4.2, not 4.24
    assert re.search(r">\d+월 \d+일<", chart("chart-weeks"))  # "10월 19일", not "19 10월"


def test_who_counts_as_most_affected_is_listed_in_the_readers_words(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)  # with the shipped lens: low income, and five hardships
    html = client.get("/coalition/north/summary?lang=es").get_data(as_text=True)
    settings = html.split('id="settings-title"', 1)[1]
    criteria = re.findall(r"<li>(.*?)</li>", settings.split('class="lens-criteria"', 1)[1].split("</ul>", 1)[0], re.S)
    assert len(criteria) == 6  # the places criterion lists no place, so it counts for nothing and is left out
    income = re.sub(r"<[^>]+>|\s+", " ", criteria[0])
    assert "Low household income" in income  # the coalition's own name for the group, as written
    assert "Ingreso del hogar: Menos de $25,000 o $25,000 a $49,999" in income  # the survey's words
    assert "(peso 2)" in income and "under_25k" not in income
    assert "Marcó «No tengo seguro médico»" in criteria[1]
    assert re.search(r"\b25\s?%", settings.split('class="lens-criteria"', 1)[0].rsplit("<p>", 1)[1])  # the threshold
    assert 'class="equity-text"' in settings  # and the lens as written, for whoever edits it


def test_charts_of_a_right_to_left_page_are_drawn_right_to_left(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    svgs = {lang: re.findall(r'<svg [^>]*class="chart [^>]*>', client.get(f"/coalition/north/summary?lang={lang}")
                             .get_data(as_text=True)) for lang in ("ar", "en")}
    assert svgs["ar"] and all('direction="rtl"' in svg for svg in svgs["ar"])
    assert svgs["en"] and all('direction="ltr"' in svg for svg in svgs["en"])


def test_a_lens_in_the_coalitions_own_words_is_listed_inert(client, campaign, lead):
    from tests.helpers import fill_and_post

    lens_toml = ('[[groups]]\nlabel = "<script>alert(1)</script>"\ncolumn = "place"\nvalues = ["<b>98118</b>", "98122"]\n'
                 'weight = 1\n[hardships]\nuninsured = 1\n')
    response = fill_and_post(client, "/coalition/north/summary/settings", {"equity_toml": lens_toml, "trim_ratio": "5"},
                             form_id="analysis-settings")
    assert response.status_code == 302
    run_now(campaign, n_bootstrap=0)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    lens = html.split('class="lens-criteria"', 1)[1].split("</ul>", 1)[0]
    assert "<script>" not in lens and "<b>" not in lens
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in lens and "&lt;b&gt;98118&lt;/b&gt; or 98122" in lens
    assert "Checked “I do not have health insurance”" in lens


def test_a_lens_group_is_named_by_its_answers_when_the_coalition_gave_it_no_name(client, campaign, lead):
    from tests.helpers import fill_and_post

    lens_toml = '[[groups]]\ncolumn = "income_band"\nvalues = [" Under_25K ", "25_50K"]\nweight = 1\n'
    assert fill_and_post(client, "/coalition/north/summary/settings", {"equity_toml": lens_toml, "trim_ratio": "5"},
                         form_id="analysis-settings").status_code == 302
    run_now(campaign, n_bootstrap=0)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    (criterion,) = re.findall(r"<li>(.*?)</li>", html.split('class="lens-criteria"', 1)[1].split("</ul>", 1)[0], re.S)
    assert "<strong>" not in criterion and "income_band" not in criterion  # no code name standing in for a label
    assert "Household income: Less than $25,000 or $25,000 to $49,999" in criterion  # matched as the lens matches


def test_a_lens_naming_an_answer_the_survey_does_not_ask_is_refused_when_saved(client, campaign, lead):
    from tests.helpers import fill_and_post
    from webapp.models import AnalysisSettings

    response = fill_and_post(client, "/coalition/north/summary/settings?lang=es",
                             {"equity_toml": "[hardships]\nhomeless = 1\n", "trim_ratio": "5"}, form_id="analysis-settings")
    assert response.status_code == 422  # not saved, to make every computation fail afterwards
    html = response.get_data(as_text=True)
    assert "homeless" in html.split('id="equity_toml-error"', 1)[1].split("</p>", 1)[0]
    assert "[hardships]\nhomeless = 1" in html  # what was typed is kept
    assert db.session.get(AnalysisSettings, campaign.id) is None or "homeless" not in (
        db.session.get(AnalysisSettings, campaign.id).equity_toml or "")


def test_a_lens_naming_answers_by_their_words_is_refused_with_the_answers_it_can_name(client, campaign, lead):
    """Values written as the summary words them match nobody: refused when saved, not quietly used."""
    from tests.helpers import fill_and_post
    from webapp.models import AnalysisSettings

    lens_toml = '[[groups]]\ncolumn = "income_band"\nvalues = ["Less than $25,000", "under_25k"]\nweight = 2\n'
    response = fill_and_post(client, "/coalition/north/summary/settings", {"equity_toml": lens_toml, "trim_ratio": "5"},
                             form_id="analysis-settings")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = html.split('id="equity_toml-error"', 1)[1].split("</p>", 1)[0]
    error = error.replace("\u2068", "").replace("\u2069", "")  # the direction isolates around codes and typed text
    assert "No resident can answer “Less than $25,000” to income_band. Its answers are: under_25k (Less than" in error
    assert "and 100k_plus ($100,000 or more)." in error and "“under_25k”" not in error
    assert "values = [&#34;Less than $25,000&#34;, &#34;under_25k&#34;]" in html  # what was typed is kept
    stored = db.session.get(AnalysisSettings, campaign.id)
    assert stored is None or "Less than" not in (stored.equity_toml or "")


@pytest.mark.parametrize("emphasis", ["1.5", "1000000"])
def test_a_lens_emphasis_the_summary_does_not_offer_is_refused_when_saved(client, campaign, lead, emphasis):
    from tests.helpers import fill_and_post

    response = fill_and_post(client, "/coalition/north/summary/settings?lang=es",
                             {"equity_toml": f"emphasis = {emphasis}\n[hardships]\nuninsured = 1\n", "trim_ratio": "5"}, form_id="analysis-settings")
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="equity_toml-error"', 1)[1].split("</p>", 1)[0]
    assert "puede ser 0, 0.5, 1 o 2, como en el resumen" in error  # the summary's choices, in Spanish (as in the US)


def test_settings_written_as_code_read_left_to_right_on_a_right_to_left_page(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    summary = client.get("/coalition/north/summary?lang=ar").get_data(as_text=True)
    assert '<pre class="equity-text" dir="ltr">' in summary  # not "# ... ,codes)" with its punctuation flipped
    page = client.get("/coalition/north/summary/settings?lang=ar").get_data(as_text=True)
    for name in ("margins_csv", "equity_toml"):
        box = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'dir="ltr"' in box and 'spellcheck="false"' in box


def test_recompute_now_stores_a_new_run_and_audits_it(client, campaign, lead):
    from tests.helpers import form_values

    page = client.get("/coalition/north/summary").get_data(as_text=True)
    token = form_values(page, "recompute")["csrf_token"][0]
    response = client.post("/coalition/north/summary/recompute", data={"csrf_token": token})
    assert response.status_code == 302
    run = latest_run(campaign.id)
    assert run is not None and run.status == "done" and run.requested_by_id == lead.id
    assert run.settings["n_bootstrap"] == 20 and run.settings["min_cell"] == 10
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "analysis.requested")) is not None


def test_two_runs_of_one_campaign_never_overlap(app, campaign):
    first = request_run(campaign)
    assert first is not None
    assert request_run(campaign) is None
    assert run_now(campaign) is None


def test_a_failed_run_is_stored_with_its_error(app):
    campaign = make_campaign(slug="empty")
    run = run_now(campaign, n_bootstrap=5)
    assert run.status == "failed" and "no ratings" in run.error
    assert request_run(campaign) is not None  # a failed run does not block the next


def test_why_a_run_failed_is_said_in_the_readers_language(client, auth):
    campaign = make_campaign(slug="empty")
    auth.login_as(make_user("lead@example.org", "lead", campaigns=[campaign]))
    run = run_now(campaign, n_bootstrap=0)
    assert run.error == "there are no ratings to summarise"  # as the command line prints it
    spanish = client.get("/coalition/empty/summary?lang=es").get_data(as_text=True)
    assert "no hay calificaciones que resumir" in spanish
    assert "there are no ratings to summarise" in client.get("/coalition/empty/summary?lang=en").get_data(as_text=True)


def test_recompute_runs_in_a_background_thread_with_its_own_app_context(app_with):
    background = app_with(ANALYSIS_BACKGROUND=True)
    with background.app_context():
        campaign = make_campaign(slug="north", needs=("housing", "food", "transport", "rare"))
        seed_known_data(campaign)
        run = start_run(campaign)
        thread = analysis_runs.run_threads.pop()
        thread.join(timeout=60)
        db.session.expire_all()
        assert db.session.get(AnalysisRun, run.id).status == "done"


@pytest.mark.parametrize("who, status", [("other_lead", 403), ("outreach", 403), ("anonymous", 302)])
def test_only_the_campaigns_leads_and_admins_see_the_summary(client, auth, campaign, who, status):
    other = make_campaign(slug="south")
    if who == "other_lead":
        auth.login_as(make_user("south@example.org", "lead", campaigns=[other]))
    elif who == "outreach":
        auth.login_as(make_user("field@example.org", "outreach", campaigns=[campaign]))
    for url in ("/coalition/north/summary", "/coalition/north/brief", "/coalition/north/exports",
                "/coalition/north/export.csv", "/coalition/north/export.xlsx"):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert response.headers["Location"].startswith("/login?next=")


def test_the_brief_is_one_printable_page_of_the_essentials(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/brief?emphasis=2").get_data(as_text=True)
    assert 'class="brief"' in html and "Top needs" in html and "How this was weighted" in html
    top = html.split('class="brief-top"', 1)[1].split("</ol>", 1)[0]
    assert top.index("food [en]") < top.index("housing [en]")
    assert "equity emphasis 2" in html


def test_the_briefs_lists_are_joined_as_the_readers_language_joins_them(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/brief?lang=ar").get_data(as_text=True)
    heard = html.split('class="brief-heard"', 1)[1].split("</section>", 1)[0]
    assert " و" in heard and ", " not in heard and ";" not in html.split('class="brief-top"', 1)[1].split("</ol>")[0]


def test_the_brief_says_responses_are_matched_to_the_community_only_when_they_were(client, campaign, lead):
    from webapp.services.summary_settings import save_analysis_settings

    run_now(campaign, n_bootstrap=0)  # no population figures: the summary says nothing was matched
    weighted = client.get("/coalition/north/brief").get_data(as_text=True).split('class="brief-settings"', 1)[1]
    assert "not matched to the community" in weighted, weighted
    save_analysis_settings(campaign, "variable,category,target\nincome_band,under_25k,0.5\nincome_band,100k_plus,0.5\n",
                           "", None, actor=None)
    run_now(campaign, n_bootstrap=0)
    weighted = client.get("/coalition/north/brief").get_data(as_text=True).split('class="brief-settings"', 1)[1]
    assert "Responses are matched to the community" in weighted and "not matched" not in weighted


def test_the_brief_is_in_the_leads_language(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/brief?lang=es").get_data(as_text=True)
    assert "housing [es]" in html


def test_a_lead_sets_margins_and_the_next_run_uses_them(client, campaign, lead):
    from tests.helpers import fill_and_post
    from webapp.models import AnalysisSettings

    margins = "variable,category,target\nincome_band,under_25k,0.5\nincome_band,100k_plus,0.5\n"
    response = fill_and_post(client, "/coalition/north/summary/settings", {"margins_csv": margins, "trim_ratio": "5"},
                             form_id="analysis-settings")
    assert response.status_code == 302
    settings = db.session.get(AnalysisSettings, campaign.id)
    assert settings.margins_csv == margins and settings.trim_ratio == 5
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "analysis.settings_changed"))
    assert "margins" in event.detail["changed"]
    run = run_now(campaign, n_bootstrap=0)
    assert run.settings["margins_csv"] == margins
    shares = {r["category"]: r["weighted_share"] for r in run.results["reports"]["0.0"]["representativeness"]}
    assert shares == pytest.approx({"under_25k": 0.5, "100k_plus": 0.5})


def test_margins_may_be_pasted_without_their_header_line(client, campaign, lead):
    from tests.helpers import fill_and_post
    from webapp.models import AnalysisSettings

    margins = "income_band,under_25k,0.5\nincome_band,100k_plus,0.5\n"  # as the form's hint shows them
    response = fill_and_post(client, "/coalition/north/summary/settings", {"margins_csv": margins},
                             form_id="analysis-settings")
    assert response.status_code == 302
    run = run_now(campaign, n_bootstrap=0)
    assert db.session.get(AnalysisSettings, campaign.id).margins_csv == margins
    assert run.results["margins_problem"] is None
    shares = {r["category"]: r["weighted_share"] for r in run.results["reports"]["0.0"]["representativeness"]}
    assert shares == pytest.approx({"under_25k": 0.5, "100k_plus": 0.5})


def test_unreadable_settings_are_refused_with_a_clear_error(client, campaign, lead):
    from tests.helpers import fill_and_post

    response = fill_and_post(client, "/coalition/north/summary/settings",
                             {"margins_csv": "variable,category,target\nshoe_size,42,1\n", "equity_toml": "emphasis = ["},
                             form_id="analysis-settings")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "not for shoe_size" in html and "This lens cannot be read" in html


@pytest.mark.parametrize("cap", ["five", "sNaN", "NaN", "-Infinity", "0.5", "101"])
def test_a_weight_cap_that_is_not_a_number_from_1_to_100_gets_one_clear_message(client, campaign, lead, cap):
    from tests.helpers import fill_and_post

    for lang, message in (("en", "Please give a number from 1 to 100, or leave this empty."),
                          ("es", "Por favor, escriba un número del 1 al 100, o déjelo vacío.")):
        client.get(f"/staff/?lang={lang}")
        response = fill_and_post(client, "/coalition/north/summary/settings", {"trim_ratio": cap},
                                 form_id="analysis-settings")
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and html.count(message) == 2, cap  # in the summary and at the field
        assert "Not a valid" not in html and "Number must be" not in html
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_lens_nested_too_deeply_is_refused_not_a_500(client, campaign, lead):
    from tests.helpers import fill_and_post

    response = fill_and_post(client, "/coalition/north/summary/settings", {"equity_toml": "a = " + "[" * 5000},
                             form_id="analysis-settings")
    assert response.status_code == 422
    assert "This lens cannot be read" in response.get_data(as_text=True)


def test_population_figures_that_would_overflow_or_are_negative_are_refused_in_arabic(client, campaign, lead):
    from tests.helpers import fill_and_post

    for target in ("1e308", "-1"):
        response = fill_and_post(client, "/coalition/north/summary/settings?lang=ar",
                                 {"margins_csv": f"variable,category,target\nplace,98118,{target}\nplace,98108,5\n"},
                                 form_id="analysis-settings")
        assert response.status_code == 422
        assert "يجب أن تكون صفرًا أو أكثر وأقل من تريليون" in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "margins_error", "lens_error"), [
    ("en", "These figures cannot be read: &#39;population figures&#39; line 2: target &#39;lots&#39; for category "
           "&#39;42&#39; of variable &#39;place&#39; is not a number",
     "This lens cannot be read: equity configuration: groups entry 1 weight must be a number, got &#39;heavy&#39;"),
    ("es", "No se pueden leer estas cifras: &#39;cifras de población&#39; línea 2: el valor &#39;lots&#39; de la "
           "categoría &#39;42&#39; de la variable &#39;place&#39; no es un número",
     "No se puede leer este lente de equidad: lente de equidad: el peso del grupo n.º 1 debe ser un número; "
     "se recibió &#39;heavy&#39;"),
])
def test_why_settings_cannot_be_read_is_said_in_the_readers_language(client, campaign, lead, lang, margins_error,
                                                                   lens_error):
    from tests.helpers import fill_and_post

    lens = '[[groups]]\ncolumn = "income_band"\nvalues = ["under_25k"]\nweight = "heavy"\n'
    response = fill_and_post(client, f"/coalition/north/summary/settings?lang={lang}",
                             {"margins_csv": "variable,category,target\nplace,42,lots\n", "equity_toml": lens},
                             form_id="analysis-settings")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert margins_error in html and lens_error in html


def test_a_lens_that_is_not_toml_is_pointed_at_in_the_readers_language(client, campaign, lead):
    from tests.helpers import fill_and_post

    response = fill_and_post(client, "/coalition/north/summary/settings?lang=ar",
                             {"equity_toml": "[[groups]\ncolumn = 1\n"}, form_id="analysis-settings")
    assert response.status_code == 422
    error = response.get_data(as_text=True).split('id="equity_toml-error"', 1)[1].split("</p>", 1)[0]
    assert "«إعدادات الملخص» ليس بصيغة TOML صحيحة: انظر السطر 1، العمود 9" in error  # named as the page is
    assert "Expected" not in error  # the parser's English is left out


def test_why_figures_were_not_used_is_said_in_the_readers_language(client, campaign, lead):
    from webapp.models import AnalysisSettings

    db.session.add(AnalysisSettings(campaign_id=campaign.id, equity_toml="", trim_ratio=None,
                                    margins_csv="variable,category,target\nincome_band,under_25k,1\n"))
    db.session.commit()
    run = run_now(campaign, n_bootstrap=0)
    english = "'income_band': 20 responses answered '100k_plus', which the figures do not have"
    assert not run.results["margins_used"]
    assert [str(analysis_runs.message_from_stored(m)) for m in run.results["margins_left_out"]] == [english]
    html = client.get("/coalition/north/summary?lang=es").get_data(as_text=True).replace("\u2068", "")
    html = html.replace("\u2069", "")  # the codes' direction isolates
    assert ("No se pudieron usar las cifras de la comunidad: &#39;income_band&#39;: 20 respuestas dieron "
            "&#39;100k_plus&#39;, y las cifras no lo tienen") in html
    page = client.get("/coalition/north/summary?lang=en").get_data(as_text=True).replace("\u2068", "")
    assert english.replace("'", "&#39;") in page.replace("\u2069", "")
    top, _ranks = page.split('id="needs-title"', 1)  # said before the ranks, which are read differently without them
    assert 'id="margins-problem">The community\'s figures could not be used' in top
    assert "No population figures are set" not in page  # they are set; they could not be used
    assert "after matching the community" not in page  # the emphasis hint says only what was done


def test_a_run_under_way_is_shown_and_the_button_waits_for_it(client, campaign, lead):
    run_now(campaign, n_bootstrap=0)
    request_run(campaign)  # queued, not yet computed
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "A new summary is being computed" in html and "As of" in html
    assert re.search(r'<button type="submit" class="button-secondary" disabled>', html)


def test_recompute_and_the_emphasis_form_keep_the_lead_where_they_were(client, campaign, lead):
    from tests.helpers import form_values

    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary?emphasis=2").get_data(as_text=True)
    recompute = form_values(html, "recompute")
    assert recompute["emphasis"] == ["2"]
    response = client.post("/coalition/north/summary/recompute", data={k: v[0] for k, v in recompute.items()})
    assert response.headers["Location"].endswith("/coalition/north/summary?emphasis=2")
    assert 'action="/coalition/north/summary#needs-title" id="emphasis-form"' in html  # "Show": the ranking in view
    gap = re.search(r"<bdi>([+−]?\d\.\d)</bdi>", html)
    assert gap, "the gap's sign and number are one unit, so Arabic keeps the sign before the number"


def test_heatmap_values_are_written_as_the_readers_language_writes_numbers(client, campaign, lead):
    run_now(campaign, n_bootstrap=10)
    html = client.get("/coalition/north/summary?lang=vi").get_data(as_text=True)
    heat = html[html.index('id="chart-heat-most_affected-title"'):]
    heat = heat[:heat.index("</svg>")]
    cells = re.findall(r'text-anchor="middle" font-weight="\w+">([^<]+)</text>', heat)
    assert cells and all(re.fullmatch(r"\d,\d", cell) for cell in cells), cells  # 4,2 as the table beside it


# --- read on a phone: weeks, the brief's sentences, the downloads ----------------------------------------------


def week_rows(html: str) -> list[tuple[str, str]]:
    table = html.split('id="counts-week"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row" class="date">([^<]+)</th><td>([^<]+)</td>', table)


def test_weeks_are_dated_as_the_reader_writes_dates_and_a_week_nobody_answered_counts_zero(client, campaign, lead):
    import datetime as dt

    from babel.dates import format_date

    now = dt.datetime.now(dt.timezone.utc)
    for _ in range(2):  # two weeks before the thirty of this week, and none in the week between
        make_priority_response(campaign, {"housing": 3}, created_at=now - dt.timedelta(days=14))
    run_now(campaign, n_bootstrap=0)
    html = client.get("/coalition/north/summary?lang=es").get_data(as_text=True)
    monday = now.date() - dt.timedelta(days=now.weekday())
    mondays = [monday - dt.timedelta(weeks=n) for n in (2, 1, 0)]
    assert week_rows(html) == [(format_date(day, "medium", locale="es_US"), n)
                               for day, n in zip(mondays, ("2", "0", "30"))]  # "16 nov 2026", not "2026-11-16"


def test_a_week_not_over_when_the_summary_was_computed_is_said_to_be_so(client, campaign, lead):
    import datetime as dt

    from babel.dates import format_date

    run_now(campaign, n_bootstrap=0)  # every response is from this week, which is not over
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    today = dt.datetime.now(dt.timezone.utc).date()
    monday = format_date(today - dt.timedelta(days=today.weekday()), "medium", locale="en")
    assert f"The week of {monday} was not over when the summary was computed" in html


def test_a_finished_week_is_not_said_to_be_unfinished():
    import datetime as dt
    from types import SimpleNamespace

    from webapp.coalition.summary_charts import unfinished_week

    counts = {"week": {"2026-11-23": 5, "2026-11-30": 3}}
    sunday_night = dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.timezone.utc)
    monday_after = dt.datetime(2026, 12, 7, 0, 30, tzinfo=dt.timezone.utc)
    assert unfinished_week(SimpleNamespace(counts=counts, as_of=sunday_night)) == dt.date(2026, 11, 30)
    assert unfinished_week(SimpleNamespace(counts=counts, as_of=monday_after)) is None
    assert unfinished_week(SimpleNamespace(counts={"week": {}}, as_of=monday_after)) is None


def test_the_briefs_way_back_to_the_summary_stands_on_its_own_line(client, campaign, lead):
    run_now(campaign, n_bootstrap=0)
    header = client.get("/coalition/north/brief").get_data(as_text=True).split('class="brief-header"', 1)[1]
    back = re.search(r'<p class="no-print brief-back"><a class="button-link" href="[^"]+">Back to the summary</a></p>',
                     header)
    assert back, "a link on its own line, 44 px high, not a word in the sentence about printing"


def test_a_quote_in_the_brief_is_in_its_language_and_the_name_of_that_language_in_the_readers(client, campaign, lead):
    for n in range(40):  # enough written answers for themes
        make_priority_response(campaign, {"housing": 4}, answers={"barrier": (f"El alquiler sube {n} veces", "es")},
                               language="es", commit=False)
    db.session.commit()
    run_now(campaign, n_bootstrap=0)
    themes = client.get("/coalition/north/brief").get_data(as_text=True).split('class="brief-themes"', 1)[1]
    quote = re.search(r'<blockquote><bdi lang="es">“El alquiler sube \d+ veces”</bdi> '
                      r'<span class="hint">— Spanish</span></blockquote>', themes)
    assert quote, themes[:2000]


@pytest.fixture
def chinese(tmp_path, app_with, campaign):
    """An app reading a Chinese catalog that has the brief's and the downloads' sentences, and a lead signed in."""
    from tests.catalog_helpers import made_catalog
    from tests.conftest import AuthActions

    messages = {
        ("%(num)s response: %(languages)s. %(channels)s.", "%(num)s responses: %(languages)s. %(channels)s."):
            ("%(num)s 份回答：%(languages)s。%(channels)s。",),
        "Heard less than their share of the community: %(groups)s.": "声音少于其在社区中所占比例的群体：%(groups)s。",
        "%(answer)s (%(question)s)": "%(answer)s（%(question)s）",
        "%(table)s (CSV)": "%(table)s（CSV）",
        "%(question)s: %(answer)s — %(short)s (%(shares)s)": "%(question)s：%(answer)s——%(short)s（%(shares)s）",
        "(%(note)s)": "（%(note)s）",
        "no longer asked": "不再询问",
        "%(need)s — importance %(mean)s of 5": "%(need)s——重要程度 %(mean)s（满分 5）",
    }
    with made_catalog(tmp_path, "zh_Hans", messages) as folder:
        client = app_with(BABEL_TRANSLATION_DIRECTORIES=str(folder)).test_client()
        AuthActions(client).login_as(make_user("lead@example.org", "lead", campaigns=[campaign]))
        yield client


def test_the_brief_says_who_was_heard_in_sentences_the_readers_language_punctuates(chinese, campaign):
    from webapp.services.summary_settings import save_analysis_settings

    save_analysis_settings(campaign, "variable,category,target\nincome_band,under_25k,0.5\nincome_band,100k_plus,0.5\n",
                           "", None, actor=None)  # low-income residents are heard less than their share
    run_now(campaign, n_bootstrap=0)
    heard = chinese.get("/coalition/north/brief?lang=zh").get_data(as_text=True).split('class="brief-heard"', 1)[1]
    assert re.search(r"<p>30 份回答：[^<.]+。[^<.]+。</p>", heard), heard  # not "30 responses: …. …."
    assert re.search(r"<p>声音少于其在社区中所占比例的群体：[^<]+（[^<]+）。</p>", heard), heard


def test_the_download_links_are_punctuated_as_the_readers_language_does(chinese):
    html = chinese.get("/coalition/north/exports?lang=zh").get_data(as_text=True)
    assert re.search(r"download>[^<]+（CSV）</a>", html) and " (CSV)</a>" not in html


def test_who_to_reach_and_the_briefs_notes_are_punctuated_as_the_readers_language_does(chinese, campaign):
    from webapp.services.summary_settings import save_analysis_settings
    from webapp.services.needs import retire_need

    save_analysis_settings(campaign, "variable,category,target\nincome_band,under_25k,0.5\nincome_band,100k_plus,0.5\n",
                           "", None, actor=None)  # low-income residents are heard less than their share
    retire_need(campaign, next(need for need in campaign.needs if need.key == "housing"), actor=None)
    run_now(campaign, n_bootstrap=0)
    reach = chinese.get("/coalition/north/summary?lang=zh").get_data(as_text=True).split('class="under-represented"', 1)[1]
    assert re.search(r"<li>[^<：]+：<strong>[^<]+</strong>——[^<]+（[^<]+）</li>", reach), reach[:1500]
    top = chinese.get("/coalition/north/brief?lang=zh").get_data(as_text=True).split('class="brief-top"', 1)[1]
    assert "<strong>" in top and "（不再询问）" in top and "(不再询问)" not in top, top[:1500]
    assert re.search(r"</strong>(（[^<]+）)*——重要程度 [0-9.]+（满分 5）</li>", top) and " — " not in top, top[:1500]


@pytest.mark.parametrize(("typed", "saved"), [("5,0", 5.0), ("2,5", 2.5), (" 7 ", 7.0)])
def test_a_weight_cap_written_with_a_decimal_comma_is_read_as_written(client, campaign, lead, typed, saved):
    from tests.helpers import fill_and_post
    from webapp.models import AnalysisSettings

    page = client.get("/coalition/north/summary/settings").get_data(as_text=True)
    assert 'inputmode="decimal"' in page and 'type="number"' not in page  # a number box would drop the comma
    response = fill_and_post(client, "/coalition/north/summary/settings", {"trim_ratio": typed},
                             form_id="analysis-settings")
    assert response.status_code == 302
    assert db.session.get(AnalysisSettings, campaign.id).trim_ratio == saved


def test_a_weight_cap_that_is_a_word_is_refused(client, campaign, lead):
    from tests.helpers import fill_and_post

    response = fill_and_post(client, "/coalition/north/summary/settings", {"trim_ratio": "abc"},
                             form_id="analysis-settings")
    assert response.status_code == 422
    assert "Please give a number from 1 to 100, or leave this empty." in response.get_data(as_text=True)
