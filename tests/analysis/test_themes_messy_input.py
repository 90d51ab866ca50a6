"""Themes on the answers residents really type: non-answers, contact details,
markup, stretched words, vocalised Arabic."""
import numpy as np
import pytest

from analysis import clustering, textnorm
from analysis.features import AnswerAnalyzer
from analysis.themes import ThemeModel


@pytest.mark.parametrize("non_answer", [
    "idk", "IDK!!", "none", "Nothing.", "no comment", "I don't know", "n/a", "No sé", "ninguno",
    "没有", "不知道", "لا شيء", "لا أعرف", "không biết", "khong biet", "모르겠어요", "없어요",
    "wala po", "pa konnen", "<script>alert(1)</script>",
])
def test_non_answers_get_no_theme(answers, non_answer):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3).fit(texts + [non_answer], languages + [None])
    assert model.labels_[-1] is None
    assert model.labels_[:-1].count(None) == 0


@pytest.mark.parametrize("answer", ["no bus", "nada de comida", "no hay autobús"])
def test_answers_that_start_like_a_non_answer_keep_their_words(answer):
    assert AnswerAnalyzer().analyze(answer)


def test_unrelated_one_word_answers_do_not_crash():
    texts = ["sooooo bad", "RENT RENT RENT", "THE RENT IS TOO HIGH!!!!", "lol", "asdf", "xxx", "ok",
             "yes", "nope", "call me at 617-555-0100", "=HYPERLINK(\"http://x\",\"click\")",
             "sooooo expensive", "ninguno", "nah", "no"]
    model = ThemeModel().fit(texts)
    assert model.n_themes_ >= 1


def test_k_is_chosen_when_every_silhouette_is_negative(monkeypatch):
    scores = {2: -0.028, 3: -0.033, 4: -0.1}
    monkeypatch.setattr(clustering, "silhouette_score",
                        lambda distances, labels, metric: scores[len(np.unique(labels))])
    rng = np.random.RandomState(0)
    Z = rng.normal(size=(40, 5))
    embedding = np.repeat(np.eye(4), 10, axis=0) + rng.normal(scale=0.01, size=(40, 4))
    assert clustering.choose_k(Z, embedding, [2, 3, 4], random_state=0) == 2


def test_labels_never_hold_contact_details_and_quotes_mask_them_when_shown(answers):
    from analysis.theme_summary import mask_contact_details

    texts, languages, _ = answers
    private = "The rent is too high, call me at (617) 555-0100 or maria.lopez@example.org"
    model = ThemeModel(n_themes=3, n_examples=20).fit(texts + [private], languages + ["en"])
    examples = [example for theme in model.themes_ for example in theme.examples]
    assert private in examples  # verbatim: the app finds the answer by its text
    assert mask_contact_details(private) == "The rent is too high, call me at [phone] or [email]"
    assert not any(any(c.isdigit() or "@" in c for c in t.label) for t in model.themes_)


@pytest.mark.parametrize("text", ["call 617 555 0100", "call 555 0100", "(617) 555-0100", "+1 617 555 0100",
                                  "617-555-0100", "6175550100", "06 12 34 56 78"])
def test_phone_numbers_in_their_usual_shapes_are_masked(text):
    from analysis.theme_summary import mask_contact_details
    assert not any(c.isdigit() for c in mask_contact_details(text)) and "[phone]" in mask_contact_details(text)


@pytest.mark.parametrize("text", ["rent went from 1200 to 1500", "rent is $1,200", "2023-2024 was bad",
                                  "rent 1200 1500 1800", "born 1990 1991", "800 900 1000 1100"])
def test_prices_and_years_in_quotes_are_not_mistaken_for_phone_numbers(text):
    from analysis.theme_summary import mask_contact_details
    assert mask_contact_details(text) == text


def test_markup_is_not_read_as_words():
    assert [key for key, _ in textnorm.words("<b>rent</b> <script>alert(1)</script>", "en")] == ["rent"]


@pytest.mark.parametrize("stretched, plain", [
    ("sooooo bad", "so bad"), ("fooood", "food"), ("pleeeease", "please"), ("noooo bus", "no bus"),
])
def test_letters_held_for_emphasis_are_undone(stretched, plain):
    assert textnorm.words(stretched, "en") == textnorm.words(plain, "en")


@pytest.mark.parametrize("variant", ["العيادة", "للعيادة", "العِيَادَة", "عِيادة"])
def test_arabic_with_article_or_diacritics_finds_the_codebook_word(variant):
    analyzer = AnswerAnalyzer()
    assert analyzer.analyze(variant, "ar") == analyzer.analyze("عيادة", "ar") == ["clinic"]


def test_vocalised_arabic_reads_like_unvocalised():
    analyzer = AnswerAnalyzer()
    assert analyzer.analyze("الحافِلَة دائِمًا مُتأخِّرة", "ar") == analyzer.analyze("الحافلة دائما متأخرة", "ar")


@pytest.mark.parametrize("text, language", [
    ("The bus never comes", "en"), ("El autobús no pasa", "es"), ("Không có xe buýt", "vi"), ("公交车太少", "zh"),
    ("لا توجد حافلة", "ar"), ("버스가 안 와요", "ko"), ("Walang bus dito", "tl"), ("Pa gen bis", "ht"),
])
def test_the_bus_is_one_word_in_every_language(text, language):
    # English "bus" was its own word while 公交, xe buýt and حافلة were only "transport": bus answers split by language
    features, _words = AnswerAnalyzer().analyze_both(text, language)
    assert "bus" in features
