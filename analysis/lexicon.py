"""A multilingual concept codebook: the bridge that lets themes cross languages.

Why a codebook. Residents write about the same few things (rent, food, the bus,
the clinic, safety, jobs) in everyday words. Bag-of-words features are blind to
the fact that *alquiler*, *tiền thuê nhà*, *房租* and *rent* are one thing, so the
textbook method sorts answers by language. Chorus ships project-written word
lists (``analysis/data/lexicon/``) that map everyday words of each shipped
language to an English headword; the feature extractor replaces a matched word
by its headword's English stem, so the Spanish and the English answer share the
feature. This was chosen over the alternatives for the default install because:

* it is small, transparent and editable by a coalition (a TSV file), and works
  offline with no model download and no extra dependency;
* a neural multilingual encoder needs torch and a model download, which the
  default install must not require;
* an offline translation pivot (Apertium) exists for English–Spanish only and
  needs Debian packages outside pip;
* shared character n-grams alone catch cognates (*alarma*/*alarm*) but not the
  everyday words that differ (*recordatorio*/*reminder*, *clima*/*weather*).

The lists are general vocabulary, written by topic from knowledge of the
languages, not from any benchmark's rows: ``codebook.tsv`` (about a hundred
health and social-needs concepts in all eight languages, 150–240 words per
language) and ``es_en.tsv`` (about 650 more everyday Spanish words in 340
concepts; Spanish is the language most US coalitions hear after English). Words not in the lists keep their own stem, so
an answer never loses content because the codebook is incomplete.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from analysis import textnorm

#: languages whose codebook variants are matched as whole words (after stemming)
WORD_LANGUAGES = ("en", "es", "vi", "ar", "tl", "ht")
MAX_PHRASE = 4
KOREAN_PARTICLES = ("에서", "으로", "에게", "까지", "부터", "은", "는", "이", "가", "을", "를", "에", "의", "도", "로", "와", "과", "만")


@dataclass
class Codebook:
    """Word → English-concept index for every shipped language.

    Attributes
    ----------
    phrases : dict
        ``{language: {tuple of stems: tuple of headwords}}`` for languages
        written with spaces (Vietnamese keys are syllables, not stemmed).
    han : dict
        ``{chinese word: tuple of headwords}``, matched by longest match.
    hangul : dict
        ``{korean stem: tuple of headwords}``, matched at the start of an eojeol.
    """

    phrases: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    han: dict[str, tuple[str, ...]] = field(default_factory=dict)
    hangul: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, language: str, variant: str, headword: str) -> None:
        """Register one variant of ``headword`` in ``language``."""
        variant = variant.strip()
        if not variant:
            return
        if language == "zh":
            _append(self.han, textnorm.normalize_text(variant).replace(" ", ""), headword)
        elif language == "ko":
            _append(self.hangul, textnorm.normalize_text(variant).replace(" ", ""), headword)
        else:
            key = tuple(phrase_key(variant, language))
            if key:
                _append(self.phrases.setdefault(language, {}), key, headword)


def _append(index: dict, key, headword: str) -> None:
    current = index.get(key, ())
    if headword not in current:
        index[key] = current + (headword,)


def phrase_key(text: str, language: str) -> list[str]:
    """The match key of a phrase: its stemmed words (a lone word: see :func:`textnorm.match_key`)."""
    pairs = textnorm.words(text, language)
    if language == "vi":
        return [folded for folded, _ in pairs]
    stems = [textnorm.stem_word(folded, surface, language) for folded, surface in pairs]
    if len(pairs) == 1:
        return [textnorm.match_key(pairs[0][0], stems[0])]
    return stems


def _read_table(name: str):
    """Yield ``(header, cells)`` rows of a shipped TSV file, skipping comments."""
    path = resources.files("analysis") / "data" / "lexicon" / name
    header = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = [textnorm.normalize_language(c) or c for c in cells]
            continue
        yield header, cells


@functools.cache
def load_codebook(names: tuple[str, ...] = ("codebook.tsv", "es_en.tsv")) -> Codebook:
    """Load the shipped word lists into one :class:`Codebook` (cached)."""
    book = Codebook()
    for name in names:
        for header, cells in _read_table(name):
            headword = cells[0].strip()
            for language, cell in zip(header[1:], cells[1:]):
                for variant in cell.split(","):
                    book.add(language, variant, headword)
    return book


def korean_lookup(book: Codebook, eojeol: str) -> tuple[str, ...]:
    """Headwords for one Korean eojeol: exact, noun + particle, or stem prefix (≥ 2 characters)."""
    if eojeol in book.hangul:
        return book.hangul[eojeol]
    for particle in KOREAN_PARTICLES:
        if eojeol.endswith(particle) and eojeol[: -len(particle)] in book.hangul:
            return book.hangul[eojeol[: -len(particle)]]
    for width in range(min(len(eojeol) - 1, 6), 1, -1):
        if eojeol[:width] in book.hangul:
            return book.hangul[eojeol[:width]]
    return ()


def han_segments(book: Codebook, run: str) -> list[tuple[str, tuple[str, ...]]]:
    """Split a Han run into codebook words (with headwords) and leftover text (with ``()``)."""
    segments, rest, i = [], [], 0
    while i < len(run):
        for width in range(min(6, len(run) - i), 0, -1):
            headwords = book.han.get(run[i:i + width])
            if headwords:
                if rest:
                    segments.append(("".join(rest), ()))
                    rest = []
                segments.append((run[i:i + width], headwords))
                i += width
                break
        else:
            rest.append(run[i])
            i += 1
    if rest:
        segments.append(("".join(rest), ()))
    return segments
