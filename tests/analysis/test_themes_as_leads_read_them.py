"""Themes on answers as a coalition lead gets them: a petition pasted forty times, fillers,
answers typed on the wrong language's form, languages the app does not ship."""
import json
import re
from collections import Counter

import pytest
from sklearn.metrics import adjusted_rand_score

from analysis import nonanswers, textnorm
from analysis.cli import main
from analysis.themes import ThemeModel
from analysis.themes_cli import result_json, result_text

PETITION = "We demand the City build affordable housing now and stop the evictions on Maple Street!"


def pasted(n):
    """``n`` copies of the petition as people paste it: case, punctuation, spacing, a hashtag."""
    shapes = [PETITION, PETITION.upper(), PETITION.lower().rstrip("!"), "  " + PETITION.replace(" ", "  "),
              PETITION.replace("!", "!!!"), PETITION + " #HousingNow"]
    return [shapes[i % len(shapes)] for i in range(n)]


@pytest.fixture
def with_petition(answers):
    texts, languages, topics = answers
    return ThemeModel(n_themes=3).fit(texts + pasted(40), languages + ["en"] * 40), topics


def test_a_pasted_answer_counts_but_does_not_take_a_theme_of_its_own(with_petition):
    model, topics = with_petition
    assert adjusted_rand_score(topics, model.labels_[:len(topics)]) >= 0.8
    assert sum(theme.size for theme in model.themes_) == len(topics) + 40


def test_a_pasted_answer_is_quoted_once_with_how_many_gave_it(with_petition):
    model, _ = with_petition
    theme = model.themes_[model.labels_[-1]]
    quoted = [(e, c) for e, c in zip(theme.examples, theme.example_counts) if "maple street" in e.lower()]
    assert len(quoted) == 1 and quoted[0][1] == 40
    assert "×40" in result_text(model)


def test_a_pasted_answer_does_not_name_the_theme(with_petition):
    model, _ = with_petition
    for theme in model.themes_:
        assert not {"demand", "city", "evictions", "maple", "street"} & set(theme.label.split(" "))


def test_a_pasted_answer_goes_to_the_theme_of_the_residents_who_raised_its_topic(with_petition):
    model, topics = with_petition
    housing = Counter(label for label, topic in zip(model.labels_, topics) if topic == "housing").most_common(1)[0][0]
    assert set(model.labels_[len(topics):]) == {housing}


def test_the_theme_holding_a_pasted_answer_is_named_with_some_of_its_words(with_petition):
    model, _ = with_petition
    label = model.themes_[model.labels_[-1]].label
    assert set(re.findall(r"\w+", label.casefold())) & set(re.findall(r"\w+", PETITION.casefold())), label


def test_fillers_never_name_a_theme(answers):
    texts, languages, _ = answers
    chatty = [f"I think {t.lower()} lol" if language == "en" else t for t, language in zip(texts, languages)]
    model = ThemeModel(n_themes=3).fit(chatty, languages)
    terms = " ".join(" ".join(theme.terms) for theme in model.themes_).split(" ")
    assert "lol" not in terms and "think" not in terms


@pytest.mark.parametrize("non_answer", ["idk lol", "not sure tbh", "i think so", "Nothing at this time.",
                                        "nothing really", "None of the above", "ninguna por ahora", "wala naman"])
def test_non_answers_with_fillers_around_them_get_no_theme(answers, non_answer):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=3).fit(texts + [non_answer], languages + [None])
    assert model.labels_[-1] is None


@pytest.mark.parametrize("answer", ["rent lol", "the bus lol", "nada funciona jaja", "I need nothing"])
def test_fillers_do_not_make_an_answer_a_non_answer(answer):
    assert not nonanswers.is_non_answer(answer, "en")


