"""What :class:`analysis.themes.ThemeModel` accepts: answers, language codes, weights.

Answers come from forms and files: ``None`` or a number where text was expected
is read as text (``None`` as no answer), and a list of the wrong length is
refused with a message that says which.
"""
from __future__ import annotations

import numpy as np


def as_text(value) -> str:
    """An answer as text; ``None`` is no answer."""
    return "" if value is None else str(value)


def check_languages(languages, n: int) -> list[str | None]:
    """One language code (or ``None``: guess it) per text; ``None`` for all when none are given."""
    if languages is None:
        return [None] * n
    languages = list(languages)
    if len(languages) != n:
        raise ValueError(f"got {len(languages)} languages for {n} texts")
    return [None if code is None else str(code) for code in languages]


def check_weights(weights, n: int) -> np.ndarray:
    """One survey weight per text; 1 for all when none are given."""
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    if weights.shape != (n,):
        raise ValueError("weights must have one value per text")
    return weights
