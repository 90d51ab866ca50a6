"""Themes in residents' free-text answers, across languages.

:class:`ThemeModel` is a scikit-learn-style estimator::

    model = ThemeModel(random_state=0).fit(texts, languages)
    for theme in model.themes_:
        print(theme.label, theme.size, theme.examples)
    model.labels_               # theme id (or None) for each text
    model.transform(new_texts, new_languages)   # assign new answers

The method, step by step (each step is justified where it lives):

1. *Features* (:mod:`analysis.features`): per-language normalisation, stop
   words and stemming; everyday words of each shipped language replaced by an
   English concept from the project's codebook (:mod:`analysis.lexicon`), so
   that *alquiler* and *rent* are one feature. Word uni/bigrams and character
   3–5-grams of those tokens, TF-IDF with sublinear term frequency.
2. *Clustering* (:mod:`analysis.clustering`): LSA, per-language centring, a
   cosine k-NN graph, its spectral embedding, k-means, then out-of-fold
   self-training with a ridge classifier on the sparse features.
3. *Scale*: steps 2's graph work runs on a random sample of at most
   ``fit_sample`` answers; the ridge classifier trained on the sample assigns
   the rest (and, later, new answers). Nothing is n × n.
4. *Description* (:mod:`analysis.theme_summary`): class-based TF-IDF terms
   shown as readable words, a two-or-three-term label, and 3–5 verbatim quotes
   closest to the theme's centroid.

Real answers are messy. Non-answers ("idk lol", "n/a", "不知道") and answers in a
language no shipped one reads (:func:`analysis.textnorm.unread_language`) get no
theme; the latter are counted in ``other_languages_``. Answers with the same
features are quoted once, with how many gave it, and count at most three times
in naming their theme (``theme_summary.LABEL_COPIES``); a long one, a pasted
petition, is clustered once, then placed with the answers
that share its words, or made a theme of its own when none do; all of them
count in sizes.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from analysis import clustering, copied_answers, theme_forgetting, theme_summary
from analysis.features import AnswerAnalyzer, fit_damped, make_vectorizers
from analysis.textnorm import LANGUAGES
from analysis.theme_inputs import as_text, check_languages, check_weights
from analysis.theme_summary import Theme

__all__ = ["ThemeModel", "Theme"]

#: samples up to this size are clustered on a single thread
SMALL_PROBLEM = 1500
#: ``progress(stage, done, total)``; stages: analyse, vectorise, cluster, assign, describe
ProgressCallback = Callable[[str, int, int], None]


class ThemeModel:
    """Group short free-text answers, in any of the app's languages, into themes.

    Parameters
    ----------
    n_themes : int or None, default=None
        Number of themes. ``None`` chooses it from the data (best cosine
        silhouette among 2 … ``max_themes``, capped near √(n/2) for small
        sets). Fewer themes come back when the answers are too few or too
        alike to fill them; one more when a pasted answer fits none of them
        (see :func:`analysis.copied_answers.place_copied_answers`).
    random_state : int, default=0
        Seed for every random step; a fixed seed gives identical results.
    max_themes : int, default=20
        Upper bound when ``n_themes`` is chosen automatically.
    use_codebook : bool, default=True
        Map everyday words of every shipped language to shared English concepts
        so that themes cross languages.
    idf_power : float, default=0.5
        Exponent applied to the inverse document frequency. 1 is plain
        TF-IDF; lower values damp rare words. A theme is by definition shared
        by many answers, so a word seen in three answers should not outweigh
        one seen in three hundred (0.5 scored better on both benchmarks).
    n_components : int, default=200
        Dimensions of the LSA space.
    n_neighbors : int, default=15
        Neighbours per answer in the similarity graph.
    char_weight : float, default=1.0
        Weight of the character n-gram block relative to the word block.
    fit_sample : int, default=3000
        At most this many answers are clustered; the rest are assigned by the
        classifier trained on them.
    refine_rounds : int, default=4
        Rounds of out-of-fold self-training (0 switches it off).
    n_examples : int, default=5
        Representative quotes kept per theme (3–5 is what a lead reads).

    Attributes
    ----------
    themes_ : list of Theme
        The themes, largest first; ``themes_[i].id == i``.
    labels_ : list of int or None
        Theme id of each fitted text; ``None`` for empty or unusable text.
    languages_ : list of str
        Normalised (or guessed) language code of each fitted text; for an
        answer no shipped language reads, its own code or script
        (``"pt"``, ``"cyrillic"``; see :func:`analysis.textnorm.unread_language`).
    other_languages_ : dict
        ``{code or script: number of answers}`` of the answers set apart,
        unthemed, because no shipped language reads them.
    n_themes_ : int
        Number of themes found.
    """

    def __init__(self, n_themes=None, random_state=0, max_themes=20, use_codebook=True, idf_power=0.5,
                 n_components=200, n_neighbors=15, char_weight=1.0, fit_sample=3000, refine_rounds=4, n_examples=5):
        self.n_themes = n_themes
        self.random_state = random_state
        self.max_themes = max_themes
        self.use_codebook = use_codebook
        self.idf_power = idf_power
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.char_weight = char_weight
        self.fit_sample = fit_sample
        self.refine_rounds = refine_rounds
        self.n_examples = n_examples

    # -- public API -----------------------------------------------------------
    def fit(self, texts: Sequence[str], languages: Sequence[str | None] | None = None, *,
            weights: Sequence[float] | None = None, progress: ProgressCallback | None = None):
        """Find themes in ``texts``.

        Parameters
        ----------
        texts : sequence of str
            The answers; ``None`` and blank strings are allowed (no theme).
        languages : sequence of str or None, optional
            Language code per answer (``en``, ``es``, ``zh-Hans`` …); missing or
            unknown codes are guessed from the text.
        weights : sequence of float, optional
            Survey weight per answer, summed into ``Theme.weighted_size``.
        progress : callable, optional
            Called as ``progress(stage, done, total)`` while fitting.

        Returns
        -------
        self : ThemeModel
        """
        report = progress or (lambda stage, done, total: None)
        if self.n_themes is not None and int(self.n_themes) < 1:
            raise ValueError("n_themes must be at least 1")
        texts = [as_text(t) for t in texts]
        n = len(texts)
        languages = check_languages(languages, n)
        weights = check_weights(weights, n)
        self.analyzer_ = AnswerAnalyzer(use_codebook=self.use_codebook)
        docs, chars, self.languages_ = self.analyzer_.analyze_answers(texts, languages, report)
        self.other_languages_ = dict(Counter(code for code in self.languages_ if code not in LANGUAGES + ("",))
                                     .most_common())
        self.labels_ = [None] * n
        self.themes_ = []
        self.n_themes_ = 0
        # Answers with the same features (a petition pasted by forty people, "Rent!" and
        # "rent") are counted as many times as they were given, described once, and a
        # long one is clustered once, then placed (see analysis.copied_answers).
        copy_of = copied_answers.first_copies(self.languages_, docs, chars)
        usable = copied_answers.fitted_rows(copy_of, docs)
        if len(usable) == 0:
            return self
        report("vectorise", 0, 1)
        min_df = 2 if len(usable) >= 1000 else 1
        self.word_vectorizer_, self.char_vectorizer_ = make_vectorizers(min_df)
        word_part = fit_damped(self.word_vectorizer_, [docs[i] for i in usable], self.idf_power)
        char_part = fit_damped(self.char_vectorizer_, [chars[i] for i in usable], self.idf_power)
        X = normalize(sp.hstack([word_part, char_part * self.char_weight]).tocsr())
        keep = X.getnnz(axis=1) > 0
        usable, X, word_part = usable[keep], X[keep], word_part[keep]
        report("vectorise", 1, 1)
        if len(usable) == 0:
            return self
        labels, sample = self._cluster(X, [self.languages_[i] for i in usable], report)
        copies = copied_answers.copies_per_row(copy_of, usable, docs)
        placed = copied_answers.place_copied_answers(word_part, labels, copies, self.random_state)
        if np.any(placed != labels):  # the classifier assigns new answers: it learns where the copies went
            labels = placed
            self._fit_classifier(X, labels, np.union1d(sample, np.flatnonzero(copies > 1)))
        once = copy_of[usable] == usable  # each distinct answer's first row
        distinct = usable[once]
        position = np.full(n + 1, -1)  # copy_of's -1 reads the last slot: no theme
        position[distinct] = np.arange(len(distinct))
        self._describe(X[once], word_part[once], labels[once], distinct, position[copy_of], texts, weights, report)
        return self

    def fit_predict(self, texts, languages=None, **fit_params) -> list[int | None]:
        """Fit, then return ``labels_``."""
        return self.fit(texts, languages, **fit_params).labels_

    def transform(self, texts: Sequence[str], languages: Sequence[str | None] | None = None) -> list[int | None]:
        """Assign new answers to the fitted themes.

        Theme ids are positions in ``themes_``, so a lead may rename a theme's
        label without changing what this returns.

        Returns
        -------
        list of int or None
            A theme id per text, ``None`` where the text has no usable words.
        """
        if not hasattr(self, "themes_"):
            raise AttributeError("ThemeModel is not fitted yet; call fit first")
        texts = [as_text(t) for t in texts]
        languages = check_languages(languages, len(texts))
        if not self.themes_:
            return [None] * len(texts)
        analyzer = AnswerAnalyzer(use_codebook=self.use_codebook)
        docs, chars, _ = analyzer.analyze_answers(texts, languages)
        X = self._vectorise(docs, chars)
        return self._assign(X)

    predict = transform

    def forget_answers(self, deleted_texts: Sequence[str] = (), deleted_languages=None,
                       kept_texts: Sequence[str] = (), kept_languages=None) -> ThemeModel:
        """Drop what the model holds of its answers that ``transform`` does not need, and the words of
        ``deleted_texts`` no ``kept_texts`` gave (see :func:`analysis.theme_forgetting.forget_answers`).
        Returns self."""
        theme_forgetting.forget_answers(self, deleted_texts, deleted_languages, kept_texts, kept_languages)
        return self

    # -- steps ------------------------------------------------------------------
    def _vectorise(self, docs, chars):
        word_part = self.word_vectorizer_.transform(docs)
        char_part = self.char_vectorizer_.transform(chars)
        return normalize(sp.hstack([word_part, char_part * self.char_weight]).tocsr())

    def _cluster(self, X, languages, report) -> tuple[np.ndarray, np.ndarray]:
        """Theme number (not yet ordered) of each usable row, and the rows clustered (the others were assigned)."""
        n = X.shape[0]
        rng = np.random.RandomState(self.random_state)
        sample = np.sort(rng.choice(n, size=self.fit_sample, replace=False)) if n > self.fit_sample else np.arange(n)
        Xs = X[sample]
        report("cluster", 0, 4)
        # Small problems run faster on one thread (BLAS and OpenMP), and much
        # faster when the machine is busy: their worker threads spin while they wait.
        with threadpool_limits(limits=1 if len(sample) <= SMALL_PROBLEM else None):
            labels_sample = self._cluster_sample(Xs, [languages[i] for i in sample], report)
        report("cluster", 4, 4)
        labels = np.empty(n, dtype=int)
        labels[sample] = labels_sample
        rest = np.setdiff1d(np.arange(n), sample)
        for start in range(0, len(rest), 20000):
            chunk = rest[start:start + 20000]
            labels[chunk] = self._raw_predict(X[chunk])
            report("assign", start + len(chunk), len(rest))
        return labels, sample

    def _cluster_sample(self, Xs, languages, report) -> np.ndarray:
        """Cluster the sampled rows; fit ``classifier_`` on them; return their labels."""
        n_rows = Xs.shape[0]
        k = None if self.n_themes is None else int(self.n_themes)
        k_cap = min(n_rows, k if k is not None else self.max_themes)
        if n_rows < 3 or k_cap < 2:
            labels_sample = np.zeros(n_rows, dtype=int)
        else:
            _, Z = clustering.lsa(Xs, self.n_components, self.random_state)
            Z = clustering.center_languages(Z, languages)
            report("cluster", 1, 4)
            graph = clustering.knn_graph(Z, self.n_neighbors)
            if k is None:
                k_max = max(2, min(self.max_themes, int(round(np.sqrt(n_rows / 2))), n_rows - 1))
                embedding = clustering.spectral_embedding_of(graph, k_max // 2 + 2, self.random_state)
                report("cluster", 2, 4)
                candidates = sorted({int(round(c)) for c in np.geomspace(2, k_max, num=min(8, k_max - 1))})
                k = clustering.choose_k(Z, embedding, candidates, self.random_state)
            else:
                k = k_cap
                embedding = clustering.spectral_embedding_of(graph, k // 2 + 2, self.random_state)
                report("cluster", 2, 4)
            labels_sample = clustering.partition(embedding, k, self.random_state)
            report("cluster", 3, 4)
        if len(np.unique(labels_sample)) > 1:
            labels_sample, self.classifier_ = clustering.refine_out_of_fold(
                Xs, labels_sample, self.random_state, rounds=self.refine_rounds)
        else:
            self.classifier_ = None
            self.single_label_ = int(labels_sample[0])
        return labels_sample

    def _fit_classifier(self, X, labels, rows) -> None:
        """Fit ``classifier_`` on ``X[rows]`` with their final labels (without self-training)."""
        if len(np.unique(labels[rows])) > 1:
            self.classifier_ = clustering.RidgeLabeler().fit(X[rows], labels[rows])
        else:
            self.classifier_ = None
            self.single_label_ = int(labels[rows[0]])

    def _raw_predict(self, X) -> np.ndarray:
        if self.classifier_ is None:
            return np.full(X.shape[0], self.single_label_, dtype=int)
        return self.classifier_.predict(X)

    def _assign(self, X) -> list[int | None]:
        raw = self._raw_predict(X)
        has_words = X.getnnz(axis=1) > 0
        return [self.theme_of_label_.get(int(r)) if ok else None for r, ok in zip(raw, has_words)]

    def _describe(self, X, word_part, labels, distinct, group, texts, weights, report) -> None:
        """Order themes by size, then give each its terms, label and quotes.

        ``X``, ``word_part`` and ``labels`` have a row per distinct answer, the
        answer ``texts[distinct[j]]``; ``group[i]`` is the row of text ``i`` (-1: none).
        """
        answered = np.flatnonzero(group >= 0)
        copies = np.bincount(group[answered], minlength=len(distinct))
        sizes = Counter()
        for label, count in zip(labels.tolist(), copies.tolist()):
            sizes[label] += count
        order = sorted(sizes, key=lambda label: (-sizes[label], label))
        self.theme_of_label_ = {int(label): theme_id for theme_id, label in enumerate(order)}
        ids = np.array([self.theme_of_label_[int(label)] for label in labels])
        for row in answered:
            self.labels_[row] = int(ids[group[row]])
        self.n_themes_ = len(order)
        self.themes_ = theme_summary.describe_themes(
            X, word_part, ids, self.n_themes_, distinct, group, texts, self.languages_, weights,
            self.word_vectorizer_.get_feature_names_out(), self.analyzer_.surface, self.n_examples, report)
