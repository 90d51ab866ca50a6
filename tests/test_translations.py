"""The catalogs: complete, consistent with the code, and plain English at the source."""
from __future__ import annotations

import configparser
import pathlib
import re

import pyphen
import pytest
from babel.messages.extract import extract_from_dir

from webapp.i18n import LANGUAGES
from webapp.i18n_catalogs import catalog_paths, read_catalog

ROOT = pathlib.Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "_n": (1, 2), "lazy_ngettext": (1, 2), "N_": None, "N_plural": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrg]")

#: where the words residents read come from (staff pages are measured separately, if ever)
RESIDENT_SOURCES = ("webapp/forms/priority.py", "webapp/forms/fields.py", "webapp/errors.py",
                    "webapp/survey/", "webapp/templates/survey/", "webapp/templates/errors/",
                    "webapp/templates/base.html", "webapp/templates/_switcher.html", "webapp/templates/_macros/")


def babel_sections() -> list[tuple[str, str]]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "babel.cfg")
    return [tuple(part.strip() for part in section.split(":", 1)) for section in parser.sections()]


def extracted_messages() -> dict:
    """Messages extracted from the code right now, the way ./run translations does."""
    method_map = [(pattern.strip(), method.strip()) for method, pattern in babel_sections()]
    messages = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS,
        directory_filter=lambda d: not pathlib.Path(d).name.startswith((".", "node_modules")),
    ):
        key = message if isinstance(message, str) else message[0]
        messages.setdefault(key, []).append(filename)
    return messages


def test_babel_cfg_globs_match_real_files():
    for _method, pattern in babel_sections():
        assert list(ROOT.glob(pattern.replace("**.", "**/*."))), f"babel.cfg pattern {pattern} matches no file"


def test_every_file_with_translatable_text_is_covered_by_babel_cfg():
    extracted_files = {pathlib.Path(f) for files in extracted_messages().values() for f in files}
    for path in [*ROOT.glob("webapp/**/*.py"), *ROOT.glob("webapp/templates/**/*.html"), *ROOT.glob("analysis/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        if re.search(r"\b(?:_l?|N_|N_plural|ngettext)\(\s*[\"']", text):
            assert path.relative_to(ROOT) in extracted_files, f"{path} has messages babel.cfg does not extract"


def test_every_shipped_language_has_a_catalog():
    locales = set(catalog_paths())
    assert {lang.locale.removesuffix("_US") for lang in LANGUAGES.values() if lang.code != "en"} <= locales


@pytest.mark.parametrize("locale", sorted(catalog_paths()))
def test_catalog_has_no_empty_or_fuzzy_entry(locale):
    catalog = read_catalog(catalog_paths()[locale])
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(("fuzzy", message.id))
        if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(("plural forms", message.id))
        if any(not s for s in strings):
            problems.append(("empty", message.id))
    assert problems == []


@pytest.mark.parametrize("locale", sorted(catalog_paths()))
def test_catalog_has_every_message_the_code_uses(locale):
    catalog = read_catalog(catalog_paths()[locale])
    present = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(set(extracted_messages()) - present)
    assert missing == [], f"run ./run translations and translate: {missing[:10]}"


@pytest.mark.parametrize("locale", sorted(catalog_paths()))
def test_translations_keep_every_placeholder(locale):
    catalog = read_catalog(catalog_paths()[locale])
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), (message.id, string)


_dictionary = pyphen.Pyphen(lang="en_US")


def syllables(word: str) -> int:
    return max(1, len(_dictionary.positions(word)) + 1)


def flesch_kincaid_grade(sentences: list[str]) -> float:
    """The Flesch–Kincaid grade level: 0.39 words/sentence + 11.8 syllables/word − 15.59."""
    words = [w for s in sentences for w in re.findall(r"[A-Za-z]+(?:'[a-z]+)?", s)]
    return 0.39 * len(words) / len(sentences) + 11.8 * sum(map(syllables, words)) / len(words) - 15.59


def resident_sentences() -> list[str]:
    sentences = []
    for message_id, files in extracted_messages().items():
        if any(f.startswith(RESIDENT_SOURCES) for f in files):
            text = PLACEHOLDER.sub("2", message_id)
            sentences += [s for s in re.split(r"(?<=[.!?])\s+", text) if re.search(r"[A-Za-z]", s)]
    return sentences


def test_resident_english_reads_at_about_sixth_grade():
    sentences = resident_sentences()
    assert len(sentences) > 50
    grade = flesch_kincaid_grade(sentences)
    assert grade <= 6.0, f"Flesch–Kincaid grade {grade:.1f}"


def test_readability_formula_tells_plain_from_dense_text():
    plain = ["We got your answers.", "Thank you for your help.", "Pick up to three."]
    dense = ["Comprehensive socioeconomic determinants substantially influence intergenerational health inequities."]
    assert flesch_kincaid_grade(plain) < 3 < 12 < flesch_kincaid_grade(dense)
