"""The member directory leads search, and the members' CSV export."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from analysis.textnorm import folded
from webapp.models.members import COMPETENCIES
from webapp.services.members import IDENTITY, Member


def search_directory(members: list[Member], query: str = "", label: Callable[[str, str], str] | None = None
                     ) -> list[Member]:
    """Consenting members matching every word of ``query`` (all of them when it is blank).

    A word matches the name, organization, email, phone, the sector, skills, assets and
    languages (their codes, and their names through ``label(question, key)``).
    """
    listed = [m for m in members if m.directory_consent]
    words = [folded(word) for word in query.split()]
    if not words:
        return listed

    def haystack(m: Member) -> str:
        parts = [m.name, m.email, m.phone, m.organisation, m.sector_other, m.other_languages]
        tagged = [("sector", m.sector), ("involvement", m.involvement)]
        tagged += [(question, value) for question, values in m.choices.items() for value in values]
        parts += [value for _question, value in tagged]
        if label is not None:
            parts += [label(question, value) for question, value in tagged]
        return folded(" ".join(str(part) for part in parts if part))

    return [m for m in listed if all(word in haystack(m) for word in words)]


EXPORT_HEADER = [
    "response_id", "received_at", "form_language", "listed_in_directory", *IDENTITY, "sector", "sector_other",
    "involvement", "skills", "translation_languages", "assets", "languages", "other_languages", "days", "times",
    "meeting_modes", *(f"competency_{key}" for key in COMPETENCIES), "help_involved",
]


def export_rows(members: list[Member]) -> Iterator[list]:
    """One CSV row per member (EXPORT_HEADER); who they are only for consenting members.

    "Do you live with the issues?" is left out: the form promises it is only counted.
    """
    for m in members:
        identity = [getattr(m, name) if m.directory_consent else None for name in IDENTITY]
        help_text = "\n\n".join(a.text for a in m.answers if a.question == "help_involved") or None
        yield [
            m.response_id, m.received_at, m.language, m.directory_consent, *identity, m.sector, m.sector_other,
            m.involvement, list(m.chosen("skill")), list(m.chosen("translation_language")), list(m.chosen("asset")),
            list(m.chosen("language")), m.other_languages, list(m.chosen("day")), list(m.chosen("time")),
            list(m.chosen("mode")), *(m.competencies.get(key) for key in COMPETENCIES), help_text,
        ]
