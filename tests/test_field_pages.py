"""Field pages: events are created and picked; the entry screen saves, counts and flags paper numbers."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.field_helpers import make_field_world, stored_count
from tests.helpers import fill_and_post, form_values
from webapp.extensions import db
from webapp.models import Event, Response


@pytest.fixture
def world(app):
    return make_field_world()


@pytest.fixture
def worker_client(client, world):
    AuthActions(client).login_as(world.worker)
    return client


def entry_url(world) -> str:
    return f"/field/{world.campaign.slug}/events/{world.event.id}/entry"


def ratings(world, importance="4") -> dict:
    return {f"need_{need.key}": importance for need in world.campaign.active_needs()}


def test_staff_home_links_outreach_workers_to_field_mode(worker_client, world):
    html = worker_client.get("/staff/").get_data(as_text=True)
    assert f'href="/field/{world.campaign.slug}/"' in html


def test_a_worker_creates_an_event_and_lands_on_its_entry_screen(worker_client, world):
    response = fill_and_post(worker_client, f"/field/{world.campaign.slug}/",
                             {"name": "Health fair", "date": "2026-11-22", "place": "Library"}, form_id="event")
    assert response.status_code == 302
    event = db.session.scalar(select(Event).where(Event.name == "Health fair"))
    assert event.campaign_id == world.campaign.id and event.created_by_id == world.worker.id
    assert response.headers["Location"].endswith(f"/events/{event.id}/entry")


@pytest.mark.parametrize("name", ["", "   "])
def test_an_event_needs_a_name_and_a_date(worker_client, world, name):
    response = fill_and_post(worker_client, f"/field/{world.campaign.slug}/", {"name": name, "date": ""},
                             form_id="event")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please give the event a name." in html and "Please give the date." in html


def test_the_event_list_offers_each_event_with_its_count(worker_client, world):
    html = worker_client.get(f"/field/{world.campaign.slug}/").get_data(as_text=True)
    assert "Pantry day" in html and entry_url(world) in html and "0 responses" in html


def test_each_event_has_one_entry_link_that_its_name_describes(worker_client, world):
    html = worker_client.get(f"/field/{world.campaign.slug}/").get_data(as_text=True)
    links = re.findall(rf'<a class="button-primary" href="{entry_url(world)}"\s+aria-describedby="([^"]+)">', html)
    assert len(links) == 1 and html.count(f'href="{entry_url(world)}"') == 1  # the name is not a second, smaller link
    assert f'<h3 id="{links[0]}">Pantry day</h3>' in html


def test_the_entry_screen_carries_what_the_offline_script_needs(worker_client, world):
    html = worker_client.get(entry_url(world)).get_data(as_text=True)
    assert '<meta name="csrf-token"' in html
    assert 'data-sw-url="/field/sw.js"' in html and "js/field/entry.js" in html and "js/field/sender.js" in html
    assert 'id="respondent_language"' in html and 'id="paper_number"' in html
    assert "<script>" not in html and "style=" not in html


def test_the_entry_screen_tells_the_script_how_many_responses_one_exported_file_may_hold(worker_client, world):
    from webapp.services.field import MAX_BATCH

    html = worker_client.get(entry_url(world)).get_data(as_text=True)
    assert f'data-max-batch="{MAX_BATCH}"' in html
    assert re.search(r'data-exported-files="[^"]*\(\{count\}\)', html)  # where the script writes the number of files


def test_the_entry_screen_saves_without_javascript_and_counts(worker_client, world):
    for paper in ("A-1", "A-2"):
        response = fill_and_post(worker_client, entry_url(world),
                                 {**ratings(world), "respondent_language": "es", "paper_number": paper},
                                 form_id="entry")
        assert response.status_code == 302
    page = worker_client.get(entry_url(world)).get_data(as_text=True)
    assert '<strong id="event-count">2</strong>' in page
    stored = db.session.scalars(select(Response)).all()
    assert {(r.channel, r.entered_by_id, r.event_id, r.language) for r in stored} == {
        ("paper", world.worker.id, world.event.id, "es")}


def test_a_pasted_paper_number_is_never_cut_short_but_refused_and_kept(worker_client, world):
    for url in (f"/field/{world.campaign.slug}/", entry_url(world)):
        assert "maxlength" not in worker_client.get(url).get_data(as_text=True)  # a cut number is a wrong number
    pasted = "A-" + "1" * 40
    response = fill_and_post(worker_client, entry_url(world),
                             {**ratings(world), "respondent_language": "es", "paper_number": pasted}, form_id="entry")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "(up to 40)" in html
    assert form_values(html, "entry")["paper_number"] == [pasted]
    assert db.session.scalar(select(Response)) is None


def test_a_duplicate_paper_number_is_flagged_before_saving(worker_client, world):
    fill_and_post(worker_client, entry_url(world), {**ratings(world), "respondent_language": "en",
                                                    "paper_number": "B-7"}, form_id="entry")
    response = fill_and_post(worker_client, entry_url(world), {**ratings(world, "2"), "respondent_language": "en",
                                                               "paper_number": "B-7"}, form_id="entry")
    assert response.status_code == 422
    assert "This paper form number is already entered for this event." in response.get_data(as_text=True)
    assert stored_count() == 1
    # the entry screen knows the numbers already used, so its script flags them before saving
    page = worker_client.get(entry_url(world)).get_data(as_text=True)
    assert 'data-paper-numbers="[&#34;B-7&#34;]"' in page


def test_the_entry_screen_keeps_what_was_typed_when_something_is_missing(worker_client, world):
    response = fill_and_post(worker_client, entry_url(world), {"need_housing": "5", "barrier": "Sin autobús"},
                             form_id="entry")  # no language chosen
    assert response.status_code == 422
    values = form_values(response.get_data(as_text=True), "entry")
    assert values["barrier"] == ["Sin autobús"] and values["need_housing"] == ["5"]
    assert stored_count() == 0


def test_an_event_of_another_campaign_is_not_found(worker_client, world):
    import datetime as dt

    from webapp.services.field import create_event

    elsewhere = create_event(world.other_campaign, name="South fair", date=dt.date(2026, 11, 1))
    assert worker_client.get(f"/field/{world.campaign.slug}/events/{elsewhere.id}/entry").status_code == 404


def test_the_public_survey_never_registers_the_service_worker(client, world):
    html = client.get(f"/s/{world.campaign.slug}").get_data(as_text=True)
    assert "sw.js" not in html and "js/field/" not in html


def test_the_service_worker_is_served_for_the_field_scope(client):
    response = client.get("/field/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/field/"
    script = response.get_data(as_text=True)
    assert "__ASSETS__" not in script and "/static/js/field/entry.js?v=" in script


def test_the_service_worker_keeps_every_asset_the_entry_screen_loads(worker_client, world):
    html = worker_client.get(entry_url(world)).get_data(as_text=True)
    loaded = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    script = worker_client.get("/field/sw.js").get_data(as_text=True)
    assert len(loaded) >= 7 and any(url.startswith("/static/css/staff.css") for url in loaded)
    assert [url for url in loaded if f'"{url}"' not in script] == []


def test_a_form_sent_again_after_its_answer_was_lost_is_already_saved_without_a_paper_number_error(worker_client,
                                                                                                    world):
    """No JavaScript, a bad connection: the form was stored but the answer never came, so it is sent again."""
    page = worker_client.get(entry_url(world)).get_data(as_text=True)
    sent = {**form_values(page, "entry"), **{k: [v] for k, v in ratings(world).items()},
            "respondent_language": ["es"], "paper_number": ["C-1"]}
    assert worker_client.post(entry_url(world), data=sent).status_code == 302  # its answer lost on the way
    again = worker_client.post(entry_url(world), data=sent, follow_redirects=True)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "This response was already saved. The form is ready for the next response." in html
    assert 'id="paper_number-error"' not in html and 'id="error-summary"' not in html  # no false "already entered"
    assert stored_count() == 1


def test_a_form_sent_again_with_other_answers_is_refused_as_a_conflict(worker_client, world):
    page = worker_client.get(entry_url(world)).get_data(as_text=True)
    sent = {**form_values(page, "entry"), **{k: [v] for k, v in ratings(world).items()},
            "respondent_language": ["es"], "paper_number": ["C-2"]}
    worker_client.post(entry_url(world), data=sent)
    changed = {**sent, "need_housing": ["1"]}  # the same form (its identifier), other answers
    response = worker_client.post(entry_url(world), data=changed)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "A different response was already stored under this identifier. This one was not stored." in html
    assert "already saved" not in html and stored_count() == 1


def test_the_written_language_starts_from_the_language_the_person_answered_in(worker_client, world):
    """Without JavaScript too: left as it comes, the open answers are stored in the respondent's language, and
    after a save the next form starts from it (not from the language of the worker's page)."""
    from webapp.models import Answer

    page = worker_client.get(entry_url(world)).get_data(as_text=True)
    assert '<label class="question-label" for="text_language">What language did they write in?</label>' in page
    assert re.search(r'<select id="text_language" name="text_language"><option value="">'
                     r'The same language they answered in</option>', page)
    assert form_values(page, "entry")["text_language"] == [""]
    response = fill_and_post(worker_client, entry_url(world), {**ratings(world), "respondent_language": "es",
                                                               "barrier": "No hay autobús"}, form_id="entry")
    assert response.status_code == 302
    assert db.session.scalar(select(Answer.language)) == "es"
    next_form = form_values(worker_client.get(response.headers["Location"]).get_data(as_text=True), "entry")
    assert next_form["respondent_language"] == ["es"] and next_form["text_language"] == [""]  # follows the next
    response = worker_client.post(entry_url(world), data=next_form | {k: [v] for k, v in ratings(world).items()}
                                  | {"respondent_language": ["en"], "barrier": ["The bus"]})
    assert response.status_code == 302  # the next person answered in English: their words are stored as English
    assert sorted(db.session.scalars(select(Answer.language))) == ["en", "es"]
    assert next_form["barrier"] == [""] and next_form["response_id"] != [""]


def test_the_resident_survey_keeps_its_own_written_language_question(client, world):
    html = client.get(f"/s/{world.campaign.slug}").get_data(as_text=True)
    assert "What language did you write in?" in html
    assert "What language did they write in?" not in html and "The same language they answered in" not in html


@pytest.mark.parametrize(("lang", "written"), [
    ("ht", "21 novanm 2026"), ("ko", "2026년 11월 21일"), ("en", "November 21, 2026")])
def test_an_events_date_is_written_as_its_reader_writes_dates(worker_client, world, lang, written):
    # Babel has no Haitian Creole month names: its medium format wrote "2026 M11 21"
    for url in (f"/field/{world.campaign.slug}/?lang={lang}", entry_url(world) + f"?lang={lang}"):
        html = worker_client.get(url).get_data(as_text=True)
        assert written in html and " M11 " not in html, url


def test_the_same_answers_saved_again_under_a_new_identifier_wait_for_a_second_save(worker_client, world):
    """No JavaScript, no paper number: Back, then Save again, sends the same answers with the new identifier
    the page was given. They are not saved at once; saved the second time (two people may answer alike)."""
    def posted(extra=None):
        page = worker_client.get(entry_url(world)).get_data(as_text=True)  # each page: a new identifier
        sent = {**form_values(page, "entry"), **{k: [v] for k, v in ratings(world).items()},
                "respondent_language": ["es"], "barrier": ["El bus"], **(extra or {})}
        return worker_client.post(entry_url(world), data=sent)

    assert posted().status_code == 302 and stored_count() == 1
    again = posted()
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and stored_count() == 1
    assert "This response was not saved: the same answers were just saved on this device." in html
    assert form_values(html, "entry")["send_again"] == ["1"] and "El bus" in html  # kept as typed
    assert worker_client.post(entry_url(world), data=form_values(html, "entry")).status_code == 302
    assert stored_count() == 2
    assert posted({"barrier": ["El tren"]}).status_code == 302 and stored_count() == 3  # other answers: saved


def test_the_same_answers_on_another_paper_form_are_saved_at_once(worker_client, world):
    for paper in ("P-1", "P-2"):
        page = worker_client.get(entry_url(world)).get_data(as_text=True)
        sent = {**form_values(page, "entry"), **{k: [v] for k, v in ratings(world).items()},
                "respondent_language": ["es"], "paper_number": [paper]}
        assert worker_client.post(entry_url(world), data=sent).status_code == 302
    assert stored_count() == 2
