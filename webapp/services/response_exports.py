"""A campaign's raw data for spreadsheets: responses, ratings (long), open answers, members, codebook.

Every table is a list of :class:`Column` and a generator of rows read from the database
in batches, so a large campaign streams instead of being built in memory. Each response
carries its weights from the newest analysis run; each open answer its theme. Columns
marked ``contact`` (members' names, emails and phones) are left out unless an admin asks
for them. Every CSV cell goes through :func:`webapp.services.exports.neutralize`; XLSX marks
formula-like text as text instead (see :func:`write_xlsx`).
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from analysis.survey_data import HARDSHIPS
from webapp.extensions import db
from webapp.forms.priority import HARDSHIPS as HARDSHIP_LABELS
from webapp.forms.priority import OPEN_QUESTIONS, PriorityFormBase
from webapp.i18n import LANGUAGES
from webapp.models.members import (
    ASSETS,
    CHOICE_QUESTIONS,
    COMPETENCIES,
    DAYS,
    INVOLVEMENT_LEVELS,
    MODES,
    SECTORS,
    SKILLS,
    TIMES,
    competency_column,
)
from webapp.models import (
    Answer,
    AnswerTheme,
    Campaign,
    Event,
    MemberAssessment,
    Need,
    Profile,
    Rating,
    RespondentWeight,
    Response,
    Theme,
    User,
)
from webapp.services.summary_settings import parse_equity
from webapp.services.dashboard import latest_run
from webapp.services.exports import cell_value, looks_like_formula

#: the codes of each multi-select question of the member assessment (a question added to
#: CHOICE_QUESTIONS without its codes here stops the import, rather than leave the export)
MEMBER_CHOICE_CODES = {"skill": SKILLS, "asset": ASSETS, "language": tuple(LANGUAGES),
                       "translation_language": tuple(LANGUAGES), "day": DAYS, "time": TIMES, "mode": MODES}

BATCH = 2000
TABLES = ("responses", "ratings", "answers", "members", "codebook")


@dataclass(frozen=True)
class Column:
    """One exported column: its name, what it means, its codes, whether it is personal contact data."""

    name: str
    question: Callable[[], str] | None = None
    codes: str = ""
    contact: bool = False


def _label(field_name: str) -> Callable[[], str]:
    """The survey question's text of a profile field (in the locale in force when called)."""
    return lambda: str(getattr(PriorityFormBase, field_name).args[0])


PROFILE = ("place", "age_band", "race_ethnicity", "income_band", "primary_language")
RESPONSE_COLUMNS = [
    Column("response_id", codes="Chorus response number"),
    Column("received_at", codes="ISO 8601, UTC"),
    Column("answered_at", codes="ISO 8601, UTC (the device's clock for offline entry)"),
    Column("form_language", codes="language code"),
    Column("channel", codes="web; field; paper"),
    Column("event_id", codes="outreach event number (blank: none); tells apart events of the same name"),
    Column("event", codes="outreach event name (blank: none)"),
    Column("paper_number", codes="the paper form's number, as typed at the event (blank: not from a paper form)"),
    Column("entered_by", codes="email of the staff account that entered it (blank: the resident's own web answer, "
                                "or the account was deleted)"),
    Column("place", _label("place"), "as given"),
    Column("age_band", _label("age_band"), "under_18; 18_24; 25_34; 35_44; 45_54; 55_64; 65_plus"),
    Column("race_ethnicity", _label("race_ethnicity"), "codes separated by ';'"),
    Column("income_band", _label("income_band"), "under_25k; 25_50k; 50_75k; 75_100k; 100k_plus"),
    Column("primary_language", _label("primary_language"), "language code; other"),
    *(Column(h, (lambda label=label: str(label)), "1 yes; 0 no; blank not answered")
      for h, label in HARDSHIP_LABELS),
    Column("representative_weight", codes="raked to the population margins (blank: not in the newest analysis)"),
    Column("affectedness", codes="0 to 1: weighted share of the equity lens's criteria met"),
    Column("equity_weight", codes="representative_weight x (1 + emphasis x affectedness), at the lens's emphasis"),
]
RATING_COLUMNS = [
    Column("response_id"), Column("need", codes="need key (see the need_* rows)"),
    Column("importance", codes="1 not important … 5 extremely important"),
    Column("top_three", codes="1 in the respondent's top three; 0 not"),
]
ANSWER_COLUMNS = [
    Column("answer_id"), Column("response_id"),
    Column("question", codes="; ".join(OPEN_QUESTIONS)), Column("language", codes="language code; und: another"),
    Column("text", codes="verbatim"), Column("theme_id", codes="theme number (blank: no theme)"),
    Column("theme", codes="theme name, as the lead left it"),
]
MEMBER_COLUMNS = [
    Column("response_id"), Column("received_at"), Column("form_language"), Column("listed_in_directory"),
    Column("organisation"), Column("sector", codes="; ".join(SECTORS)), Column("sector_other", codes="as typed"),
    Column("involvement", codes="; ".join(INVOLVEMENT_LEVELS)),
    Column("lived_experience", codes="1 yes; 0 no; blank not answered"),
    *(Column(question, codes="codes separated by ';': " + "; ".join(MEMBER_CHOICE_CODES[question]))
      for question in CHOICE_QUESTIONS),
    Column("other_languages", codes="as typed"),
    *(Column(competency_column(key), codes="1 need to learn … 4 can teach others; blank not answered")
      for key in COMPETENCIES),
    Column("help_involved", codes="verbatim"),
    Column("name", codes="personal contact field", contact=True),
    Column("email", codes="personal contact field", contact=True),
    Column("phone", codes="personal contact field", contact=True),
]
COLUMNS = {"responses": RESPONSE_COLUMNS, "ratings": RATING_COLUMNS, "answers": ANSWER_COLUMNS,
           "members": MEMBER_COLUMNS}


