"""The leads' members page: skills and assets with who, gaps, pyramid, sectors, languages, directory, CSV."""
from __future__ import annotations

import csv
import io
import uuid
from fractions import Fraction

import pytest
from sqlalchemy import insert, select

from tests.factories import make_campaign, make_user
from webapp.extensions import db
from webapp.models import AuditEvent, MemberAssessment, Response
from webapp.services.exports import BOM
from webapp.services.member_directory import EXPORT_HEADER, search_directory
from webapp.services.members import (
    RESIDENT_LANGUAGE_FLAG_SHARE,
    MemberSubmission,
    load_members,
    members_summary,
    store_member_assessment,
)

#: residents' survey responses per language: 40 in all
RESIDENTS = {"en": 30, "vi": 6, "tl": 2, "es": 1, "ht": 1}


def add_member(campaign, **values):
    values.setdefault("sector", "resident")
    values.setdefault("involvement", "active")
    submission = MemberSubmission(uuid.uuid4(), values.pop("language", "en"), **values)
    store_member_assessment(campaign, submission)


def add_residents(campaign, counts: dict[str, int]):
    db.session.execute(insert(Response), [
        {"client_uuid": uuid.uuid4(), "content_hash": "x", "campaign_id": campaign.id, "instrument": "priority",
         "language": language, "channel": "web"}
        for language, count in counts.items() for _ in range(count)])
    db.session.commit()


@pytest.fixture
def campaign(app):
    """Four members (two listed by name) and forty residents' responses."""
    campaign = make_campaign(slug="north")
    add_member(campaign, directory_consent=True, name="Ana Ruiz", organisation="Eastside Clinic",
               email="ana@example.org", sector="health_care", involvement="leading", lived_experience=True,
               choices={"skill": ["facilitation", "grants_fundraising"], "asset": ["meeting_space"],
                        "language": ["en", "es"], "day": ["mon", "tue"], "time": ["evening"]},
               competencies={"leadership": 4, "facilitation": 3},
               answers={"help_involved": ("Evening meetings", "en")})
    add_member(campaign, directory_consent=True, name="Bo Li", sector="resident", involvement="active",
               lived_experience=True,
               choices={"skill": ["facilitation", "outreach_organizing"], "asset": ["food", "volunteers"],
                        "language": ["en", "zh"], "day": ["mon"], "mode": ["online"]},
               competencies={"leadership": 2})
    add_member(campaign, directory_consent=False, name="Not Kept", sector="faith", involvement="active",
               lived_experience=False, choices={"skill": ["facilitation"], "asset": ["food"], "language": ["en"]})
    add_member(campaign, directory_consent=False, sector="health_care", involvement="informed",
               choices={"language": ["ko"]}, competencies={"leadership": 3},
               answers={"help_involved": ("Más aviso antes de las reuniones", "es")})
    add_residents(campaign, RESIDENTS)
    return campaign


# --- the numbers ---------------------------------------------------------------------------


def test_skills_and_assets_are_counted_with_consenting_members_named(campaign):
    summary = members_summary(campaign.id)
    assert (summary.total, summary.consenting) == (4, 2)
    skills = {option.key: option for option in summary.skills}
    assert skills["facilitation"].count == 3
    assert skills["facilitation"].who == ("Ana Ruiz (Eastside Clinic)", "Bo Li")
    assert skills["facilitation"].unnamed == 1
    assert (skills["grants_fundraising"].count, skills["outreach_organizing"].count, skills["legal"].count) == (1, 1, 0)
    assets = {option.key: option.count for option in summary.assets}
    assert assets == {"meeting_space": 1, "funding": 0, "volunteers": 1, "data": 0, "networks": 0, "equipment": 0,
                      "transportation": 0, "food": 2, "childcare": 0}


def test_gaps_are_the_skills_and_assets_nobody_has(campaign):
    gaps = members_summary(campaign.id).gaps
    assert [key for question, key in gaps if question == "skill"] == [
        "data_evaluation", "translation", "policy_advocacy", "communications", "event_planning", "design", "legal",
        "technology", "training", "research"]
    assert [key for question, key in gaps if question == "asset"] == [
        "funding", "data", "networks", "equipment", "transportation", "childcare"]


