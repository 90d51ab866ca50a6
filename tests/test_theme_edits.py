"""A lead's theme edits (rename, merge, move a quote) survive recomputation, and each is audited."""
from __future__ import annotations

import pickle
import re

import pytest
from sqlalchemy import select

from tests.factories import make_campaign, make_priority_response
from tests.helpers import form_values
from webapp.extensions import db
from webapp.models import Answer, AnswerTheme, AuditEvent, StoredThemeModel, Theme
from webapp.services.analysis_runs import run_now
from webapp.services.theme_assignment import resolve

TOPICS = {
    "rent": ["The rent is too high and keeps going up.", "We cannot pay the rent every month.",
             "La renta es muy cara.", "Rent went up again, we may lose the apartment."],
    "bus": ["The bus never comes on time.", "There is no bus to the clinic.",
            "El autobús no pasa por mi barrio.", "Buses stop running at night."],
    "food": ["Fresh vegetables cost too much.", "No grocery store with healthy food nearby.",
             "La comida saludable es muy cara.", "We only have fast food near us."],
}


def add_answers(campaign, rounds: int, start: int = 0) -> None:
    """``rounds`` residents per sentence, each writing one answer."""
    n = start
    for _round in range(rounds):
        for texts in TOPICS.values():
            for text in texts:
                language = "es" if text.startswith(("La ", "El ")) else "en"
                make_priority_response(campaign, {"housing": 4, "food": 3}, answers={"barrier": (text, language)},
                                       commit=False)
                n += 1
    db.session.commit()


@pytest.fixture
def campaign(app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    add_answers(campaign, rounds=3)  # 36 answers
    run = run_now(campaign, n_bootstrap=0)
    assert run.status == "done" and run.results["themes"]["fitted"], run.error
    return campaign


def live_themes(campaign) -> list[Theme]:
    return [t for t in db.session.scalars(select(Theme).where(Theme.campaign_id == campaign.id).order_by(Theme.id))
            if t.merged_into_id is None]


def theme_of(answer_id: int) -> AnswerTheme:
    return db.session.get(AnswerTheme, answer_id)


def post(client, path: str, data: dict):
    page = client.get("/coalition/north/summary").get_data(as_text=True)
    token = form_values(page, "recompute")["csrf_token"][0]
    return client.post(f"/coalition/north/themes/{path}", data={"csrf_token": token, **data})


def test_the_first_run_finds_themes_with_quotes_in_their_own_language(client, campaign, lead):
    themes = live_themes(campaign)
    assert len(themes) >= 2
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert 'lang="es"' in html and "Spanish" in html
    assert all(f'id="theme-{t.id}"' in html for t in themes)


def test_rename_merge_and_move_survive_recomputation_with_new_answers(client, campaign, lead):
    first, second, *rest = live_themes(campaign)
    assert post(client, "rename", {"theme_id": first.id, "label": "Housing costs"}).status_code == 302
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.theme_id == first.id,
                                                         AnswerTheme.quote.is_(True))).first()
    assert post(client, "move", {"answer_id": quote.answer_id, "theme_id": second.id}).status_code == 302
    merged = rest[0] if rest else second
    target = first if merged is not first else second
    assert post(client, "merge", {"theme_id": merged.id, "into_id": target.id}).status_code == 302
    merged_answers = db.session.scalars(select(Answer.text).join(AnswerTheme).where(
        AnswerTheme.theme_id == target.id)).all()
    assert merged_answers

    add_answers(campaign, rounds=1, start=100)  # 12 new answers, like the old ones
    run = run_now(campaign, n_bootstrap=0)
    assert run.status == "done" and run.results["themes"]["assigned"] == 12
    db.session.expire_all()

    assert db.session.get(Theme, first.id).label == "Housing costs"
    moved = theme_of(quote.answer_id)
    assert moved.theme_id == second.id and moved.pinned
    assert db.session.get(Theme, merged.id).merged_into_id == target.id
    assert db.session.scalars(select(AnswerTheme).where(AnswerTheme.theme_id == merged.id)).all() == []
    # every new answer went where the kept model puts it, following the lead's merges
    model = pickle.loads(db.session.get(StoredThemeModel, campaign.id).model)
    themes = {t.id: t for t in db.session.scalars(select(Theme).where(Theme.campaign_id == campaign.id))}
    by_model = {t.model_theme: t for t in themes.values()}
    new = db.session.execute(select(Answer.id, Answer.text, Answer.language).order_by(Answer.id.desc()).limit(12)).all()
    labels = model.transform([a.text for a in new], [a.language for a in new])
    for answer, label in zip(new, labels):
        assert theme_of(answer.id).theme_id == resolve(by_model[label], themes).id
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "Housing costs" in html and f'id="theme-{merged.id}"' not in html


def test_every_theme_edit_is_in_the_audit_trail(client, campaign, lead):
    first, second, *_ = live_themes(campaign)
    post(client, "rename", {"theme_id": first.id, "label": "Rent"})
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.theme_id == second.id)).first()
    post(client, "move", {"answer_id": quote.answer_id, "theme_id": first.id})
    post(client, "merge", {"theme_id": second.id, "into_id": first.id})
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.startswith("theme."))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["theme.renamed", "theme.answer_moved", "theme.merged"]
    assert all(e.actor_id == lead.id for e in events)
    assert events[0].detail["to"] == "Rent"


