"""Member assessments: storing them once, and what they tell the coalition it has and lacks.

A coalition has tens or hundreds of members, not thousands, so the summary reads every
assessment of the campaign once and counts in Python: the same exact numbers on SQLite
and PostgreSQL, and plain functions a test can feed known data.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, insert, select

from webapp.extensions import db
from webapp.models import Answer, MemberAssessment, MemberChoice, Response
from webapp.models.members import (
    ASSETS,
    COMPETENCIES,
    COMPETENCY_LEVELS,
    DAYS,
    INVOLVEMENT_LEVELS,
    MODES,
    SECTORS,
    SKILLS,
    TIMES,
)
from webapp.services.open_answers import OpenAnswer
from webapp.services.submissions import Outcome, content_hash_of, store_once

#: a language at least this share of residents answered the survey in should be spoken by a member
RESIDENT_LANGUAGE_FLAG_SHARE = Fraction(5, 100)

#: the columns that say who a member is; kept only with consent to be listed
IDENTITY = ("name", "email", "phone", "organisation")


@dataclass
class MemberSubmission:
    """One member's assessment, as plain data."""

    client_uuid: uuid.UUID
    language: str
    sector: str
    involvement: str
    directory_consent: bool = False
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    organisation: str | None = None
    sector_other: str | None = None
    lived_experience: bool | None = None
    other_languages: str | None = None
    #: question (a CHOICE_QUESTIONS value) -> the values ticked
    choices: dict[str, list[str]] = field(default_factory=dict)
    #: competency key -> 1–4
    competencies: dict[str, int] = field(default_factory=dict)
    #: question -> (text, language it was written in)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)

    def columns(self) -> dict:
        """The member_assessment columns; who the member is only when they agreed to be listed."""
        values = {
            "directory_consent": self.directory_consent, "sector": self.sector, "sector_other": self.sector_other,
            "lived_experience": self.lived_experience, "involvement": self.involvement,
            "other_languages": self.other_languages,
            **{f"competency_{key}": self.competencies.get(key) for key in COMPETENCIES},
        }
        for name in IDENTITY:
            values[name] = getattr(self, name) if self.directory_consent else None
        return values

    def canonical(self, campaign_slug: str) -> dict:
        """The content that makes two submissions 'the same'."""
        return {
            "campaign": campaign_slug, "instrument": "member", "language": self.language, **self.columns(),
            "choices": {q: sorted(set(v)) for q, v in sorted(self.choices.items()) if v},
            "answers": {q: list(v) for q, v in sorted(self.answers.items())},
        }


def store_member_assessment(campaign, submission: MemberSubmission, content_hash: str | None = None
                            ) -> tuple[Outcome, int | None]:
    """Store an assessment once per client UUID (``campaign`` has ``id`` and ``slug``)."""
    def write_rows(response_id: int) -> None:
        db.session.execute(insert(MemberAssessment), [{"response_id": response_id, **submission.columns()}])
        choices = [{"response_id": response_id, "question": question, "value": value}
                   for question, values in submission.choices.items() for value in sorted(set(values))]
        if choices:
            db.session.execute(insert(MemberChoice), choices)
        if submission.answers:
            db.session.execute(insert(Answer), [
                {"response_id": response_id, "question": question, "text": text, "language": language}
                for question, (text, language) in submission.answers.items()])

    return store_once({
        "client_uuid": submission.client_uuid,
        "content_hash": content_hash or content_hash_of(submission.canonical(campaign.slug)),  # the caller's if given
        "campaign_id": campaign.id, "instrument": "member", "language": submission.language, "channel": "web",
    }, write_rows)