def columns_for(table: str, include_contact: bool = False) -> list[Column]:
    """The table's columns, without personal contact fields unless ``include_contact``."""
    return [c for c in COLUMNS[table] if include_contact or not c.contact]


def _campaign_responses(campaign: Campaign, instrument: str):
    return (Response.campaign_id == campaign.id) & (Response.instrument == instrument)


def _stream(query) -> Iterator:
    """Rows of ``query`` fetched in batches (server-side cursor where the backend has one)."""
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def response_rows(campaign: Campaign) -> Iterator[list]:
    """One row per priority response: its event, paper form and who entered it, its profile, its newest weights."""
    run = latest_run(campaign.id)
    emphasis = parse_equity(run.settings.get("equity_toml", "")).emphasis if run else 1.0
    query = (
        select(Response.id, Response.received_at, Response.created_at, Response.language, Response.channel,
               Event.id, Event.name, Response.paper_number, User.email,
               *(getattr(Profile, c) for c in (*PROFILE, *HARDSHIPS)),
               RespondentWeight.representative, RespondentWeight.affectedness)
        .outerjoin(Event, Event.id == Response.event_id).outerjoin(User, User.id == Response.entered_by_id)
        .outerjoin(Profile, Profile.response_id == Response.id)
        .outerjoin(RespondentWeight, (RespondentWeight.response_id == Response.id)
                   & (RespondentWeight.run_id == (run.id if run else -1)))
        .where(_campaign_responses(campaign, "priority")).order_by(Response.id)
    )
    for row in _stream(query):
        *values, representative, affectedness = row
        equity = None if representative is None else representative * (1 + emphasis * affectedness)
        yield [*values, representative, affectedness, equity]


def rating_rows(campaign: Campaign) -> Iterator[list]:
    """One row per rating (long format)."""
    query = (select(Rating.response_id, Need.key, Rating.importance, Rating.top_three)
             .join(Need, Need.id == Rating.need_id).join(Response, Response.id == Rating.response_id)
             .where(_campaign_responses(campaign, "priority")).order_by(Rating.response_id, Need.position))
    for row in _stream(query):
        yield list(row)


def answer_rows(campaign: Campaign) -> Iterator[list]:
    """One row per open answer, with its theme."""
    query = (select(Answer.id, Answer.response_id, Answer.question, Answer.language, Answer.text, Theme.id,
                    Theme.label)
             .join(Response, Response.id == Answer.response_id)
             .outerjoin(AnswerTheme, AnswerTheme.answer_id == Answer.id)
             .outerjoin(Theme, Theme.id == AnswerTheme.theme_id)
             .where(_campaign_responses(campaign, "priority")).order_by(Answer.id))
    for row in _stream(query):
        yield list(row)


