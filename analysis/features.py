"""From one answer to the feature tokens the theme model counts.

:class:`AnswerAnalyzer` dispatches each word on its script (so a Spanish answer
with an English word, or a Chinese answer with a Latin brand name, is handled
word by word), replaces codebook words by their English concept
(:mod:`analysis.lexicon`), drops stop words, and stems what is left
(:mod:`analysis.textnorm`). It also remembers, for each feature, the words it
came from, so that labels can show readable surface words instead of stems.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from analysis import lexicon, nonanswers, textnorm

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
LATIN_LANGUAGES = {"en", "es", "vi", "tl", "ht"}


class _Tokens(list):
    """Feature tokens, with the readable words they came from in ``words``."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []


class AnswerAnalyzer:
    """Turn answers into feature tokens, remembering surface forms.

    Parameters
    ----------
    use_codebook : bool, default=True
        Replace codebook words by their English concept (crosses languages).

    Attributes
    ----------
    surfaces : dict
        ``{feature: Counter(surface word → count)}`` over every analysed text.
    """

    def __init__(self, use_codebook: bool = True):
        self.use_codebook = use_codebook
        self.book = lexicon.load_codebook() if use_codebook else lexicon.Codebook()
        self.surfaces: dict[str, Counter] = defaultdict(Counter)
        self._en_stops = textnorm.stop_words("en")

    def language_of(self, text: str, language: str | None) -> str:
        """The normalised language code, guessed from the text when missing, unknown or plainly wrong."""
        return textnorm.language_of(text, language)

    def analyze(self, text: str, language: str | None = None) -> list[str]:
        """Feature tokens of one answer (empty for empty or unusable text)."""
        return self.analyze_both(text, language)[0]

    def analyze_both(self, text: str, language: str | None = None) -> tuple[list[str], list[str]]:
        """``(feature tokens, readable words)`` of one answer.

        The readable words are the same content unstemmed (codebook words as
        their English headword); character n-grams are taken from them.
        """
        features = _Tokens()
        if not text or not text.strip():
            return features, features.words
        language = self.language_of(text, language)
        if nonanswers.is_non_answer(text, language):
            return features, features.words
        latin_language = language if language in LATIN_LANGUAGES else "en"
        latin_run: list[tuple[str, str]] = []
        for key, surface in textnorm.words(text, language):
            if _HAN.search(surface) or _HANGUL.search(surface) or _ARABIC.search(surface):
                self._latin(latin_run, latin_language, features)
                latin_run = []
                for piece in textnorm.han_runs(surface):
                    if _HAN.match(piece):
                        self._han(piece, features)
                    elif _HANGUL.match(piece):
                        self._hangul(piece, features)
                    elif _ARABIC.match(piece):
                        self._words([(textnorm._fold_word(piece, "ar"), piece)], "ar", features)
                    else:
                        latin_run.append((textnorm._fold_word(piece, latin_language), piece))
            else:
                latin_run.append((key, surface))
        self._latin(latin_run, latin_language, features)
        return features, features.words

    def analyze_answers(self, texts, languages, report=None) -> tuple[list[str], list[str], list[str]]:
        """``(feature docs, readable-word docs, language codes)`` of many answers, each a space-joined string.

        An answer in a language no shipped one reads gets no features and, as its
        code, its own code or script (:func:`analysis.textnorm.unread_language`).
        ``report("analyse", done, total)`` is called every thousand answers.
        """
        docs, chars, codes = [], [], []
        done: dict[tuple[str, str | None], tuple[str, str, str]] = {}
        for i, (text, language) in enumerate(zip(texts, languages)):
            if (text, language) not in done:  # once per distinct answer: many residents write the same words
                other = textnorm.unread_language(text, language)
                if other:  # set apart: read as English, it would only gather with its own language
                    done[text, language] = (other, "", "")
                else:
                    code = self.language_of(text, language) if text.strip() else textnorm.normalize_language(language)
                    features, words = self.analyze_both(text, code)
                    done[text, language] = (code, " ".join(features), " ".join(words))
            code, doc, char = done[text, language]
            codes.append(code)
            docs.append(doc)
            chars.append(char)
            if report is not None and ((i + 1) % 1000 == 0 or i + 1 == len(texts)):
                report("analyse", i + 1, len(texts))
        return docs, chars, codes

    # -- per script -------------------------------------------------------
    def _latin(self, pairs, language, features):
        if pairs:
            self._words(pairs, language, features)

    def _emit_concepts(self, headwords, features) -> None:
        for headword in headwords:
            for word in headword.split():
                if word in self._en_stops:
                    continue
                feature = textnorm.stem(word, "en")
                features.append(feature)
                features.words.append(word)
                self.surfaces[feature][headword] += 1

    def _emit(self, feature: str, surface: str, features: list[str], word: str | None = None) -> None:
        features.append(feature)
        if word:
            features.words.append(word)
        self.surfaces[feature][surface] += 1

    def _words(self, pairs, language, features) -> None:
        """Words of a space-separated language: codebook phrases, else stems (vi: syllables)."""
        stops = textnorm.stop_words(language)
        if language == "vi":
            keys = [k for k, _ in pairs]
        else:
            keys = [textnorm.stem_word(k, surface, language) for k, surface in pairs]
        phrases = self.book.phrases.get(language, {})
        previous = None  # last unmatched syllable, for Vietnamese bigrams
        i = 0
        while i < len(pairs):
            for width in range(min(lexicon.MAX_PHRASE, len(pairs) - i), 0, -1):
                if width > 1 or language == "vi":
                    headwords = phrases.get(tuple(keys[i:i + width]))
                elif pairs[i][0] in stops:  # function words never stand for a concept
                    headwords = None
                else:
                    headwords = phrases.get((textnorm.match_key(pairs[i][0], keys[i]),))
                if headwords:
                    self._emit_concepts(headwords, features)
                    i += width
                    previous = None
                    break
            else:
                folded, surface = pairs[i]
                i += 1
                if folded in stops or (len(folded) < 2 and language != "vi") or not folded:
                    previous = None
                    continue
                self._emit(keys[i - 1], surface, features, folded)
                if language == "vi":
                    if previous is not None:
                        self._emit(previous[0] + "_" + keys[i - 1], previous[1] + " " + surface, features)
                    previous = (keys[i - 1], surface)

    def _han(self, run: str, features) -> None:
        stops = textnorm.stop_words("zh")
        for segment, headwords in lexicon.han_segments(self.book, run):
            if headwords:
                self._emit_concepts(headwords, features)
                continue
            for unit in textnorm.han_units(segment, stops):
                self._emit(unit, unit, features, unit)

    def _hangul(self, eojeol: str, features) -> None:
        if eojeol in textnorm.stop_words("ko"):
            return
        headwords = lexicon.korean_lookup(self.book, eojeol)
        if headwords:
            self._emit_concepts(headwords, features)
            return
        features.words.append(eojeol)
        for unit in textnorm.hangul_units(eojeol):
            self._emit(unit, eojeol, features)

    def surface(self, feature: str) -> str:
        """The most frequent written form of a feature (a bigram shows both words)."""
        if " " in feature:
            return " ".join(self.surface(part) for part in feature.split(" "))
        counts = self.surfaces.get(feature)
        if not counts:
            return feature.replace("_", " ")
        return max(counts.items(), key=lambda item: (item[1], item[0]))[0]


def make_vectorizers(min_df: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """Word uni/bigram and character 3–5-gram TF-IDF vectorisers (sublinear tf).

    The word one reads the space-joined feature tokens, the character one the
    space-joined readable words (character n-grams still catch cognates and
    misspellings: *alarma*/*alarm*, *recieve*/*receive*).
    """
    words = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2),
                            sublinear_tf=True, min_df=min_df, dtype=np.float32)
    chars = TfidfVectorizer(analyzer="char_wb", lowercase=False, ngram_range=(3, 5),
                            sublinear_tf=True, min_df=min_df, dtype=np.float32)
    return words, chars


def fit_damped(vectorizer: TfidfVectorizer, docs, power: float):
    """Fit ``vectorizer`` with its idf raised to ``power``; return the rows for ``docs``.

    The fitted vectoriser keeps the damped idf, so later ``transform`` calls agree.
    """
    matrix = vectorizer.fit_transform(docs)
    if power != 1.0:
        idf = vectorizer.idf_
        matrix = normalize(matrix.multiply(np.power(idf, power - 1.0)).tocsr().astype(np.float32))
        vectorizer.idf_ = np.power(idf, power)
    return matrix