def test_involvement_pyramid_goes_from_leading_to_keep_informed(campaign):
    assert members_summary(campaign.id).pyramid == [("leading", 1), ("active", 2), ("occasional", 0),
                                                     ("informed", 1)]


def test_every_sector_is_listed_with_its_count(campaign):
    sectors = dict(members_summary(campaign.id).sectors)
    assert len(sectors) == 14 and sum(sectors.values()) == 4
    assert (sectors["health_care"], sectors["resident"], sectors["faith"], sectors["media"]) == (2, 1, 1, 0)


def test_lived_experience_competencies_and_availability_are_counted(campaign):
    summary = members_summary(campaign.id)
    assert summary.lived_experience == (2, 1)
    competencies = {c.key: c for c in summary.competencies}
    assert competencies["leadership"].counts == {1: 0, 2: 1, 3: 1, 4: 1}
    assert (competencies["leadership"].n, competencies["leadership"].mean) == (3, Fraction(3))
    assert (competencies["facilitation"].n, competencies["communication"].mean) == (1, None)
    assert dict(summary.availability["day"])["mon"] == 2 and dict(summary.availability["time"])["evening"] == 1


def test_languages_residents_answered_in_are_set_against_members_languages(campaign):
    languages = members_summary(campaign.id).languages
    assert [c.code for c in languages] == ["en", "vi", "tl", "es", "ht", "ko", "zh"]
    by_code = {c.code: c for c in languages}
    assert (by_code["en"].residents, by_code["en"].residents_share, by_code["en"].members) == (30, Fraction(3, 4), 3)
    assert by_code["en"].who == ("Ana Ruiz (Eastside Clinic)", "Bo Li")  # the third speaker is not listed
    assert (by_code["ko"].residents, by_code["ko"].members, by_code["ko"].who) == (0, 1, ())
    assert by_code["es"].who == ("Ana Ruiz (Eastside Clinic)",)


def test_a_language_is_flagged_from_five_percent_of_residents_when_no_member_speaks_it(campaign):
    assert RESIDENT_LANGUAGE_FLAG_SHARE == Fraction(5, 100)
    by_code = {c.code: c for c in members_summary(campaign.id).languages}
    assert by_code["vi"].flagged and by_code["vi"].residents_share == Fraction(15, 100)
    assert by_code["tl"].flagged and by_code["tl"].residents_share == Fraction(5, 100)  # exactly at the threshold
    assert not by_code["ht"].flagged and by_code["ht"].residents_share == Fraction(25, 1000)  # below it
    assert not by_code["es"].flagged  # below, and spoken anyway
    assert not by_code["en"].flagged


def test_a_member_who_interprets_a_language_covers_it(campaign):
    add_member(campaign, choices={"translation_language": ["vi"], "skill": ["translation"]})
    by_code = {c.code: c for c in members_summary(campaign.id).languages}
    assert by_code["vi"].members == 1 and not by_code["vi"].flagged


def test_no_resident_responses_flags_nothing(app):
    campaign = make_campaign(slug="quiet")
    add_member(campaign, choices={"language": ["en"]})
    languages = members_summary(campaign.id).languages
    assert [(c.code, c.residents_share, c.flagged) for c in languages] == [("en", None, False)]


def test_directory_lists_consenting_members_and_searches_every_word(campaign):
    members = load_members(campaign.id)
    names = lambda found: [m.name for m in found]  # noqa: E731
    assert names(search_directory(members)) == ["Ana Ruiz", "Bo Li"]
    assert names(search_directory(members, "ana")) == ["Ana Ruiz"]
    assert names(search_directory(members, "  CLINIC ")) == ["Ana Ruiz"]
    assert names(search_directory(members, "facilitation")) == ["Ana Ruiz", "Bo Li"]
    assert names(search_directory(members, "facilitation online")) == ["Bo Li"]
    assert names(search_directory(members, "Meetings", label=lambda q, k: {"facilitation": "Facilitating meetings"}
                                  .get(k, k))) == ["Ana Ruiz", "Bo Li"]
    assert names(search_directory(members, "faith")) == []  # only a member who is not listed is faith-based