# --- reading them back --------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One stored assessment as the leads' pages read it."""

    response_id: int
    received_at: dt.datetime
    language: str
    directory_consent: bool
    name: str | None
    email: str | None
    phone: str | None
    organisation: str | None
    sector: str
    sector_other: str | None
    lived_experience: bool | None
    involvement: str
    other_languages: str | None
    choices: dict[str, tuple[str, ...]]
    competencies: dict[str, int | None]
    answers: tuple[OpenAnswer, ...] = ()

    def chosen(self, question: str) -> tuple[str, ...]:
        """The values ticked for ``question``, sorted."""
        return self.choices.get(question, ())

    @property
    def speaks(self) -> set[str]:
        """Our language codes the member speaks (someone who interprets a language speaks it)."""
        return set(self.chosen("language")) | set(self.chosen("translation_language"))

    @property
    def display_name(self) -> str:
        """How the directory names a consenting member: name, organization, or both."""
        if self.name and self.organisation:
            return f"{self.name} ({self.organisation})"
        return self.name or self.organisation or ""


def load_members(campaign_id: int) -> list[Member]:
    """Every assessment of the campaign, oldest first."""
    rows = db.session.execute(
        select(MemberAssessment, Response.received_at, Response.language)
        .join(Response, Response.id == MemberAssessment.response_id)
        .where(Response.campaign_id == campaign_id, Response.instrument == "member")
        .order_by(Response.received_at, Response.id)
    ).all()
    answers: dict[int, list[OpenAnswer]] = {}
    for answer in db.session.scalars(
            select(Answer).join(Response, Response.id == Answer.response_id)
            .where(Response.campaign_id == campaign_id, Response.instrument == "member").order_by(Answer.id)):
        answers.setdefault(answer.response_id, []).append(OpenAnswer(answer.question, answer.text, answer.language))
    members = []
    for assessment, received_at, language in rows:
        choices: dict[str, list[str]] = {}
        for choice in assessment.choices:
            choices.setdefault(choice.question, []).append(choice.value)
        members.append(Member(
            response_id=assessment.response_id, received_at=received_at, language=language,
            directory_consent=assessment.directory_consent, name=assessment.name, email=assessment.email,
            phone=assessment.phone, organisation=assessment.organisation, sector=assessment.sector,
            sector_other=assessment.sector_other, lived_experience=assessment.lived_experience,
            involvement=assessment.involvement, other_languages=assessment.other_languages,
            choices={q: tuple(sorted(v)) for q, v in choices.items()},
            competencies={key: assessment.competency(key) for key in COMPETENCIES},
            answers=tuple(answers.get(assessment.response_id, ())),
        ))
    return members


def resident_language_counts(campaign_id: int) -> dict[str, int]:
    """Language code -> how many residents answered the priority survey in it."""
    rows = db.session.execute(
        select(Response.language, func.count()).where(Response.campaign_id == campaign_id,
                                                      Response.instrument == "priority")
        .group_by(Response.language))
    return {language: count for language, count in rows}


# --- what the coalition has and lacks -------------------------------------------------------


@dataclass(frozen=True)
class OptionCount:
    """How many members ticked one skill or asset, and which of them may be named."""

    key: str
    count: int
    #: display names of the consenting members among them
    who: tuple[str, ...]

    @property
    def unnamed(self) -> int:
        """Members who ticked it but are not listed."""
        return self.count - len(self.who)


@dataclass(frozen=True)
class LanguageCoverage:
    """A language residents answered in or members speak, side by side."""

    code: str
    residents: int
    #: share of all residents' responses (None when there are none)
    residents_share: Fraction | None
    members: int
    who: tuple[str, ...]
    #: many residents answered in it and no member speaks it
    flagged: bool

    @property
    def unnamed(self) -> int:
        """Members who speak it but are not listed."""
        return self.members - len(self.who)


@dataclass(frozen=True)
class CompetencySummary:
    """Members' self-ratings of one core competency."""

    key: str
    #: level (1–4) -> how many members chose it
    counts: dict[int, int]

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> Fraction | None:
        return Fraction(sum(level * count for level, count in self.counts.items()), self.n) if self.n else None


