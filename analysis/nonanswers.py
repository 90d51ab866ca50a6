"""Answers that are no answer: "don't know", "nothing", "n/a", in any shipped language.

Left in, such answers gather into a theme of their own ("idk / none / comment")
or spread over the real ones. The lists are project-made data files:
``analysis/data/nonanswers.txt`` (whole answers) and ``analysis/data/fillers.txt``
(words such as *lol* or *tbh* that say nothing around them).
"""
from __future__ import annotations

import functools
import re
from importlib import resources

from analysis import textnorm


def _answer_key(text: str) -> str:
    """Casefolded words of ``text`` without accents, Arabic marks or punctuation."""
    folded = textnorm.strip_accents(textnorm._fold_word(textnorm.normalize_text(text), "ar"))
    return " ".join(re.sub(r"[\W_]+", " ", folded).split())


@functools.cache
def _non_answers() -> frozenset[str]:
    path = resources.files("analysis") / "data" / "nonanswers.txt"
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(_answer_key(line) for line in lines if line and not line.startswith("#"))


#: an answer this many words long says something, whatever its fillers
MAX_NON_ANSWER_WORDS = 12


@functools.cache
def fillers() -> frozenset[str]:
    """Words that say nothing about a need ("lol", "tbh", "i *think*"), as :func:`_answer_key` writes them."""
    path = resources.files("analysis") / "data" / "fillers.txt"
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(_answer_key(line) for line in lines if line and not line.startswith("#"))


def is_non_answer(text: str, language: str | None = None) -> bool:
    """True when the whole answer only says "don't know", "nothing", "n/a" … (any language).

    Fillers and ``language``'s function words around it do not make it an answer
    ("idk lol", "nothing really", "i think so", "wala naman").
    """
    key = _answer_key(text)
    if key in _non_answers():
        return True
    if key.count(" ") >= MAX_NON_ANSWER_WORDS:
        return False
    stops = _answer_stops(textnorm.normalize_language(language) or "en")
    rest = [word for word in key.split() if word not in fillers()]
    if " ".join(rest) in _non_answers() or (len(rest) < len(key.split()) and all(word in stops for word in rest)):
        return True
    return " ".join(word for word in rest if word not in stops) in _non_answers()


@functools.cache
def _answer_stops(language: str) -> frozenset[str]:
    return frozenset(textnorm.strip_accents(word) for word in textnorm.stop_words(language))
