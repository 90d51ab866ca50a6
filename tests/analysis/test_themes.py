"""The theme model: grouping across languages, determinism, awkward answers, the estimator contract."""
import subprocess
import sys

import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.themes import Theme, ThemeModel


@pytest.fixture
def fitted(answers):
    texts, languages, _ = answers
    return ThemeModel(n_themes=3, random_state=0).fit(texts, languages)


def test_answers_about_the_same_need_group_together_across_languages(answers, fitted):
    _, _, topics = answers
    assert adjusted_rand_score(topics, fitted.labels_) >= 0.8


def test_each_theme_crosses_languages(fitted):
    for theme in fitted.themes_:
        assert len(theme.languages) >= 4, theme


def test_the_number_of_themes_is_chosen_from_the_data(answers):
    texts, languages, topics = answers
    model = ThemeModel(random_state=0).fit(texts, languages)
    assert model.n_themes_ == 3
    assert adjusted_rand_score(topics, model.labels_) >= 0.8


def test_labels_are_readable_words_in_english(fitted):
    labels = " ".join(theme.label for theme in fitted.themes_)
    for word in ("rent", "bus", "food"):
        assert word in labels
    assert all("theme" not in theme.label for theme in fitted.themes_)


def test_themes_are_ordered_by_size_and_sizes_add_up(answers, fitted):
    assert [t.id for t in fitted.themes_] == list(range(fitted.n_themes_))
    sizes = [t.size for t in fitted.themes_]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == sum(label is not None for label in fitted.labels_)
    assert all(isinstance(t, Theme) for t in fitted.themes_)


def test_examples_are_verbatim_distinct_and_three_to_five(answers, fitted):
    texts = set(answers[0])
    for theme in fitted.themes_:
        assert 3 <= len(theme.examples) <= 5
        assert len(set(theme.examples)) == len(theme.examples)
        assert set(theme.examples) <= texts
        assert len(theme.example_languages) == len(theme.examples)


def test_same_seed_gives_the_same_themes(answers):
    texts, languages, _ = answers
    first = ThemeModel(random_state=7).fit(texts, languages)
    second = ThemeModel(random_state=7).fit(texts, languages)
    assert first.labels_ == second.labels_
    assert first.themes_ == second.themes_


@pytest.mark.parametrize("unusable", ["", "   ", "?!...", "😀😀🎉", "🏠💸", "12345", None, "https://example.org"])
def test_unusable_answers_get_no_theme(answers, unusable):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3).fit(texts + [unusable], languages + ["en"])
    assert model.labels_[-1] is None
    assert model.labels_[:-1].count(None) == 0


def test_one_word_very_long_and_mixed_script_answers_get_a_theme(answers):
    texts, languages, _ = answers
    long_answer = "The rent is too expensive and the landlord never fixes anything. " * 400
    extra = ["rent", long_answer, "我需要 help con la renta, 房租太贵"]
    model = ThemeModel(n_themes=3).fit(texts + extra, languages + ["en", "en", None])
    housing = model.labels_[0]
    assert model.labels_[-3:] == [housing, housing, housing]


def test_new_answers_are_assigned_to_fitted_themes(fitted):
    housing, transport = fitted.labels_[0], fitted.labels_[12]
    assigned = fitted.transform(["la renta sube cada año", "the bus never comes", "", "🙂"],
                                ["es", "en", "en", None])
    assert assigned == [housing, transport, None, None]
    assert fitted.predict(["房租太贵"], ["zh-Hans"]) == [housing]


def test_all_unusable_input_gives_no_themes():
    model = ThemeModel().fit(["", "😀", "  "])
    assert model.themes_ == [] and model.labels_ == [None, None, None]
    assert model.transform(["rent"]) == [None]


def test_fewer_texts_than_themes_asked_for():
    model = ThemeModel(n_themes=10).fit(["rent is high", "bus is late"])
    assert 1 <= model.n_themes_ <= 2
    assert None not in model.labels_


def test_weights_give_weighted_sizes(answers):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3).fit(texts, languages, weights=[2.0] * len(texts))
    assert all(theme.weighted_size == 2.0 * theme.size for theme in model.themes_)


def test_progress_is_reported(answers):
    texts, languages, _ = answers
    stages = []
    ThemeModel(n_themes=3).fit(texts, languages, progress=lambda stage, done, total: stages.append(stage))
    assert {"analyse", "vectorise", "cluster", "describe"} <= set(stages)


def test_estimator_contract(answers):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3, random_state=5, idf_power=0.5)
    before = dict(vars(model))
    assert model.fit(texts, languages) is model
    assert {key: vars(model)[key] for key in before} == before
    assert not any(key.endswith("_") for key in before)
    with pytest.raises(AttributeError):
        ThemeModel().transform(["rent"])
    with pytest.raises(ValueError):
        ThemeModel().fit(["a", "b"], ["en"])


def test_analysis_imports_neither_flask_nor_sqlalchemy():
    code = ("import sys, analysis.themes, analysis.cli, analysis.themes_cli, analysis.textnorm; "
            "analysis.themes.ThemeModel(n_themes=2).fit(['rent is high', 'bus is late', 'food']); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'webapp')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
