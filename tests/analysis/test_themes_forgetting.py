"""A fitted theme model kept to assign later answers holds none of the answers as written, and
forgets the words of answers deleted on request."""
import pickle

from analysis import theme_forgetting
from analysis.themes import ThemeModel

DELETED = "Zyxwvutsrq Quokkaxenon says the rent is too high"


def test_a_model_that_forgot_its_answers_holds_none_of_them_and_still_assigns_alike(answers):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3, random_state=0).fit(texts, languages)
    before = model.transform(texts, languages)
    assert any(theme.examples for theme in model.themes_)
    model.forget_answers()
    stored = pickle.dumps(model)
    assert not any(text.encode("utf-8") in stored for text in texts if len(text.split()) > 2)
    assert all(not theme.examples and not theme.example_languages for theme in model.themes_)
    assert model.word_vectorizer_.stop_words_ is None and model.char_vectorizer_.stop_words_ is None
    assert model.transform(texts, languages) == before


def test_the_terms_only_a_deleted_answer_gave_are_forgotten_and_the_others_kept(answers):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3, random_state=0).fit([*texts, DELETED], [*languages, "en"])
    assert b"quokkax" in pickle.dumps(model)  # word and character terms of the name
    kept_before = model.transform(texts, languages)
    vocabulary = set(model.word_vectorizer_.vocabulary_)
    model.forget_answers([DELETED], ["en"], texts, languages)
    stored = pickle.dumps(model)
    assert b"quokka" not in stored and b"zyxwvu" not in stored
    assert {"rent"} <= set(model.word_vectorizer_.vocabulary_) & vocabulary  # others wrote it too: kept
    assert model.transform(texts, languages) == kept_before
    assert model.transform([DELETED], ["en"]) == model.transform(["the rent is too high"], ["en"])


def test_a_theme_named_by_a_deleted_answers_word_is_named_again_by_what_the_others_wrote():
    said = ["Rent is too high for us.", "The bus never comes on time.", "Fresh vegetables cost too much.",
            "No grocery store nearby."] * 6 + ["The clinic closes too early", "Clinic staff are rude", "clinic is far"]
    doomed = ["Dr Quokkaxenon at the clinic is rude", "Quokkaxenon clinic staff never listen to me"]
    model = ThemeModel(n_themes=5, random_state=0).fit(said + doomed, ["en"] * (len(said) + 2))
    [clinic] = [theme for theme in model.themes_ if "clinic" in theme.terms]
    assert "quokkaxenon" in clinic.label.split(" / ")  # a small theme: the doomed answers' word names it
    words = theme_forgetting.forget_answers(model, doomed, ["en", "en"], said, ["en"] * len(said))
    assert "quokkaxenon" in words and "rude" not in words and "clinic" not in words  # others wrote those
    assert not any("quokkaxenon" in term for term in clinic.terms) and "quokkaxenon" not in clinic.label
    assert clinic.label.startswith("clinic / ")
    assert b"quokka" not in pickle.dumps(model)