def member_rows(campaign: Campaign, include_contact: bool = False) -> Iterator[list]:
    """One row per member assessment, every answer in it; contact fields only when ``include_contact``.

    A coalition has dozens or hundreds of members, not thousands: they are read whole, with their choices.
    """
    assessments = db.session.execute(
        select(Response.received_at, Response.language, MemberAssessment)
        .join(MemberAssessment, MemberAssessment.response_id == Response.id)
        .where(_campaign_responses(campaign, "member")).order_by(Response.id)).all()
    help_texts: dict[int, list[str]] = {}
    for response_id, text in db.session.execute(
            select(Answer.response_id, Answer.text).join(Response, Response.id == Answer.response_id)
            .where(_campaign_responses(campaign, "member"), Answer.question == "help_involved").order_by(Answer.id)):
        help_texts.setdefault(response_id, []).append(text)
    for received_at, language, member in assessments:
        row = [member.response_id, received_at, language, member.directory_consent, member.organisation,
               member.sector, member.sector_other, member.involvement,
               None if member.lived_experience is None else int(member.lived_experience),
               *(";".join(member.chosen(question)) for question in CHOICE_QUESTIONS), member.other_languages,
               *(member.competency(key) for key in COMPETENCIES), "\n\n".join(help_texts.get(member.response_id, []))]
        yield row + [member.name, member.email, member.phone] if include_contact else row


def codebook_rows(campaign: Campaign, include_contact: bool = False) -> tuple[list[str], list[list]]:
    """Header and rows of the codebook: every column of every table, its question in each language, its codes."""
    languages = list(campaign.languages)
    header = ["table", "column", *(f"question_{code}" for code in languages), "codes"]
    rows = []

    def texts(question) -> list[str]:
        if question is None:
            return [""] * len(languages)
        out = []
        for code in languages:
            with force_locale(LANGUAGES[code].locale if code in LANGUAGES else code):
                out.append(str(question()))
        return out

    for table, columns in COLUMNS.items():
        for column in columns:
            if column.contact and not include_contact:
                continue
            rows.append([table, column.name, *texts(column.question), column.codes])
    for question, text in OPEN_QUESTIONS.items():
        rows.append(["answers", f"question={question}", *texts(lambda text=text: str(text)), "open question"])
    for need in campaign.needs:
        names = [(need.texts.get(code) or need.texts.get(campaign.default_language)) for code in languages]
        rows.append(["ratings", f"need={need.key}", *(n.name if n else "" for n in names),
                     "retired" if need.retired_at else "asked"])
    return header, rows


def table_rows(campaign: Campaign, table: str, include_contact: bool = False) -> tuple[list[str], Iterator]:
    """Header and row generator of one table."""
    if table == "codebook":
        header, rows = codebook_rows(campaign, include_contact)
        return header, iter(rows)
    header = [c.name for c in columns_for(table, include_contact)]
    rows = {"responses": response_rows, "ratings": rating_rows, "answers": answer_rows}.get(table)
    return header, (rows(campaign) if rows else member_rows(campaign, include_contact))


#: rows a sheet holds (Excel's limit, header included); a longer table goes on over "ratings 2"…
SHEET_ROWS = 1_048_576


def write_xlsx(campaign: Campaign, include_contact: bool = False):
    """Every table as a sheet of one XLSX file (written row by row); returns the open temporary file.

    A table longer than a sheet goes on over numbered sheets, each with the header, so no row is lost.
    """
    import xlsxwriter

    handle = tempfile.TemporaryFile()
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    # a text cell a spreadsheet would run if it were typed: kept as written, marked as text that stays
    # text when edited (shown without the apostrophe CSV needs: "+1 206 555 0100" reads as it was given)
    as_text = workbook.add_format({"quote_prefix": True})
    for table in TABLES:
        header, rows = table_rows(campaign, table, include_contact)
        sheets = 0
        r = SHEET_ROWS
        for row in rows:
            if r == SHEET_ROWS:
                sheets += 1
                sheet = workbook.add_worksheet(table if sheets == 1 else f"{table} {sheets}")
                sheet.write_row(0, 0, header, bold)
                r = 1
            for c, value in enumerate(row):
                cell = cell_value(value)
                if isinstance(cell, str):
                    sheet.write_string(r, c, cell, as_text if looks_like_formula(cell) else None)
                else:
                    sheet.write_number(r, c, cell)
            r += 1
        if not sheets:  # an empty table still has its sheet, with the header
            workbook.add_worksheet(table).write_row(0, 0, header, bold)
    workbook.close()
    handle.seek(0)
    return handle


# lazily translated names of the tables, for the exports page
TABLE_NAMES = {
    "responses": _l("Responses: one row per response, with its event, paper form number, who entered it, "
                    "its profile and weights"),
    "ratings": _l("Ratings: one row per need rated (long format)"),
    "answers": _l("Open answers: one row per answer, with its theme"),
    "members": _l("Member assessments: one row per member"),
    "codebook": _l("Codebook: every column, its question in each language, its codes"),
}
