"""Setting up a campaign without touching code: needs, wording per language, settings."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from tests.factories import make_campaign, make_user, ratings_for
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import Campaign, Need, Rating
from webapp.services.campaign_edits import content_completeness
from webapp.services.campaigns import survey_content
from webapp.services.submissions import PrioritySubmission, store_priority_response


@pytest.fixture
def admin(client, auth):
    user = make_user(email="admin@example.org", role="admin")
    auth.login_as(user)
    return user


def post_button(client, page_url: str, action: str, data: dict | None = None):
    """Press a button of a small POST form on ``page_url`` (the form token comes from the page)."""
    token = form_values(client.get(page_url).get_data(as_text=True), None)["csrf_token"][0]
    return client.post(action, data={"csrf_token": token, **(data or {})})


def survey_html(client, slug: str, lang: str = "en") -> str:
    response = client.get(f"/s/{slug}?lang={lang}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_admin_sets_up_a_campaign_with_needs_in_two_languages(client, admin):
    response = fill_and_post(client, "/admin/campaigns/new", {
        "slug": "eastside-2027", "default_language": "en", "languages": ["en", "es"],
        "title": "Eastside health priorities", "intro": "Tell us what matters.",
    }, form_id="campaign")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/campaigns/eastside-2027/needs"
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "eastside-2027"))
    assert campaign.is_open is False and campaign.languages == ["en", "es"]

    for english, spanish in (("Affordable housing", "Vivienda asequible"), ("Healthy food", "Comida saludable")):
        added = fill_and_post(client, "/admin/campaigns/eastside-2027/needs",
                              {"name_en": english, "name_es": spanish}, form_id="need")
        assert added.status_code == 302
    fill_and_post(client, "/admin/campaigns/eastside-2027/content/es",
                  {"title": "Prioridades de salud del Eastside"}, form_id="content")
    post_button(client, "/admin/campaigns/eastside-2027/", "/admin/campaigns/eastside-2027/status", {"open": "1"})

    english = survey_html(client, "eastside-2027", "en")
    assert "Eastside health priorities" in english and "Affordable housing" in english
    spanish = survey_html(client, "eastside-2027", "es")
    assert "Prioridades de salud del Eastside" in spanish and "Vivienda asequible" in spanish
    assert 'id="need_affordable_housing"' in spanish and 'id="need_healthy_food"' in spanish


def test_new_campaign_slug_must_be_free_and_well_formed(client, admin):
    make_campaign(slug="taken")
    for slug, message in (("taken", "Another campaign already uses this web address."),
                          ("Not OK!", "Use 2 to 64 lowercase letters"), ("taken\n", "Use 2 to 64 lowercase letters")):
        response = fill_and_post(client, "/admin/campaigns/new", {"slug": slug, "title": "T"}, form_id="campaign")
        assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_new_campaigns_title_cannot_be_only_spaces(client, admin):
    response = fill_and_post(client, "/admin/campaigns/new", {"slug": "blank", "title": "  \t "}, form_id="campaign")
    assert response.status_code == 422 and "Please write a title." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_campaign_without_needs_cannot_be_opened(client, admin):
    fill_and_post(client, "/admin/campaigns/new", {"slug": "empty", "title": "Empty"}, form_id="campaign")
    response = post_button(client, "/admin/campaigns/empty/", "/admin/campaigns/empty/status", {"open": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(Campaign.is_open).where(Campaign.slug == "empty")) is False
    assert "Add at least one need" in client.get("/admin/campaigns/empty/").get_data(as_text=True)


def test_closing_says_that_residents_already_answering_can_still_send(client, admin, app):
    make_campaign(slug="north")
    app.config["CLOSING_GRACE_MINUTES"] = 45
    html = client.get("/admin/campaigns/north/").get_data(as_text=True)
    assert "Residents already answering can still send their answers for 45 minutes." in html


def test_need_key_comes_from_the_english_name_and_stays_unique(client, admin):
    campaign = make_campaign(slug="north", needs=("housing",), languages=("es", "en"))
    fill_and_post(client, "/admin/campaigns/north/needs", {"name_es": "Vivienda", "name_en": "Housing"}, form_id="need")
    fill_and_post(client, "/admin/campaigns/north/needs", {"name_es": "Transporte público"}, form_id="need")
    keys = [need.key for need in db.session.scalar(select(Campaign).where(Campaign.id == campaign.id)).needs]
    assert keys == ["housing", "housing_2", "transporte_publico"]


def test_renaming_a_need_keeps_its_key_and_shows_on_the_survey(client, admin):
    campaign = make_campaign(slug="north")
    need = campaign.needs[0]
    before = campaign.content_version
    response = fill_and_post(client, "/admin/campaigns/north/content/es",
                             {f"need_{need.id}_name": "Casas que podamos pagar"}, form_id="content")
    assert response.status_code == 302
    db.session.refresh(need)
    assert need.key == "housing" and need.texts["es"].name == "Casas que podamos pagar"
    assert "Casas que podamos pagar" in survey_html(client, "north", "es")
    db.session.refresh(campaign)
    assert campaign.content_version == before + 1


def test_content_editor_shows_the_default_language_beside_the_translation(client, admin):
    make_campaign(slug="north")
    html = client.get("/admin/campaigns/north/content/es").get_data(as_text=True)
    assert "In English (default)" in html
    assert 'class="reference" lang="en"' in html
    assert re.search(r'<input[^>]+id="title"[^>]+lang="es"', html) or re.search(r'<input[^>]+lang="es"[^>]+id="title"', html)


def test_arabic_is_edited_right_to_left(client, admin):
    make_campaign(slug="north", languages=("en", "ar"))
    html = client.get("/admin/campaigns/north/content/ar").get_data(as_text=True)
    assert re.search(r'<input[^>]*dir="rtl"[^>]*id="title"|<input[^>]*id="title"[^>]*dir="rtl"', html)


def test_clearing_a_translation_falls_back_to_the_default_language(client, admin):
    campaign = make_campaign(slug="north")
    need = campaign.needs[0]
    fill_and_post(client, "/admin/campaigns/north/content/es", {f"need_{need.id}_name": ""}, form_id="content")
    db.session.refresh(need)
    assert "es" not in need.texts
    assert "housing [en]" in survey_html(client, "north", "es")


def test_the_default_language_cannot_be_left_without_a_title(client, admin):
    make_campaign(slug="north")
    response = fill_and_post(client, "/admin/campaigns/north/content/en", {"title": "  "}, form_id="content")
    assert response.status_code == 422 and "Please write a title." in response.get_data(as_text=True)


def respond(campaign, importance=4):
    submission = PrioritySubmission(client_uuid=uuid.uuid4(), language="en",
                                    ratings={need.key: importance for need in campaign.active_needs()})
    store_priority_response(campaign, survey_content(campaign, "en"), submission)


def test_retiring_a_need_keeps_its_ratings_and_hides_the_question(client, admin):
    campaign = make_campaign(slug="north")
    respond(campaign)
    housing = campaign.needs[0]
    ratings_before = db.session.scalar(select(func.count()).select_from(Rating).where(Rating.need_id == housing.id))
    assert ratings_before == 1
    response = post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{housing.id}/retire")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Rating).where(Rating.need_id == housing.id)) == 1
    assert db.session.get(Need, housing.id).retired_at is not None
    html = survey_html(client, "north")
    assert 'id="need_housing"' not in html and 'id="need_food"' in html
    # a new response no longer needs a rating for it
    assert fill_and_post(client, "/s/north", ratings_for(db.session.get(Campaign, campaign.id))).status_code == 302

    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{housing.id}/restore")
    assert 'id="need_housing"' in survey_html(client, "north")


def test_the_last_active_need_cannot_be_retired(client, admin):
    campaign = make_campaign(slug="north", needs=("housing",))
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{campaign.needs[0].id}/retire")
    assert db.session.get(Need, campaign.needs[0].id).retired_at is None


def test_reordering_with_up_and_down_buttons(client, admin):
    campaign = make_campaign(slug="north", needs=("housing", "food", "transport"))
    food = campaign.needs[1]
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{food.id}/move", {"direction": "up"})
    html = survey_html(client, "north")
    assert html.index('id="need_food"') < html.index('id="need_housing"') < html.index('id="need_transport"')
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{food.id}/move", {"direction": "down"})
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{food.id}/move", {"direction": "down"})
    html = survey_html(client, "north")
    assert html.index('id="need_housing"') < html.index('id="need_transport"') < html.index('id="need_food"')


def test_move_buttons_are_plain_form_buttons(client, admin):
    make_campaign(slug="north")
    html = client.get("/admin/campaigns/north/needs").get_data(as_text=True)
    assert html.count('name="direction" value="up"') == 3 and "<script" not in html


def test_profile_questions_chosen_appear_on_the_survey(client, admin):
    make_campaign(slug="north")
    assert 'id="income_band"' in survey_html(client, "north")
    response = fill_and_post(client, "/admin/campaigns/north/",
                             {"profile_questions": ["place", "age_band"]}, form_id="settings")
    assert response.status_code == 302
    html = survey_html(client, "north")
    assert 'id="place"' in html and 'id="age_band"' in html
    assert 'id="income_band"' not in html and 'id="hardships"' not in html


def test_settings_choose_default_and_offered_languages(client, admin):
    campaign = make_campaign(slug="north")
    fill_and_post(client, "/admin/campaigns/north/", {"default_language": "es", "languages": ["es", "en", "vi"]},
                  form_id="settings")
    db.session.refresh(campaign)
    assert campaign.default_language == "es" and campaign.languages == ["es", "en", "vi"]
    assert "Tiếng Việt" in survey_html(client, "north")


def test_unticking_the_default_language_keeps_it_offered_and_says_so(client, admin):
    campaign = make_campaign(slug="north", languages=("ar", "en"))  # Arabic by default
    response = fill_and_post(client, "/admin/campaigns/north/", {"languages": ["en"]}, form_id="settings")
    db.session.refresh(campaign)
    assert campaign.languages == ["ar", "en"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved. \u2068العربية\u2069 is the default language, so it is still offered." in html
    assert "The default language is always offered." in html  # said beside the boxes too


def test_how_residents_reach_the_coalition_is_set_with_the_settings_and_given_on_the_thank_you_page(client, admin):
    from webapp.models import AuditEvent

    campaign = make_campaign(slug="north")
    response = fill_and_post(client, "/admin/campaigns/north/", {"contact": "  privacy@north.example   555-0100 "},
                             form_id="settings")
    assert response.status_code == 302
    db.session.refresh(campaign)
    assert campaign.contact == "privacy@north.example 555-0100"
    changed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.settings_changed")).one()
    assert changed.detail["contact"] == {"from": "", "to": "privacy@north.example 555-0100"}
    thanks = client.get("/s/north/thanks?ref=ABCD-1234-EF00&lang=en").get_data(as_text=True)
    assert ('give this code to the coalition: <bdi dir="ltr">privacy@north.example 555-0100</bdi>.' in thanks)


def test_a_contact_longer_than_the_column_is_refused_with_what_was_typed_kept(client, admin):
    campaign = make_campaign(slug="north")
    response = fill_and_post(client, "/admin/campaigns/north/", {"contact": "x" * 201}, form_id="settings")
    assert response.status_code == 422 and "x" * 201 in response.get_data(as_text=True)
    db.session.refresh(campaign)
    assert campaign.contact == ""


@pytest.mark.parametrize(("lang", "message"), [("en", "Please choose one of the options."),
                                              ("es", "Por favor, elija una de las opciones.")])
def test_a_default_language_not_offered_is_refused_in_the_readers_words(client, admin, lang, message):
    campaign = make_campaign(slug="north")
    client.get(f"/staff/?lang={lang}")
    for url, form_id in (("/admin/campaigns/new", "campaign"), ("/admin/campaigns/north/", "settings")):
        response = fill_and_post(client, url, {"slug": "south", "title": "T", "default_language": "xx"},
                                 form_id=form_id)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and html.count(message) == 2, url  # in the summary and at the field
        assert "Not a valid choice" not in html
    db.session.refresh(campaign)
    assert campaign.default_language == "en" and db.session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_the_default_language_must_be_complete(client, admin):
    campaign = make_campaign(slug="north")
    response = fill_and_post(client, "/admin/campaigns/north/",
                             {"default_language": "vi", "languages": ["en", "es", "vi"]}, form_id="settings")
    assert response.status_code == 422 and "before making it the default language" in response.get_data(as_text=True)
    db.session.refresh(campaign)
    assert campaign.default_language == "en"


def test_completeness_meter_counts_the_pieces_written_in_each_language(client, admin):
    campaign = make_campaign(slug="north", needs=("housing", "food"), languages=("en", "es", "vi"))
    campaign.texts["en"].intro = "Welcome"
    del campaign.needs[1].texts["es"]
    del campaign.texts["vi"]
    db.session.commit()
    # title + intro + two need names in the default language
    numbers = {item.language: (item.done, item.total) for item in content_completeness(campaign)}
    assert numbers == {"en": (4, 4), "es": (2, 4), "vi": (2, 4)}
    html = client.get("/admin/campaigns/north/content").get_data(as_text=True)
    assert '<meter min="0" max="4" value="2"' in html
    assert "2 of 4 pieces written (50%)" in html and "4 of 4 pieces written (100%)" in html


def test_lead_edits_their_own_campaign_but_not_another(client, auth):
    north = make_campaign(slug="north")
    make_campaign(slug="south")
    lead = make_user(email="lead@example.org", role="lead", campaigns=[north])
    auth.login_as(lead)
    assert fill_and_post(client, "/admin/campaigns/north/content/es", {"title": "Norte"}, form_id="content").status_code == 302
    assert client.get("/admin/campaigns/south/content/es").status_code == 403
    token = form_values(client.get("/admin/campaigns/north/content/es").get_data(as_text=True), "content")["csrf_token"]
    response = client.post("/admin/campaigns/south/content/es", data={"csrf_token": token, "title": "Hacked"})
    assert response.status_code == 403
    south = db.session.scalar(select(Campaign).where(Campaign.slug == "south"))
    assert south.texts["es"].title == "Survey south [es]"
    assert client.get("/admin/campaigns/new").status_code == 403


@pytest.mark.parametrize("url", ["/admin/campaigns/new", "/admin/campaigns/north/needs",
                                 "/admin/campaigns/north/content/es", "/admin/users/new"])
def test_admin_text_boxes_do_not_silently_cut_pasted_text(client, admin, url):
    make_campaign(slug="north")
    html = client.get(url).get_data(as_text=True)
    assert "maxlength" not in html  # the server says what is too long and keeps it for the writer to shorten


def test_a_too_long_title_is_refused_and_kept_for_shortening(client, admin):
    title = "Health priorities " * 20
    response = fill_and_post(client, "/admin/campaigns/new", {"slug": "long", "title": title}, form_id="campaign")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Please shorten this to 200 characters or fewer." in html
    assert form_values(html, "campaign")["title"] == [title]


def test_the_web_address_example_reads_left_to_right_in_arabic(client, admin):
    html = client.get("/admin/campaigns/new?lang=ar").get_data(as_text=True)
    assert '<bdi dir="ltr">/s/county-2027</bdi>' in html
    slug = re.search(r'<input[^>]*id="slug"[^>]*>', html).group(0)
    assert 'dir="ltr"' in slug and 'autocapitalize="none"' in slug  # a phone would capitalize the first letter


def test_the_new_account_email_box_brings_up_the_email_keyboard(client, admin):
    html = client.get("/admin/users/new?lang=ar").get_data(as_text=True)
    email = re.search(r'<input[^>]*id="email"[^>]*>', html).group(0)
    assert 'inputmode="email"' in email and 'autocapitalize="none"' in email and 'dir="ltr"' in email


def test_the_need_error_summary_says_which_language_each_name_is_in(client, admin):
    make_campaign(slug="north")
    response = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "x" * 201, "name_es": "y" * 201},
                             form_id="need")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#name_en">English<br>' in html and '<a href="#name_es">Español<br>' in html
    described = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Clean air",
                                                                       "description_en": "z" * 2001}, form_id="need")
    assert '<a href="#description_en">English — Description (optional)<br>' in described.get_data(as_text=True)


def test_the_wording_error_summary_names_each_need(client, admin):
    campaign = make_campaign(slug="north")
    cleared = {f"need_{need.id}_name": "" for need in campaign.needs}
    response = fill_and_post(client, "/admin/campaigns/north/content/en", cleared, form_id="content")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Name · Name" not in html
    assert f'<a href="#need_{campaign.needs[0].id}_name">housing [en] · food [en] · transport [en]<br>' in html


def test_adding_a_need_shows_the_new_need(client, admin):
    make_campaign(slug="north")
    response = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Parks"}, form_id="need")
    need = db.session.scalar(select(Need).where(Need.key == "parks"))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/needs#need-{need.id}")


def test_the_one_time_link_page_keeps_the_email_address_whole_in_arabic(client, admin):
    response = fill_and_post(client, "/admin/users/new?lang=ar",
                             {"email": "1234.worker@example.org", "role": "outreach"}, form_id="user")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<bdi dir="ltr">1234.worker@example.org</bdi>' in html


@pytest.fixture
def spanish_first(app):
    """A campaign written in Spanish first: English has titles and names but left the intro and descriptions
    empty; Vietnamese and Arabic have no text at all."""
    campaign = make_campaign(slug="north", needs=("housing", "food"), languages=("es", "en", "vi", "ar"))
    campaign.texts["es"].intro = "Cuéntenos qué importa."
    campaign.needs[0].texts["es"].description = "Alquiler que se pueda pagar."
    for language in ("vi", "ar"):
        del campaign.texts[language]
        for need in campaign.needs:
            del need.texts[language]
    db.session.commit()
    return campaign


@pytest.mark.parametrize("lang", ["en", "vi", "ar"])
def test_an_empty_intro_shows_the_default_languages_intro_like_a_missing_translation(client, spanish_first, lang):
    html = survey_html(client, "north", lang)
    direction = ' dir="ltr"' if lang == "ar" else ""  # Spanish in an Arabic page reads left to right
    assert f'<p class="intro" lang="es"{direction}>Cuéntenos qué importa.</p>' in html  # marked as Spanish
    assert f'lang="es"{direction}>Alquiler que se pueda pagar.</p>' in html  # the need's description the same way
    if lang == "en":
        assert "Survey north [en]" in html and "housing [en]" in html  # what English has stays English


def test_a_pieces_fallback_is_reported_as_a_gap_of_that_piece(spanish_first):
    content = survey_content(spanish_first, "en")
    assert (content.title, content.title_language) == ("Survey north [en]", "en")
    assert (content.intro, content.intro_language) == ("Cuéntenos qué importa.", "es")
    housing = content.needs[0]
    assert (housing.language, housing.description_language) == ("en", "es")
    assert content.missing == ["intro", "need:housing:description"]


def test_the_survey_shows_a_new_default_intro_in_the_languages_that_fall_back_to_it(client, admin, spanish_first):
    assert "Cuéntenos qué importa." in survey_html(client, "north", "en")  # the blank page is now cached
    fill_and_post(client, "/admin/campaigns/north/content/es", {"intro": "Díganos qué necesita."}, form_id="content")
    english = survey_html(client, "north", "en")
    assert "Díganos qué necesita." in english and "Cuéntenos" not in english


@pytest.mark.parametrize("typed", [{"name_en": "Affordable housing"}, {"name_en": "  AFFORDABLE   housing "},
                                   {"name_en": "Brand new", "name_es": "vivienda ASEQUIBLE"},
                                   {"name_en": "Brand new", "name_es": "Vivienda asequíble"}])
def test_a_need_already_on_the_list_is_not_added_again(client, admin, typed):
    campaign = make_campaign(slug="north", needs=())
    fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Affordable housing",
                                                           "name_es": "Vivienda asequible"}, form_id="need")
    response = fill_and_post(client, "/admin/campaigns/north/needs", typed, form_id="need")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    language = "es" if "name_es" in typed else "en"
    existing = {"en": "Affordable housing", "es": "Vivienda asequible"}[language]
    assert html.count(f"This need is already on the list, as “{isolated(existing)}”.") == 2  # in the summary and at the box
    assert f'<a href="#name_{language}">' in html
    assert {name: values[0] for name, values in form_values(html, "need").items() if name in typed} == typed
    assert [need.key for need in db.session.get(Campaign, campaign.id).needs] == ["affordable_housing"]


def test_a_need_named_like_a_retired_one_points_to_restoring_it(client, admin):
    campaign = make_campaign(slug="north")
    housing = campaign.needs[0]
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{housing.id}/retire")
    response = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Housing [EN]"}, form_id="need")
    assert response.status_code == 422
    assert (f"“{isolated('housing [en]')}” is already on the list, retired. Press Restore beside it instead of adding it again."
            in response.get_data(as_text=True))
    assert len(db.session.get(Campaign, campaign.id).needs) == 3


def isolated(name: str) -> str:
    """``name`` as error messages quote it: in a direction isolate (FSI…PDI)."""
    return f"\u2068{name}\u2069"


def test_a_name_in_an_arabic_error_is_isolated_so_its_quotes_and_full_stop_stay_in_place(client, admin):
    make_campaign(slug="north", needs=(), languages=("en", "ar"))
    client.get("/staff/?lang=ar")
    added = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Affordable housing"}, form_id="need",
                          follow_redirects=True)
    assert "تمت إضافة «\u2068Affordable housing\u2069»." in added.get_data(as_text=True)
    response = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "affordable HOUSING"},
                             form_id="need")
    assert response.status_code == 422
    assert "هذا الاحتياج موجود في القائمة بالفعل، باسم «\u2068Affordable housing\u2069»." in response.get_data(as_text=True)


def need_names(campaign_id: int, language: str) -> list[str]:
    db.session.rollback()
    return [need.texts[language].name for need in db.session.get(Campaign, campaign_id).needs]


@pytest.mark.parametrize("typed", ["food [en]", "  FOOD   [EN] "])
def test_a_need_renamed_to_another_needs_name_is_refused_at_its_box(client, admin, typed):
    campaign = make_campaign(slug="north")
    transport = campaign.needs[2]
    response = fill_and_post(client, "/admin/campaigns/north/content/en",
                             {"title": "A new title", f"need_{transport.id}_name": typed}, form_id="content")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count(f"Another need is already called “{isolated('food [en]')}”. Give each need a name of its own.") == 2
    assert f'<a href="#need_{transport.id}_name">' in html  # the summary links to the renamed need's box
    assert form_values(html, "content")[f"need_{transport.id}_name"] == [typed]
    assert form_values(html, "content")["title"] == ["A new title"]  # kept for sending again, not saved
    assert need_names(campaign.id, "en") == ["housing [en]", "food [en]", "transport [en]"]
    assert db.session.get(Campaign, campaign.id).texts["en"].title == "Survey north [en]"


def test_two_needs_may_swap_names_and_an_old_pair_of_alike_names_still_saves(client, admin):
    campaign = make_campaign(slug="north", needs=("housing", "food", "rent"))
    housing, food, rent = campaign.needs
    rent.texts["es"].name = "housing [es]"  # two alike, from before names were compared
    db.session.commit()
    swapped = {f"need_{housing.id}_name": "food [es]", f"need_{food.id}_name": "housing [es]"}
    response = fill_and_post(client, "/admin/campaigns/north/content/es", swapped, form_id="content")
    assert response.status_code == 422  # food would be called what rent already is
    assert f"Another need is already called “{isolated('housing [es]')}”." in response.get_data(as_text=True)
    response = fill_and_post(client, "/admin/campaigns/north/content/es", {"intro": "Díganos."}, form_id="content")
    assert response.status_code == 302  # nothing renamed: the old pair does not block other edits
    swapped = {f"need_{housing.id}_name": "food [es]", f"need_{food.id}_name": "vivienda"}
    response = fill_and_post(client, "/admin/campaigns/north/content/es", swapped, form_id="content")
    assert response.status_code == 302
    assert need_names(campaign.id, "es") == ["food [es]", "vivienda", "housing [es]"]


def test_a_need_renamed_to_a_retired_needs_name_points_to_restoring_it(client, admin):
    campaign = make_campaign(slug="north")
    housing, food = campaign.needs[0], campaign.needs[1]
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{housing.id}/retire")
    response = fill_and_post(client, "/admin/campaigns/north/content/en", {f"need_{food.id}_name": "Housing [en]"},
                             form_id="content")
    assert response.status_code == 422
    assert (f"A retired need is called “{isolated('housing [en]')}”. Restore it on the needs page instead, or choose another name."
            in response.get_data(as_text=True))
    assert need_names(campaign.id, "en") == ["housing [en]", "food [en]", "transport [en]"]


def test_a_different_need_with_a_similar_name_is_still_added(client, admin):
    campaign = make_campaign(slug="north", needs=("housing",))
    response = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Housing repairs"}, form_id="need")
    assert response.status_code == 302
    assert [need.key for need in db.session.get(Campaign, campaign.id).needs] == ["housing", "housing_repairs"]


def test_names_that_differ_only_by_a_tone_mark_are_different_needs_in_vietnamese(client, admin):
    campaign = make_campaign(slug="north", needs=(), languages=("en", "vi"))
    fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Renting", "name_vi": "Thuê nhà"}, form_id="need")
    response = fill_and_post(client, "/admin/campaigns/north/needs", {"name_en": "Property tax", "name_vi": "Thuế nhà"},
                             form_id="need")  # "renting" and "property tax": the tone mark is the whole difference
    assert response.status_code == 302
    assert len(db.session.get(Campaign, campaign.id).needs) == 2


def autofocused_button(html: str) -> str:
    """The one button the needs page focuses when it opens (what it says, and which need it acts on)."""
    buttons = re.findall(r"<button[^>]*\bautofocus\b[^>]*>(.*?)</button>", html, flags=re.S)
    assert len(buttons) == 1, buttons
    return re.sub(r"<[^>]+>|\s+", " ", buttons[0]).split()


@pytest.mark.parametrize(("need_index", "action", "data", "focused"), [
    (1, "move", {"direction": "down"}, ["Move", "down", ":", "food", "[en]"]),
    (1, "move", {"direction": "up"}, ["Move", "down", ":", "food", "[en]"]),  # now first: Move up is disabled
    (2, "move", {"direction": "down"}, ["Move", "up", ":", "transport", "[en]"]),  # now last
    (1, "retire", {}, ["Restore", ":", "food", "[en]"]),
])
def test_the_need_list_keeps_the_focus_on_the_button_just_pressed(client, admin, need_index, action, data, focused):
    campaign = make_campaign(slug="north", needs=("housing", "food", "transport", "parks"))
    need = campaign.needs[need_index]
    response = post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{need.id}/{action}",
                           data)
    assert response.status_code == 302 and "#" not in response.headers["Location"]  # a fragment stops autofocus
    assert autofocused_button(client.get(response.headers["Location"]).get_data(as_text=True)) == focused


def test_restoring_a_need_puts_the_focus_on_its_retire_button(client, admin):
    campaign = make_campaign(slug="north", needs=("housing", "food", "transport"))
    food = campaign.needs[1]
    post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{food.id}/retire")
    response = post_button(client, "/admin/campaigns/north/needs", f"/admin/campaigns/north/needs/{food.id}/restore")
    assert autofocused_button(client.get(response.headers["Location"]).get_data(as_text=True)) == [
        "Retire", ":", "food", "[en]"]


def test_a_new_need_is_named_in_the_readers_language_when_they_wrote_it(client, admin):
    make_campaign(slug="north", languages=("en", "ko"))
    response = fill_and_post(client, "/admin/campaigns/north/needs?lang=ko", {"name_en": "Parks", "name_ko": "공원"},
                             form_id="need", follow_redirects=True)
    assert f"“{isolated('공원')}”" in response.get_data(as_text=True)


def test_a_campaign_title_in_the_default_language_is_marked_as_that_language(client, admin):
    make_campaign(slug="north", languages=("en", "es"))
    for url in ("/admin/campaigns/north/needs?lang=ko", "/admin/campaigns/north/?lang=ko", "/admin/?lang=ko",
                "/staff/?lang=ko"):
        html = client.get(url).get_data(as_text=True)
        assert re.search(r'lang="en"[^>]*>Survey north \[en\]<', html), url
