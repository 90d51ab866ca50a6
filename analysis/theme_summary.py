"""Describe fitted themes for people: top terms, a short label, representative quotes."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from analysis import nonanswers, textnorm


@dataclass
class Theme:
    """One theme found in the answers.

    Attributes
    ----------
    id : int
        Position in ``ThemeModel.themes_`` (0 is the largest theme).
    label : str
        Two or three readable top terms, e.g. ``"rent / expensive / house"``.
    terms : list of str
        Up to ten distinctive terms, most distinctive first, as readable words.
    size : int
        Number of answers assigned to the theme.
    examples : list of str
        Three to five representative answers, verbatim, in their own language
        (show them through :func:`mask_contact_details`).
    example_languages : list of str
        Language code of each example.
    example_counts : list of int
        How many answers of the theme gave each example: the same words up to
        case, spacing and punctuation, or nearly (a pasted petition with a name
        added). Shown as "×N" beside the quote.
    weighted_size : float
        Sum of the answers' weights (equals ``size`` when no weights were given).
    languages : dict
        ``{language code: number of answers}``.
    """

    id: int
    label: str
    terms: list[str]
    size: int
    examples: list[str]
    example_languages: list[str]
    weighted_size: float = 0.0
    languages: dict[str, int] = field(default_factory=dict)
    example_counts: list[int] = field(default_factory=list)


#: the most times one text counts in naming its theme: a petition pasted by forty does not name
#: the theme of what residents wrote themselves, but does name one that holds little else
LABEL_COPIES = 3


def describe_themes(X, word_part, ids, n_themes: int, distinct, group, texts, languages, weights,
                    vocabulary, surface, n_examples: int = 5, report=None) -> list[Theme]:
    """A :class:`Theme` for each theme id ``0 … n_themes - 1``: terms, label, quotes, sizes.

    ``X``, ``word_part`` and ``ids`` have a row per distinct answer, the answer
    ``texts[distinct[j]]``; ``group[i]`` is the row of text ``i`` (-1: no theme).
    ``languages`` and ``weights`` have a value per text; ``surface`` gives a
    feature's readable words (:meth:`analysis.features.AnswerAnalyzer.surface`).
    """
    answered = np.flatnonzero(group >= 0)
    copies = np.bincount(group[answered], minlength=len(distinct))
    presence = (word_part != 0).astype(np.float32)
    counted = np.minimum(copies, LABEL_COPIES).astype(np.float32)
    scores = class_tfidf((sp.diags(counted) @ presence).tocsr(), ids, n_themes)
    distinct_texts = [texts[i] for i in distinct]
    distinct_languages = [languages[i] for i in distinct]
    themes = []
    for theme_id in range(n_themes):
        rows = np.flatnonzero(ids == theme_id)
        members = answered[ids[group[answered]] == theme_id]
        terms = top_terms(scores[theme_id], vocabulary, surface)
        examples, example_languages = representative_examples(
            X, rows, distinct_texts, distinct_languages, n_examples, copies=copies)
        themes.append(Theme(
            id=theme_id, label=make_label(terms), terms=terms, size=len(members),
            examples=examples, example_languages=example_languages,
            example_counts=quote_counts(examples, [texts[i] for i in members]),
            weighted_size=float(weights[members].sum()),
            languages=dict(Counter(languages[i] for i in members).most_common()),
        ))
        if report is not None:
            report("describe", theme_id + 1, n_themes)
    return themes


def class_tfidf(counts: sp.csr_matrix, labels: np.ndarray, n_themes: int) -> np.ndarray:
    """Class-based TF-IDF (terms × themes as themes × terms): how distinctive a term is for a theme."""
    indicator = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                              shape=(n_themes, len(labels)))
    per_theme = np.asarray((indicator @ counts).todense(), dtype=float)
    theme_totals = per_theme.sum(axis=1, keepdims=True)
    term_totals = per_theme.sum(axis=0)
    average = theme_totals.mean() if theme_totals.size else 1.0
    tf = per_theme / np.maximum(theme_totals, 1.0)
    return tf * np.log1p(average / np.maximum(term_totals, 1.0))


def top_terms(scores: np.ndarray, vocabulary: np.ndarray, surface, n_terms: int = 10) -> list[str]:
    """Readable top terms of one theme: distinct surfaces, no unigram repeated inside a higher bigram."""
    terms: list[str] = []
    seen: set[str] = set()
    for index in np.argsort(-scores, kind="stable"):
        if scores[index] <= 0 or len(terms) >= n_terms:
            break
        words = surface(vocabulary[index])
        if words in seen or (" " not in words and any(words in t.split(" ") for t in terms)):
            continue
        if any(textnorm.strip_accents(word) in nonanswers.fillers() for word in words.split(" ")):
            continue  # "lol", "i think": residents' fillers, no theme's name
        if " " in words and len(set(words.split(" "))) < 2:
            continue
        seen.add(words)
        terms.append(words)
    return terms


def make_label(terms: list[str]) -> str:
    """Short human label from the top terms (two or three words or phrases)."""
    picked: list[str] = []
    for term in terms:
        if any(word in p.split(" ") for p in picked for word in term.split(" ")):
            continue
        picked.append(term)
        if len(picked) == 3 or sum(len(p.split(" ")) for p in picked) >= 3:
            break
    return " / ".join(picked) if picked else "(no words)"


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: digit runs with phone-like separators; 7+ digits, so prices, years and
#: "2 hours" are left alone (mask_contact_details rules out more)
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{5,}\d(?!\w)")
_YEAR_SPAN = re.compile(r"\d{4}\s*-\s*\d{4}")
#: digit groups split by spaces alone are a phone number only in a phone's shape
#: (555 0100, 617 555 0100, 06 12 34 56 78); "1200 1500 1800" or "born 1990 1991" are numbers
_SPACED_PHONE = re.compile(r"(?:\d{3} )?\d{3} \d{4}|\d{2}(?: \d{2}){3,6}")


def mask_contact_details(text: str, phone_mark: str = "[phone]", email_mark: str = "[email]") -> str:
    """Replace phone numbers and e-mail addresses by ``phone_mark`` / ``email_mark``.

    Quotes are shown to coalition leads and exported; a resident's contact
    details must not travel with them.
    """
    def phone(match):
        found = match.group().strip()
        digits = sum(c.isdigit() for c in found)
        if digits < 7 or digits > 15 or _YEAR_SPAN.fullmatch(found):
            return match.group()
        if not found.startswith(("+", "(")) and not re.search(r"[().-]", found) and " " in found \
                and not _SPACED_PHONE.fullmatch(" ".join(found.split())):
            return match.group()
        return phone_mark
    return _PHONE.sub(phone, _EMAIL.sub(lambda _address: email_mark, text))


def _dedupe_key(text: str) -> str:
    """The same answer up to case, spacing and punctuation has the same key."""
    return re.sub(r"\W+", " ", text.casefold()).strip()


#: share of words two answers have in common (Jaccard) from which one counts as a copy
#: of the other (a pasted petition with a hashtag or a name added): quoted once, counted
NEAR_COPY = 0.8


def _is_near_copy(words: frozenset, others) -> bool:
    return any(len(words & o) >= NEAR_COPY * len(words | o) for o in others)


def representative_examples(X, rows: np.ndarray, texts, languages, n_examples: int = 5, copies=None):
    """Up to ``n_examples`` distinct answers closest to the theme's centroid,
    verbatim (callers find the answers by their text; mask them when shown).

    ``copies[r]`` is how many answers row ``r`` of ``X`` stands for (default 1):
    the centroid counts each answer given. An answer that is the same as, or a
    near-copy of, one already quoted is not quoted again. When a second or
    third language holds at least a tenth of the theme, its best answer takes
    the last place(s), so a lead sees that the theme crosses languages.
    """
    if len(rows) == 0:
        return [], []
    copies = np.ones(X.shape[0]) if copies is None else np.asarray(copies, dtype=float)
    members = X[rows]
    centroid = normalize(np.asarray(members.multiply(copies[rows][:, None]).sum(axis=0)))
    similarity = np.asarray(members @ centroid.T).ravel()
    order = rows[np.argsort(-similarity, kind="stable")]
    chosen, seen = [], []
    for row in order:
        words = frozenset(_dedupe_key(texts[row]).split())
        if not words or _is_near_copy(words, seen):
            continue
        seen.append(words)
        chosen.append(row)
        if len(chosen) >= 4 * n_examples:
            break
    picked = chosen[:n_examples]
    share = Counter()
    for r in rows:
        share[languages[r]] += copies[r]
    dominant = share.most_common(1)[0][0]
    for language, count in share.most_common(3)[1:]:
        if count < 0.1 * share.total() or any(languages[r] == language for r in picked):
            continue
        candidate = next((r for r in chosen if languages[r] == language), None)
        if candidate is None:
            continue
        slots = [i for i in range(len(picked) - 1, 0, -1) if languages[picked[i]] == dominant]
        if len(picked) < n_examples:
            picked.append(candidate)
        elif slots:
            picked[slots[0]] = candidate
    return [texts[r] for r in picked], [languages[r] for r in picked]


def quote_counts(quotes, answers) -> list[int]:
    """How many of ``answers`` each quote stands for: the same words up to case,
    spacing and punctuation, or a near copy (see :data:`NEAR_COPY`)."""
    keys = [frozenset(_dedupe_key(q).split()) for q in quotes]
    counts = [0] * len(quotes)
    for key, n in Counter(_dedupe_key(a) for a in answers).items():
        words = frozenset(key.split())
        for j, quoted in enumerate(keys):
            # a near copy has about as many words: most answers are ruled out by length alone
            if words and NEAR_COPY * len(quoted) <= len(words) <= len(quoted) / NEAR_COPY \
                    and _is_near_copy(words, [quoted]):
                counts[j] += n
                break
    return [max(1, c) for c in counts]