def test_a_theme_of_another_campaign_cannot_be_edited(client, campaign, lead):
    other = make_campaign(slug="south")
    foreign = Theme(campaign_id=other.id, label="Theirs", terms=[], edited=False)
    db.session.add(foreign)
    db.session.commit()
    response = post(client, "rename", {"theme_id": foreign.id, "label": "Mine"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Theme, foreign.id).label == "Theirs"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "theme.renamed")) is None


def test_a_theme_cannot_be_merged_into_itself_or_renamed_to_nothing(client, campaign, lead):
    first = live_themes(campaign)[0]
    post(client, "merge", {"theme_id": first.id, "into_id": first.id})
    post(client, "rename", {"theme_id": first.id, "label": "   "})
    db.session.expire_all()
    theme = db.session.get(Theme, first.id)
    assert theme.merged_into_id is None and theme.label.strip()


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "-99999999999999999999", "1" * 5000],
                         ids=["past-int32", "past-int64", "negative", "5000-digits"])
def test_ids_too_large_for_the_database_name_no_theme_and_no_quote(client, campaign, lead, number):
    first, second, *_ = live_themes(campaign)
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.theme_id == first.id)).first()
    for path, data in (("rename", {"theme_id": number, "label": "Rent"}), ("merge", {"theme_id": number,
                       "into_id": first.id}), ("merge", {"theme_id": first.id, "into_id": number}),
                       ("move", {"answer_id": number, "theme_id": second.id}),
                       ("move", {"answer_id": quote.answer_id, "theme_id": number})):
        response = post(client, path, data)
        assert response.status_code == 302, (path, data)
        assert "notice-error" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.startswith("theme."))) is None


def test_refitting_starts_the_themes_afresh(app, campaign):
    first = live_themes(campaign)[0]
    first.label, first.edited = "Edited", True
    db.session.commit()
    run = run_now(campaign, n_bootstrap=0, refit_themes=True)
    assert run.results["themes"]["fitted"]
    assert "Edited" not in [t.label for t in live_themes(campaign)]


def test_an_edit_is_confirmed_beside_its_theme_at_the_emphasis_being_read(client, campaign, lead):
    first, second, *_ = live_themes(campaign)
    response = post(client, "rename", {"theme_id": first.id, "label": "Rent", "emphasis": "2"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coalition/north/summary?emphasis=2#theme-{first.id}")
    html = client.get("/coalition/north/summary?emphasis=2").get_data(as_text=True)
    article = html.split(f'id="theme-{first.id}"', 1)[1].split("</article>", 1)[0]
    assert "The theme is renamed." in article  # where the page opens, not thousands of pixels above it
    assert html.count("The theme is renamed.") == 1
    assert 'name="emphasis" value="2"' in article  # the next edit comes back at emphasis 2 too


def test_a_refused_edit_says_so_at_the_top_of_the_themes(client, campaign, lead):
    first = live_themes(campaign)[0]
    response = post(client, "rename", {"theme_id": first.id, "label": "   ", "emphasis": "not-a-number"})
    assert response.headers["Location"].endswith("/coalition/north/summary#themes-title")  # the lens's emphasis
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    themes = html.split('id="themes-title"', 1)[1].split("</p>", 1)[0]
    assert 'notice-error" role="status">That theme could not be renamed. Give it a name, and try again.' in themes


def post_with_a_stale_token(client, path: str, data: dict):
    """Send a theme edit after the lead signed in again in another tab (the session's form-token secret changed)."""
    page = client.get("/coalition/north/summary").get_data(as_text=True)
    token = form_values(page, "recompute")["csrf_token"][0]
    with client.session_transaction() as session:
        session.pop("csrf_token", None)
    return client.post(f"/coalition/north/themes/{path}", data={"csrf_token": token, **data})


def test_a_rename_sent_with_a_stale_token_changes_nothing_and_keeps_the_typed_name_in_its_box(client, campaign, lead):
    first = live_themes(campaign)[0]
    before = first.label
    response = post_with_a_stale_token(client, "rename", {"theme_id": first.id, "label": "Rent we can't pay",
                                                          "emphasis": "2"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coalition/north/summary?emphasis=2#theme-{first.id}")
    db.session.expire_all()
    assert db.session.get(Theme, first.id).label == before
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.startswith("theme."))) is None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    article = html.split(f'id="theme-{first.id}"', 1)[1].split("</article>", 1)[0]
    assert '<p class="notice notice-error" role="status">' in article and "nothing was saved" in article
    assert "notice-info" not in article
    assert '<details class="theme-edit" open>' in article
    assert 'name="label" value="Rent we can&#39;t pay"' in article
    again = client.get("/coalition/north/summary").get_data(as_text=True)  # said once; the box shows the name again
    assert "nothing was saved" not in again and "Rent we can" not in again


@pytest.mark.parametrize("which", ["merged away", "not there"])
def test_a_stale_token_edit_of_a_theme_not_shown_says_nothing_was_saved_at_the_themes_heading(
        client, campaign, lead, which):
    first, second, *_ = live_themes(campaign)
    if which == "merged away":
        assert post(client, "merge", {"theme_id": second.id, "into_id": first.id}).status_code == 302
    response = post_with_a_stale_token(client, "rename", {"theme_id": second.id if which == "merged away" else 999999,
                                                          "label": "Rent"})
    assert response.headers["Location"].endswith("#themes-title")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    heading = html.split('id="themes-title"', 1)[1].split("</p>", 1)[0]
    assert 'notice-error" role="status">' in heading and "nothing was saved" in heading


@pytest.mark.parametrize("typed", ["x" * 5000, "\U0001D49C" * 200], ids=["pasted-too-long", "200-astral"])
def test_a_stale_token_rename_keeps_no_more_of_the_typed_name_than_its_box_takes(client, campaign, lead, typed):
    """The typed name comes back through the session cookie: cut to the box's 200 characters, so the
    cookie stays small enough for a browser to keep (Werkzeug warns past 4 KB; warnings are errors here)."""
    first = live_themes(campaign)[0]
    response = post_with_a_stale_token(client, "rename", {"theme_id": first.id, "label": typed})
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert len(cookie.split(";")[0]) < 4000
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    article = html.split(f'id="theme-{first.id}"', 1)[1].split("</article>", 1)[0]
    assert f'name="label" value="{typed[:200]}" maxlength="200"' in article


@pytest.mark.parametrize("edit", ["merge", "move"])
def test_a_merge_or_move_sent_with_a_stale_token_changes_nothing_and_says_so(client, campaign, lead, edit):
    first, second, *_ = live_themes(campaign)
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.theme_id == first.id)).first()
    data = ({"theme_id": first.id, "into_id": second.id} if edit == "merge"
            else {"answer_id": quote.answer_id, "theme_id": second.id})
    response = post_with_a_stale_token(client, edit, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#theme-{first.id}" if edit == "merge" else "#themes-title")
    db.session.expire_all()
    assert db.session.get(Theme, first.id).merged_into_id is None
    assert theme_of(quote.answer_id).theme_id == first.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.startswith("theme."))) is None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<p class="notice notice-error" role="status">[^<]*nothing was saved', html)


