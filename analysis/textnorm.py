"""Multilingual text normalisation, tokenisation and stemming for short answers.

Every language the app ships is handled without any download at run time:

========  ==============================================================
``en``    NFKC + casefold, accents stripped, Snowball English stemmer
``es``    accents stripped after the Snowball Spanish stemmer
``ar``    harakat and tatweel removed, Snowball Arabic stemmer, then
          alef/ya/ta-marbuta forms unified
``zh``    no spaces: character runs split at function words, then
          character bigrams (unigrams for single characters); codebook
          words are found inside the run by longest match
``vi``    syllables (tones kept: they carry meaning) plus syllable bigrams
          (most Vietnamese words are two syllables: *bệnh viện*)
``ko``    whitespace eojeol plus character bigrams inside each eojeol, so
          a noun with a particle (*병원에*) shares features with the noun
``tl``    light normalisation: casefold, accents stripped
``ht``    light normalisation: casefold, accents kept (*sè*/*se* differ)
========  ==============================================================

URLs, e-mail addresses, numbers, emoji and punctuation carry no theme and are
dropped; a whole answer that only says "don't know" or "nothing" is told apart
by :mod:`analysis.nonanswers`. Stop-word lists are project-made (``analysis/data/stopwords``).
Language codes are normalised (``zh_Hans``, ``zh-CN`` → ``zh``); an unknown or
missing code is guessed from the script and from stop-word hits. An answer in a
language none of these reads (another script, or a code such as ``pt``) is told
apart by :func:`unread_language` and left out of the themes.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from importlib import resources

from nltk.stem.snowball import SnowballStemmer

#: the languages the app ships, in the order the docs list them
LANGUAGES = ("en", "es", "zh", "vi", "ar", "ko", "tl", "ht")
SNOWBALL = {"en": "english", "es": "spanish", "ar": "arabic"}
#: languages whose accents can be removed without merging distinct words
STRIP_ACCENTS = {"en", "es", "tl"}

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
#: HTML tags, and the whole of script/style elements (pasted markup is not an answer)
_MARKUP = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)|</?[a-z][a-z0-9]*\b[^<>]*>", re.IGNORECASE | re.DOTALL)
#: a letter written three or more times in a row (*sooooo*, *pleeease*)
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_VI_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
#: a letter of none of the scripts the shipped languages are written in (Latin, Han, Hangul, Arabic)
_UNREAD_LETTER = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                            r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f\u0600-\u06ff\u0750-\u077f]")
#: codes that say "no language known", not "a language we do not ship"
_NO_LANGUAGE = {"und", "mul", "zxx", "mis", "xx"}
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


@functools.lru_cache(maxsize=512)  # called for every answer, with a handful of distinct codes
def normalize_language(code: str | None) -> str:
    """Map a language code to one of :data:`LANGUAGES`, or ``""`` if unknown.

    ``zh_Hans``, ``zh-Hans`` and ``zh-CN`` become ``zh``; ``es-MX`` becomes
    ``es``; ``fil`` (Filipino) becomes ``tl``; ``hat`` becomes ``ht``.
    """
    if not code:
        return ""
    primary = re.split(r"[-_]", str(code).strip().lower(), maxsplit=1)[0]
    primary = {"fil": "tl", "tgl": "tl", "hat": "ht", "cmn": "zh", "vie": "vi", "eng": "en",
               "spa": "es", "ara": "ar", "kor": "ko", "zho": "zh", "chi": "zh",
               "yue": "zh"}.get(primary, primary)
    return primary if primary in LANGUAGES else ""


def unread_language(text: str, code: str | None = None) -> str:
    """The language (or script) of an answer no shipped language reads, ``""`` when one does.

    An answer is unread when a third or more of its letters are in another script
    (``"cyrillic"``, ``"hiragana"``, ``"devanagari"`` …), or when ``code`` names a
    language the app does not ship (``"pt"``, ``"so"``: Latin script alone cannot tell
    Portuguese from Spanish). Unread answers would otherwise gather into a "theme"
    that only says which language they are in.
    """
    primary = re.split(r"[-_]", str(code or "").strip().lower(), maxsplit=1)[0]
    if re.fullmatch(r"[a-z]{2,3}", primary) and primary not in _NO_LANGUAGE and not normalize_language(primary):
        return primary
    if not _UNREAD_LETTER.search(text):
        return ""
    text = unicodedata.normalize("NFKC", text)  # full-width Latin is Latin
    other = _UNREAD_LETTER.findall(text)
    if not other or 3 * len(other) < sum(c.isalpha() for c in text):
        return ""
    return Counter(unicodedata.name(c, "other").split()[0].lower() for c in other).most_common(1)[0][0]


def strip_accents(text: str) -> str:
    """Remove combining marks (``canción`` → ``cancion``)."""
    if text.isascii():  # most words: nothing to remove
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def folded(text: str) -> str:
    """``text`` as people match it by eye: case, accents and compatibility forms ignored (José, JOSE and
    full-width ＪＯＳＥ are all ``jose``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalize_text(text: str) -> str:
    """NFKC, casefold, and blank out HTML markup, URLs and e-mail addresses."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return _URL.sub(" ", _MARKUP.sub(" ", text))


def unstretch(token: str, language: str) -> str:
    """Undo letters held for emphasis: *sooooo* → *so*, *fooood* → *food*.

    A run of three or more becomes two (English and Spanish never triple a
    letter), or one when that gives a stop word (*sooo*, *noooo*, *tooo*).
    """
    if not _STRETCHED.search(token):
        return token
    single = _STRETCHED.sub(r"\1", token)
    return single if _fold_word(single, language) in stop_words(language) else _STRETCHED.sub(r"\1\1", token)


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """The project's stop words for ``language`` (empty for an unknown one)."""
    if language not in LANGUAGES:
        return frozenset()
    path = resources.files("analysis") / "data" / "stopwords" / f"{language}.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(_fold_word(normalize_text(line), language))
    return frozenset(words)


def guess_language(text: str) -> str:
    """Guess the language of ``text`` from its script and stop words.

    Good enough to pick a tokeniser and stemmer for a short answer whose
    language was not recorded; returns ``"en"`` when nothing points elsewhere.
    """
    if _HAN.search(text):
        return "zh"
    if _HANGUL.search(text):
        return "ko"
    if _ARABIC.search(text):
        return "ar"
    lowered = normalize_text(text)
    if _VI_LETTERS.search(lowered):
        return "vi"
    best, best_hits = "en", 0
    for language, hits in _stop_hits(lowered).items():
        if hits > best_hits:
            best, best_hits = language, hits
    return best


def _stop_hits(lowered: str) -> dict[str, int]:
    """Stop words of each Latin-script language (en, es, tl, ht) in normalised text."""
    tokens = [w.replace("’", "'") for w in _WORD.findall(lowered)]
    plain = [w if w.isascii() else strip_accents(w) for w in tokens]  # as _fold_word folds en, es, tl
    hits = {}
    for language in ("en", "es", "tl"):
        stops = stop_words(language)
        hits[language] = sum(w in stops for w in plain)
    stops = stop_words("ht")
    hits["ht"] = sum(w in stops for w in tokens)
    return hits


@functools.lru_cache(maxsize=1024)  # the theme model asks twice in a row for each answer
def language_of(text: str, code: str | None) -> str:
    """The shipped language ``text`` is in: ``code`` normalised, guessed when missing or unknown.

    A given Latin-script code is overruled only when the function words clearly
    belong to another language (two or more of its, none of the given one's; or
    three or more, over twice the given one's): a Spanish answer typed on the
    English form would otherwise give labels such as "la / el / es".
    """
    language = normalize_language(code)
    if not language:
        return guess_language(text)
    if language not in ("en", "es", "tl", "ht"):
        return language
    hits = _stop_hits(text.casefold())
    best = max(hits, key=hits.get)
    count, own = hits[best], hits[language]
    clear = (count >= 2 and own == 0) or (count >= 3 and count >= 2 * own + 1)
    if best != language and clear and sorted(hits.values())[-2] < count:
        return best
    return language


def _fold_word(word: str, language: str) -> str:
    """Per-language folding of one lower-cased word (accents, Arabic forms)."""
    word = word.replace("’", "'")
    if language == "ar":
        return _ARABIC_MARKS.sub("", word).translate(_ARABIC_FOLD)
    if language in STRIP_ACCENTS:
        return strip_accents(word)
    return word


@functools.cache
def _stemmer(language: str):
    return SnowballStemmer(SNOWBALL[language]) if language in SNOWBALL else None


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """Stem one folded word with the language's Snowball stemmer, if it has one."""
    stemmer = _stemmer(language)
    if stemmer is None:
        return word
    stemmed = stemmer.stem(word)
    return strip_accents(stemmed) if language == "es" else stemmed


def stem_word(folded: str, surface: str, language: str) -> str:
    """Stem one word. Spanish is stemmed with its accents (the stemmer's rules
    expect them: *lloverá*), Arabic before its letter forms are unified (the
    stemmer strips *ة* but not the *ه* it folds to, so *العيادة* and *عيادة*
    stemmed apart), other languages from the folded form."""
    if language == "ar":
        return stem(_ARABIC_MARKS.sub("", surface), language).translate(_ARABIC_FOLD)
    return stem(surface if language == "es" else folded, language)


#: stems shorter than this are too ambiguous to match codebook words by
#: (*para*, *parada* and *paro* all stem to *par*): such words match exactly
MIN_STEM_MATCH = 4


def match_key(folded: str, stemmed: str) -> str:
    """Codebook key of one word: its stem, or ``=word`` when the stem is short."""
    return stemmed if len(stemmed) >= MIN_STEM_MATCH else "=" + folded


def words(text: str, language: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(folded, surface)`` word pairs; no numbers, emoji or punctuation.

    ``folded`` is the match key (accents stripped where safe, Arabic forms
    unified); ``surface`` is the casefolded word as written, for labels.
    Apostrophes split Spanish/Creole elisions (``m'ap`` → ``m``, ``ap``) and
    English contractions are joined (``don't`` → ``dont``). Chinese characters
    come back as runs, which :func:`han_units` splits further.
    """
    pairs = []
    # harakat are combining marks, not word characters: left in, they would
    # split every vocalised Arabic word into fragments
    for match in _WORD.finditer(_ARABIC_MARKS.sub("", normalize_text(text))):
        token = unstretch(match.group().replace("’", "'"), language)
        if "'" in token:
            if language == "en":
                token = token.replace("'", "")
            else:
                pairs.extend((_fold_word(p, language), p) for p in token.split("'") if p)
                continue
        pairs.append((_fold_word(token, language), token))
    return pairs


def han_runs(token: str) -> list[str]:
    """Split a token into runs of Han characters and runs of anything else."""
    return [m.group() for m in re.finditer(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", token)]


def han_units(run: str, stops: frozenset[str]) -> list[str]:
    """Character bigrams of a Han run, after cutting out function words.

    The run is scanned left to right; a stop word (longest first, up to 3
    characters) ends the current piece. Each piece of two or more characters
    gives its bigrams, a single character gives itself.
    """
    pieces, current, i = [], [], 0
    while i < len(run):
        for width in (3, 2, 1):
            if run[i:i + width] in stops:
                pieces.append("".join(current))
                current, i = [], i + width
                break
        else:
            current.append(run[i])
            i += 1
    pieces.append("".join(current))
    units = []
    for piece in pieces:
        if len(piece) == 1:
            units.append(piece)
        units.extend(piece[j:j + 2] for j in range(len(piece) - 1))
    return units


def hangul_units(eojeol: str) -> list[str]:
    """An eojeol and its character bigrams (a noun shares them with noun + particle)."""
    if len(eojeol) <= 2:
        return [eojeol]
    return [eojeol] + [eojeol[j:j + 2] for j in range(len(eojeol) - 1)]
