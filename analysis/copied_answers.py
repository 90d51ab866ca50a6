"""Answers given word for word by several people: a petition pasted by forty, "Rent!" and "rent".

Each is counted as many times as it was given. A long one was copied rather
than written by each (a petition, a text passed around): it is clustered once
(:func:`fitted_rows`), then placed with the answers residents wrote themselves
that share its words, or made a theme of its own (:func:`place_copied_answers`).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from analysis.theme_summary import NEAR_COPY

#: an answer of this many feature words or more, given word for word by several
#: people, was copied (a petition, a text passed around) rather than written by each
COPIED_WORDS = 6

#: a copied answer belongs in a theme when at least this share of the theme's answers
#: has a word in common with it, relative to the share its own answers typically have
COPY_FIT = 0.5


def first_copies(languages, docs, chars) -> np.ndarray:
    """For each answer, the row of the first answer with the same features (-1: no features)."""
    first: dict[tuple[str, str, str], int] = {}
    return np.array([first.setdefault((languages[i], doc, chars[i]), i) if doc else -1
                     for i, doc in enumerate(docs)], dtype=int)


def _is_long(doc: str) -> bool:
    return doc.count(" ") + 1 >= COPIED_WORDS


def fitted_rows(copy_of: np.ndarray, docs) -> np.ndarray:
    """Rows to cluster: every usable row, except that a long answer given several times is clustered once.

    Forty copies of a pasted petition are each other's nearest neighbours: clustered
    as forty answers they always made a theme of their own (and, themes chosen
    automatically, squeezed every other need into one or two themes). Short answers
    given by many ("rent", "cancel all alarms") are kept: that many people said the
    same is what a theme is; dropping them cost benchmark quality.
    """
    return np.array([row for row, first in enumerate(copy_of.tolist())
                     if first == row or (first >= 0 and not _is_long(docs[row]))], dtype=int)


def copies_per_row(copy_of: np.ndarray, usable: np.ndarray, docs) -> np.ndarray:
    """How many answers each row of ``usable`` stands for: a copied answer's copies (see
    :func:`fitted_rows`), 1 for the others (a short answer's copies are rows of their own)."""
    copies = np.bincount(copy_of[copy_of >= 0], minlength=len(copy_of))[usable]
    long = np.array([_is_long(docs[row]) for row in usable.tolist()], dtype=bool)
    return np.where(long, copies, 1)


def place_copied_answers(word_part, labels: np.ndarray, copies: np.ndarray, random_state: int,
                         sample: int = 200) -> np.ndarray:
    """Labels in which each copied answer sits with the answers that use its words, or in a theme of its own.

    Clustered once, a pasted petition lands wherever its incidental words lead
    ("stop the evictions" beside "the bus stop") and brings all its copies: forty
    residents' housing demand counted, and quoted, under buses or safety. Only the
    answers residents wrote themselves judge where it belongs: a theme fits it when
    the share of the theme's answers having a word in common with it is at least
    :data:`COPY_FIT` times the share a theme member typically has with the others.
    It stays where the clustering put it if that theme fits, else goes to the best
    fitting one; if none fits, it becomes a theme of its own (with its near copies,
    a petition with a hashtag added), provided its copies are as many as the answers
    of the smallest theme; fewer, it stays where it was.

    Parameters
    ----------
    word_part : sparse matrix
        Word features, a row per entry of ``labels``.
    labels : ndarray of int
        Theme number of each row, as clustered.
    copies : ndarray of int
        How many answers each row stands for (more than one: a copied answer).
    random_state : int
        Seed of the sample of members each theme is measured on.
    sample : int, default=200
        Members per theme on which the typical share is measured.

    Returns
    -------
    ndarray of int
        The labels, copied answers placed; a new theme takes the next unused number.
    """
    labels = np.asarray(labels).copy()
    copied = np.asarray(copies) > 1
    written = np.flatnonzero(~copied)
    if not copied.any() or len(written) == 0:
        return labels
    present = (word_part != 0).astype(np.float32).tocsr()
    themes, theme_of_row = np.unique(labels[written], return_inverse=True)
    sizes = np.bincount(theme_of_row, minlength=len(themes))
    indicator = sp.csr_matrix((np.ones(len(written)), (theme_of_row, np.arange(len(written)))),
                              shape=(len(themes), len(written)))
    typical = _typical_shares(present, written, theme_of_row, len(themes), random_state, sample)
    groups = _near_copy_groups(present, np.flatnonzero(copied))
    heads, written_words = present[[group[0] for group in groups]], present[written]
    shares = np.vstack([(indicator @ ((written_words @ heads[start:start + 64].T) > 0)).T.toarray()
                        for start in range(0, len(groups), 64)]) / sizes
    next_label = labels.max() + 1
    for group, share in zip(groups, shares):
        fits = share >= COPY_FIT * typical
        placed = np.searchsorted(themes, labels[group[0]])
        if placed < len(themes) and themes[placed] == labels[group[0]] and fits[placed]:
            labels[group] = themes[placed]
        elif fits.any():
            labels[group] = themes[np.argmax(np.where(fits, share, -1.0))]
        elif copies[group].sum() >= sizes.min():
            labels[group] = next_label
            next_label += 1
    return labels


def _typical_shares(present, written, theme_of_row, n_themes: int, random_state: int, sample: int) -> np.ndarray:
    """Per theme, the median share of its other answers a member has a word in common with (on a sample)."""
    rng = np.random.RandomState(random_state)
    typical = np.ones(n_themes)
    for theme in range(n_themes):
        members = written[theme_of_row == theme]
        if len(members) > sample:
            members = np.sort(rng.choice(members, size=sample, replace=False))
        if len(members) > 1:
            in_common = (present[members] @ present[members].T).toarray() > 0
            typical[theme] = np.median((in_common.sum(axis=1) - 1) / (len(members) - 1))
    return typical


def _near_copy_groups(present, rows: np.ndarray) -> list[list[int]]:
    """``rows`` grouped with their near copies (see :data:`analysis.theme_summary.NEAR_COPY`);
    each group's first row has the most words."""
    words = [frozenset(present[row].indices.tolist()) for row in rows.tolist()]
    groups: list[list[int]] = []
    keys: list[frozenset] = []
    for row, key in sorted(zip(rows.tolist(), words), key=lambda item: (-len(item[1]), item[0])):
        for group, other in zip(groups, keys):
            if len(key & other) >= NEAR_COPY * len(key | other):
                group.append(row)
                break
        else:
            groups.append([row])
            keys.append(key)
    return groups
