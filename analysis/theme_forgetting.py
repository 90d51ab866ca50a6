"""What a fitted theme model keeps of the answers it was fitted on, and how it forgets answers deleted on request.

A model is kept after a fit to place later answers (``ThemeModel.transform``), and goes
into every backup. It needs its vocabularies and classifier for that, not the answers:
here it drops each theme's quotes, the words as written and scikit-learn's list of rare
terms. When answers are deleted on request, the terms and the written words only they
gave go too: from the vocabularies (new answers are then placed as if those terms were
absent), and from each theme's terms and label (:func:`without_words`).
"""
from __future__ import annotations

from collections.abc import Sequence

from analysis.features import AnswerAnalyzer
from analysis.theme_inputs import as_text, check_languages
from analysis.theme_summary import make_label


def forget_answers(model, deleted_texts: Sequence[str] = (), deleted_languages=None,
                   kept_texts: Sequence[str] = (), kept_languages=None) -> set[str]:
    """Have fitted ``model`` drop what it holds of its answers that ``transform`` does not need.

    Always: each theme's quotes, the words as written (``analyzer_``'s surfaces) and the rare
    terms scikit-learn lists for introspection (``stop_words_``). With ``deleted_texts``
    (answers deleted on request since the fit) and ``kept_texts`` (every answer still kept),
    the terms only the deleted answers gave are renamed to names no answer can produce, and
    the themes' terms and labels lose the words only they wrote. Returns those words.
    """
    for theme in getattr(model, "themes_", ()):
        theme.examples, theme.example_languages, theme.example_counts = [], [], []
    if hasattr(model, "analyzer_"):
        model.analyzer_ = AnswerAnalyzer(use_codebook=model.use_codebook)
    vectorizers = [v for v in (getattr(model, "word_vectorizer_", None), getattr(model, "char_vectorizer_", None))
                   if v is not None]
    for vectorizer in vectorizers:
        vectorizer.stop_words_ = None  # scikit-learn: "can be safely removed … before pickling"
    if not deleted_texts or not vectorizers:
        return set()
    gone = AnswerAnalyzer(use_codebook=model.use_codebook)
    gone_docs, gone_chars, _ = gone.analyze_answers(
        [as_text(t) for t in deleted_texts], check_languages(deleted_languages, len(deleted_texts)))
    kept = AnswerAnalyzer(use_codebook=model.use_codebook)
    kept_docs, kept_chars, _ = kept.analyze_answers(
        [as_text(t) for t in kept_texts], check_languages(kept_languages, len(kept_texts)))
    for vectorizer, theirs, others in zip(vectorizers, (gone_docs, gone_chars), (kept_docs, kept_chars)):
        terms_of = vectorizer.build_analyzer()
        only_theirs = set().union(*map(terms_of, theirs)) - set().union(*map(terms_of, others))
        for term in only_theirs & vectorizer.vocabulary_.keys():
            column = vectorizer.vocabulary_.pop(term)
            vectorizer.vocabulary_[f"\x00forgotten {column}"] = column  # no answer's text holds a NUL
    words = _written(gone) - _written(kept)
    for theme in getattr(model, "themes_", ()):
        terms = without_words(theme.terms, words)
        if terms != theme.terms:
            theme.terms, theme.label = terms, make_label(terms)
    return words


def _written(analyzer: AnswerAnalyzer) -> set[str]:
    """Every word or phrase as the answers ``analyzer`` read wrote it (the forms theme terms are shown in)."""
    return {surface for counts in analyzer.surfaces.values() for surface in counts}


def without_words(terms: Sequence[str], words: set[str]) -> list[str]:
    """``terms`` (theme terms: words or phrases, as shown) less those that are, or have a word that is, in ``words``."""
    return [term for term in terms if term not in words and not any(word in words for word in term.split(" "))]
