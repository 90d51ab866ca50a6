"""Normalisation, tokenising and stemming for every shipped language."""
import pytest

from analysis import lexicon, textnorm
from analysis.features import AnswerAnalyzer


@pytest.mark.parametrize("code, expected", [
    ("zh_Hans", "zh"), ("zh-Hans", "zh"), ("zh-CN", "zh"), ("ZH", "zh"), ("es-MX", "es"),
    ("en_US", "en"), ("fil", "tl"), ("ht", "ht"), ("xx", ""), ("", ""), (None, ""),
])
def test_language_codes_are_normalised(code, expected):
    assert textnorm.normalize_language(code) == expected


def test_every_shipped_language_has_stop_words():
    for language in textnorm.LANGUAGES:
        assert textnorm.stop_words(language), language


def test_spanish_is_stemmed_before_accents_are_stripped():
    assert textnorm.stem("canción", "es") == textnorm.stem("canciones", "es")
    assert "ó" not in textnorm.stem("canción", "es")


def test_english_contractions_are_joined():
    assert [key for key, _ in textnorm.words("I don't know", "en")] == ["i", "dont", "know"]


def test_urls_numbers_and_emoji_are_dropped():
    analyzer = AnswerAnalyzer()
    assert analyzer.analyze("see https://example.org/x or mail a@b.org 12345 😀🎉", "en") == ["see", "mail"]


def test_vietnamese_keeps_tones_and_adds_syllable_bigrams():
    features = AnswerAnalyzer(use_codebook=False).analyze("bệnh viện xa", "vi")
    assert "bệnh_viện" in features and "viện_xa" in features


def test_chinese_is_split_into_bigrams_without_function_words():
    units = textnorm.han_units("我们的社区", textnorm.stop_words("zh"))
    assert units == ["社区"]


def test_korean_noun_with_particle_finds_the_codebook_word():
    assert lexicon.korean_lookup(lexicon.load_codebook(), "병원에") == ("hospital",)


def test_the_same_need_in_eight_languages_shares_a_feature():
    analyzer = AnswerAnalyzer()
    answers = {
        "en": "The rent is too high", "es": "La renta es muy alta", "vi": "Tiền thuê nhà cao",
        "zh": "房租太高", "ar": "الإيجار مرتفع", "ko": "월세가 너무 비싸요",
        "tl": "Mataas ang upa", "ht": "Lwaye a twò wo",
    }
    for language, text in answers.items():
        assert "rent" in analyzer.analyze(text, language), language


def test_mixed_script_answer_is_handled_word_by_word():
    features = AnswerAnalyzer().analyze("我需要doctor y ayuda", "zh-Hans")
    assert "doctor" in features and "need" in features


@pytest.mark.parametrize("text, expected", [
    ("necesito ayuda con la renta", "es"), ("I need help with the rent", "en"),
    ("Tôi cần giúp đỡ", "vi"), ("我需要帮助", "zh"), ("도움이 필요해요", "ko"),
    ("أحتاج مساعدة", "ar"), ("mwen bezwen èd pou lwaye a", "ht"), ("kailangan ko ng tulong sa upa", "tl"),
])
def test_language_is_guessed_when_missing(text, expected):
    assert textnorm.guess_language(text) == expected


def test_no_nltk_download_is_needed(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("nltk.download called")

    monkeypatch.setattr(nltk, "download", refuse)
    assert AnswerAnalyzer().analyze("Running to the clinics", "en") == ["run", "clinic"]