def test_directory_search_ignores_accents(app):
    campaign = make_campaign(slug="accents")
    add_member(campaign, directory_consent=True, name="José Núñez")
    assert [m.name for m in search_directory(load_members(campaign.id), "jose nunez")] == ["José Núñez"]


# --- the page --------------------------------------------------------------------------------


def test_the_languages_table_names_the_listed_speakers_and_counts_the_others(client, lead):
    html = client.get("/coalition/north/members").get_data(as_text=True)
    table = html.split('<table class="data-table" id="languages">', 1)[1].split("</table>", 1)[0]
    assert "<bdi>Ana Ruiz (Eastside Clinic)</bdi>, <bdi>Bo Li</bdi>, 1 not listed" in table  # English: 3 speak it
    assert table.count("1 not listed") == 2  # and Korean, whose one speaker is not listed


def test_members_page_shows_counts_gaps_pyramid_and_flags(client, lead):
    response = client.get("/coalition/north/members")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "4 members answered." in html and "2 agreed to be listed by name." in html
    assert "<bdi>Ana Ruiz (Eastside Clinic)</bdi>, <bdi>Bo Li</bdi>, 1 not listed" in html
    assert html.count('class="is-flagged"') == 2
    assert "No member speaks Vietnamese, the language of 15% of residents’ answers." in html or \
        "No member speaks Vietnamese, the language of 15% of residents' answers." in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-bar"' in html  # the pyramid
    assert "\u2066Help lead the coalition\u2069: 1" in html and "\u2066Keep me informed\u2069: 1" in html
    assert "Evening meetings" in html and 'lang="es"' in html  # open answers, marked with their language
    assert "style=" not in html and "<script>" not in html


def test_members_page_never_names_a_member_who_did_not_agree(client, lead, campaign):
    hidden = db.session.scalars(select(MemberAssessment).where(MemberAssessment.sector == "faith")).one()
    hidden.name, hidden.email = "Hidden Person", "hidden@example.org"  # as if kept by an older version
    db.session.commit()
    html = client.get("/coalition/north/members").get_data(as_text=True)
    assert "Hidden Person" not in html and "hidden@example.org" not in html
    csv_text = client.get("/coalition/north/members.csv").get_data(as_text=True)
    assert "Hidden Person" not in csv_text and "hidden@example.org" not in csv_text


def test_directory_search_on_the_page(client, lead):
    html = client.get("/coalition/north/members?q=zh").get_data(as_text=True)
    directory = html[html.index('id="directory"'):]
    assert "Bo Li" in directory and "Ana Ruiz" not in directory
    assert 'value="zh"' in html and "1 listed member matches." in html
    assert 'action="/coalition/north/members#directory-title"' in html  # results open in view, not at the page's top


@pytest.mark.parametrize(("lang", "query", "found"), [
    ("en", "espacio para reuniones", ["Ana Ruiz"]),  # a Spanish-speaking lead reading the English page
    ("es", "meeting space", ["Ana Ruiz"]),  # and the other way round
    ("en", "会议场地", ["Ana Ruiz"]), ("ar", "en línea", ["Bo Li"]),
    ("en", "西班牙语", ["Ana Ruiz"]), ("es", "chinese", ["Bo Li"]),  # language names, in any language
])
def test_directory_search_matches_the_words_of_every_language_the_service_speaks(client, lead, lang, query, found):
    html = client.get(f"/coalition/north/members?lang={lang}&q={query}").get_data(as_text=True)
    directory = html[html.index('id="directory"'):]
    assert [name for name in ("Ana Ruiz", "Bo Li") if name in directory] == found


def test_a_search_that_finds_no_one_says_so_once(client, lead):
    html = client.get("/coalition/north/members?q=nobody").get_data(as_text=True)
    assert '<p role="status">No listed member matches.</p>' in html
    assert html.count("No listed member matches.") == 1 and "0 listed members match." not in html


def test_members_named_in_another_script_keep_their_order_on_an_arabic_page(client, lead):
    html = client.get("/coalition/north/members?lang=ar").get_data(as_text=True)
    skills = html.split('id="skills"', 1)[1].split("</table>", 1)[0]
    assert "<bdi>Ana Ruiz (Eastside Clinic)</bdi>" in skills and "<bdi>Bo Li</bdi>" in skills
    languages = html.split('id="languages"', 1)[1].split("</table>", 1)[0]
    assert '<td class="who"><bdi>Ana Ruiz (Eastside Clinic)</bdi>' in languages


