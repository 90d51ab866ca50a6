"""Data for the themes benchmark: the labelled public sets and a synthetic corpus for speed.

The labelled sets live in ``../shared/data`` next to the repository (override
with ``CHORUS_DATA_DIR``). For the speed runs at 10,000 and 100,000 answers
there is no real corpus that large here, so :func:`synthetic_answers` builds one
honestly from the real sentences: each synthetic answer is a real sentence of
Banking77 or of the English and Spanish intent sets, drawn at random, with
about one word in ten dropped, one random pair of neighbouring words swapped,
and one time in five a second sentence of the same language appended, so that
answers are not exact duplicates. It measures speed and memory, not quality.
"""
from __future__ import annotations

import csv
import os
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parent.parent


def data_dir() -> pathlib.Path:
    """Folder holding the labelled CSV files: $CHORUS_DATA_DIR, else ../shared/data, else /work/shared/data."""
    override = os.environ.get("CHORUS_DATA_DIR")
    if override:
        return pathlib.Path(override)
    for candidate in (ROOT.parent / "shared" / "data", pathlib.Path("/work/shared/data")):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the labelled data sets are not here: set CHORUS_DATA_DIR to the folder holding them")


def read_rows(name: str) -> list[dict]:
    with open(data_dir() / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def banking77():
    """``(texts, labels)`` of Banking77's test split."""
    rows = read_rows("banking77_test.csv")
    return [r["text"] for r in rows], [r["category"] for r in rows]


def intents_en_es():
    """``(texts, labels, languages)`` of the pooled English and Spanish intent sets."""
    rows = read_rows("multilingual_intents_dev_en.csv") + read_rows("multilingual_intents_dev_es.csv")
    return [r["text"] for r in rows], [r["intent"] for r in rows], [r["language"] for r in rows]


def synthetic_answers(n: int, seed: int = 0):
    """``(texts, languages)``: ``n`` answers resampled from the real sentences and perturbed."""
    b_texts, _ = banking77()
    i_texts, _, i_languages = intents_en_es()
    pool = [(t, "en") for t in b_texts] + list(zip(i_texts, i_languages))
    rng = random.Random(seed)
    texts, languages = [], []
    for _ in range(n):
        text, language = rng.choice(pool)
        words = text.split()
        if rng.random() < 0.2:
            other, other_language = rng.choice(pool)
            if other_language == language:
                words += other.split()
        words = [w for w in words if rng.random() > 0.1] or words[:1]
        if len(words) > 2:
            j = rng.randrange(len(words) - 1)
            words[j], words[j + 1] = words[j + 1], words[j]
        texts.append(" ".join(words))
        languages.append(language)
    return texts, languages