def test_a_quote_shows_no_phone_number_or_email_address(client, campaign, lead):
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.quote.is_(True))).first()
    answer = db.session.get(Answer, quote.answer_id)
    answer.text = "The rent is too high, call me at (617) 555-0100 or maria.lopez@example.org"
    db.session.commit()
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert "The rent is too high, call me at [phone number] or [e-mail address]" in html  # shared and printed
    assert "555-0100" not in html and "maria.lopez" not in html
    spanish = client.get("/coalition/north/summary?lang=es").get_data(as_text=True)
    assert "call me at [número de teléfono] or [correo electrónico]" in spanish  # the marks in the reader's language


def test_a_quote_says_how_many_answers_in_its_theme_are_in_the_same_words(client, campaign, lead):
    # every sentence was written by three residents (a petition pasted by forty would say 40)
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    quotes = html.count('<blockquote lang=')
    assert quotes and html.count("3 answers say exactly this") == quotes
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.quote.is_(True))).first()
    db.session.get(Answer, quote.answer_id).text = "Written by one resident only"
    db.session.commit()
    html = client.get("/coalition/north/summary").get_data(as_text=True)
    assert html.count("3 answers say exactly this") == quotes - 1 and "1 answer" not in html.split("Written by one")[1][:200]


def test_moving_a_quote_moves_every_answer_of_its_theme_in_the_same_words(client, campaign, lead):
    quote = db.session.scalars(select(AnswerTheme).where(AnswerTheme.quote.is_(True))).first()
    source, text = quote.theme_id, db.session.get(Answer, quote.answer_id).text
    target = next(t for t in live_themes(campaign) if t.id != source)
    same_words = [link.answer_id for link in db.session.scalars(
        select(AnswerTheme).join(Answer, Answer.id == AnswerTheme.answer_id)
        .where(AnswerTheme.theme_id == source, Answer.text == text))]
    assert len(same_words) == 3  # "3 answers say exactly this"
    post(client, "move", {"answer_id": quote.answer_id, "theme_id": target.id})
    db.session.expire_all()
    assert {(theme_of(a).theme_id, theme_of(a).pinned) for a in same_words} == {(target.id, True)}
    run_now(campaign, n_bootstrap=0)  # and they stay there
    db.session.expire_all()
    assert {theme_of(a).theme_id for a in same_words} == {target.id}


def test_a_theme_name_keeps_its_own_direction_on_a_right_to_left_page(client, campaign, lead):
    theme = live_themes(campaign)[0]
    post(client, "rename", {"theme_id": theme.id, "label": "=HYPERLINK bus (night)"})
    for page in ("summary", "brief"):
        html = client.get(f"/coalition/north/{page}?lang=ar").get_data(as_text=True)
        assert "<h3><bdi>=HYPERLINK bus (night)</bdi>" in html, page