@pytest.mark.parametrize("text, tagged, read_as", [
    ("La renta es muy cara y no hay trabajo", "en", "es"), ("la comida es cara", "en", "es"),
    ("the bus is late again", "es", "en"), ("Va a llover hoy?", "es", "es"), ("rent is high", "es", "es"),
])
def test_an_answer_on_the_wrong_languages_form_is_read_in_its_own(text, tagged, read_as):
    assert textnorm.language_of(text, tagged) == read_as


def test_spanish_typed_on_the_english_form_gives_no_function_word_labels(answers):
    texts, _, _ = answers
    model = ThemeModel(n_themes=3).fit(texts, ["en"] * len(texts))
    words = {word for theme in model.themes_ for term in theme.terms for word in term.split(" ")}
    assert not words & {"la", "el", "es", "de", "que", "no", "y"}


UNREAD = [("Аренда слишком дорогая", "ru"), ("Квартплата очень высокая", None), ("Автобус всегда опаздывает", None),
          ("Нет денег на еду", None), ("Аренда растёт каждый год", None), ("Нужно больше автобусов", None),
          ("家賃が高すぎる", None), ("バスが来ない", "ja"), ("O aluguel está muito caro", "pt"),
          ("O ônibus nunca chega", "pt-BR"), ("किराया बहुत ज्यादा है", None)]


def test_answers_in_languages_no_theme_reads_are_set_apart_not_themed(answers):
    texts, languages, _ = answers
    model = ThemeModel(n_themes=4).fit(texts + [t for t, _ in UNREAD], languages + [c for _, c in UNREAD])
    assert model.labels_[len(texts):] == [None] * len(UNREAD)
    assert model.other_languages_ == {"cyrillic": 5, "ru": 1, "pt": 2, "hiragana": 1, "ja": 1, "devanagari": 1}
    assert None not in model.labels_[:len(texts)]
    assert "11 answers set apart" in result_text(model)


@pytest.mark.parametrize("text, code", [("rent is high", "und"), ("rent is high", "English"), ("房租太贵", "yue"),
                                        ("rent is high, says Иван", None), ("ＲＥＮＴ", None), ("😀", None)])
def test_shipped_scripts_and_unknown_codes_are_still_read(text, code):
    assert textnorm.unread_language(text, code) == ""


def test_quotes_the_command_line_prints_hide_phone_numbers_and_emails(answers):
    texts, languages, _ = answers
    private = "The rent is too high, call me at (617) 555-0100 or maria.lopez@example.org"
    model = ThemeModel(n_themes=3, n_examples=20).fit(texts + [private], languages + ["en"])
    printed = result_text(model) + json.dumps(result_json(model), ensure_ascii=False)
    assert "555-0100" not in printed and "maria.lopez" not in printed
    assert "call me at [phone] or [email]" in printed


def write_csv(path, rows):
    path.write_text("id,text\n" + "".join(f"{i},{t}\n" for i, t in rows), encoding="utf-8")
    return path


def test_a_respondent_id_given_twice_is_refused_with_its_line(capsys, tmp_path):
    path = write_csv(tmp_path / "answers.csv", [("r1", "rent is high"), ("r2", "bus is late"), ("r1", "rent is high")])
    assert main(["themes", str(path), "--id-column", "id"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "line 4" in captured.err and "'r1'" in captured.err and "line 2" in captured.err


def test_distinct_respondent_ids_are_read_once_each(capsys, tmp_path):
    path = write_csv(tmp_path / "answers.csv", [("r1", "rent is high"), ("r2", "bus is late"), ("r3", "food")])
    assert main(["themes", str(path), "--id-column", "id"]) == 0
    assert len(json.loads(capsys.readouterr().out)["assignments"]) == 3


def test_a_missing_id_column_is_named(capsys, tmp_path):
    path = write_csv(tmp_path / "answers.csv", [("r1", "rent is high")])
    assert main(["themes", str(path), "--id-column", "respondent"]) == 2
    assert "'respondent' not found" in capsys.readouterr().err