def test_a_members_skills_are_listed_without_an_and_that_would_run_into_their_names(client, lead):
    directory = client.get("/coalition/north/members").get_data(as_text=True).split('id="directory"', 1)[1]
    assert "<dd>Facilitating meetings, Grant writing and fundraising</dd>" in directory  # no "… and Grant writing"
    assert "<dd>English, Spanish</dd>" in directory


def test_the_column_of_names_is_not_headed_with_the_audit_logs_who(client, lead):
    """"Who" is the audit log's "who did it" (Chinese 操作人, the operator); here it is which members."""
    html = client.get("/coalition/north/members").get_data(as_text=True)
    assert html.count('<th scope="col">Which members</th>') == 3 and '<th scope="col">Who</th>' not in html


@pytest.fixture
def arabic(tmp_path, app_with, campaign):
    """An app reading an Arabic catalog with the list comma, and a lead signed in."""
    from tests.catalog_helpers import made_catalog
    from tests.conftest import AuthActions

    with made_catalog(tmp_path, "ar", {"%(items)s, %(item)s": "%(items)s، %(item)s"}) as folder:
        client = app_with(BABEL_TRANSLATION_DIRECTORIES=str(folder)).test_client()
        AuthActions(client).login_as(make_user("lead@example.org", "lead", campaigns=[campaign]))
        yield client


def test_names_are_separated_with_the_readers_list_comma(arabic):
    html = arabic.get("/coalition/north/members?lang=ar").get_data(as_text=True)
    assert "<bdi>Ana Ruiz (Eastside Clinic)</bdi>، <bdi>Bo Li</bdi>، 1 not listed" in html


def test_members_csv_round_trips(client, lead, campaign):
    add_member(campaign, directory_consent=True, name="=HYPERLINK(\"http://evil\")", organisation="+1 Org",
               answers={"help_involved": ("@SUM(A1)", "en")})
    response = client.get("/coalition/north/members.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="north-members.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert list(rows[0]) == EXPORT_HEADER and len(rows) == 5
    ana, bo, unlisted, quiet, evil = rows
    assert (ana["name"], ana["email"], ana["organisation"], ana["listed_in_directory"]) == (
        "Ana Ruiz", "ana@example.org", "Eastside Clinic", "1")
    assert (ana["skills"], ana["languages"], ana["days"], ana["competency_leadership"]) == (
        "facilitation;grants_fundraising", "en;es", "mon;tue", "4")
    assert ana["help_involved"] == "Evening meetings" and bo["meeting_modes"] == "online"
    assert (unlisted["name"], unlisted["listed_in_directory"], unlisted["sector"]) == ("", "0", "faith")
    assert quiet["help_involved"] == "Más aviso antes de las reuniones" and quiet["languages"] == "ko"
    assert "lived_experience" not in rows[0]  # only ever counted
    assert evil["name"] == "'=HYPERLINK(\"http://evil\")" and evil["organisation"] == "'+1 Org"
    assert evil["help_involved"] == "'@SUM(A1)"


def test_members_export_is_audited(client, lead, campaign):
    client.get("/coalition/north/members.csv").get_data()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.downloaded")).one()
    assert event.actor_id == lead.id and event.target_id == campaign.id
    assert event.detail == {"export": "members", "slug": "north", "rows": 4}


@pytest.mark.parametrize(("role", "assigned", "status"), [
    ("lead", True, 200), ("lead", False, 403), ("outreach", True, 403), ("admin", False, 200)])
@pytest.mark.parametrize("path", ["/coalition/north/members", "/coalition/north/members.csv"])
def test_only_admins_and_the_campaigns_leads_see_members(client, auth, campaign, role, assigned, status, path):
    user = make_user(f"{role}@example.org", role, campaigns=[campaign] if assigned else [])
    auth.login_as(user)
    assert client.get(path).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, campaign):
    response = client.get("/coalition/north/members")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