@dataclass(frozen=True)
class MembersSummary:
    """What the coalition's members bring, and what nobody covers."""

    total: int
    consenting: int
    skills: list[OptionCount]
    assets: list[OptionCount]
    #: involvement level -> count, from leading to keep me informed
    pyramid: list[tuple[str, int]]
    #: sector -> count, every sector in form order
    sectors: list[tuple[str, int]]
    #: (yes, no) answers to "do you live with the issues?"
    lived_experience: tuple[int, int]
    residents_total: int
    languages: list[LanguageCoverage]
    #: question ("day", "time", "mode") -> [(value, count)]
    availability: dict[str, list[tuple[str, int]]]
    competencies: list[CompetencySummary]
    answers: list[OpenAnswer]

    @property
    def gaps(self) -> list[tuple[str, str]]:
        """(question, key) of every skill and asset no member has."""
        return ([("skill", option.key) for option in self.skills if option.count == 0]
                + [("asset", option.key) for option in self.assets if option.count == 0])

    @property
    def flagged_languages(self) -> list[LanguageCoverage]:
        return [language for language in self.languages if language.flagged]


def _option_counts(members: list[Member], question: str, keys: Iterable[str]) -> list[OptionCount]:
    return [OptionCount(key, sum(key in m.chosen(question) for m in members),
                        tuple(m.display_name for m in members
                              if key in m.chosen(question) and m.directory_consent and m.display_name))
            for key in keys]


def language_coverage(members: list[Member], residents: dict[str, int]) -> list[LanguageCoverage]:
    """Residents' languages against members' languages, most-answered first.

    Coverage counts every member; names only the consenting ones. A language is flagged
    when at least RESIDENT_LANGUAGE_FLAG_SHARE of residents' responses are in it and no
    member speaks it.
    """
    total = sum(residents.values())
    speakers = Counter(code for m in members for code in m.speaks)
    result = []
    for code in sorted(set(residents) | set(speakers), key=lambda c: (-residents.get(c, 0), -speakers[c], c)):
        share = Fraction(residents.get(code, 0), total) if total else None
        result.append(LanguageCoverage(
            code=code, residents=residents.get(code, 0), residents_share=share, members=speakers[code],
            who=tuple(m.display_name for m in members if code in m.speaks and m.directory_consent and m.display_name),
            flagged=share is not None and share >= RESIDENT_LANGUAGE_FLAG_SHARE and speakers[code] == 0,
        ))
    return result


def summarize_members(members: list[Member], residents: dict[str, int]) -> MembersSummary:
    """The members' summary from their assessments and residents' language counts."""
    involvement = Counter(m.involvement for m in members)
    sectors = Counter(m.sector for m in members)
    return MembersSummary(
        total=len(members),
        consenting=sum(m.directory_consent for m in members),
        skills=_option_counts(members, "skill", SKILLS),
        assets=_option_counts(members, "asset", ASSETS),
        pyramid=[(level, involvement[level]) for level in INVOLVEMENT_LEVELS],
        sectors=[(sector, sectors[sector]) for sector in SECTORS],
        lived_experience=(sum(m.lived_experience is True for m in members),
                          sum(m.lived_experience is False for m in members)),
        residents_total=sum(residents.values()),
        languages=language_coverage(members, residents),
        availability={question: [(key, sum(key in m.chosen(question) for m in members)) for key in keys]
                      for question, keys in (("day", DAYS), ("time", TIMES), ("mode", MODES))},
        competencies=[CompetencySummary(key, {level: sum(m.competencies.get(key) == level for m in members)
                                              for level in COMPETENCY_LEVELS}) for key in COMPETENCIES],
        answers=[answer for m in members for answer in m.answers],
    )


def members_summary(campaign_id: int) -> MembersSummary:
    """The members' summary of a campaign."""
    return summarize_members(load_members(campaign_id), resident_language_counts(campaign_id))
