"""A petition pasted by forty residents, among a small, messy set of answers about other needs.

Clustered once (so that it does not take a theme by its copies alone), a petition
used to land wherever its incidental words led ("stop the evictions" beside "the
bus stop", "Maple Street" beside "dark streets") and took its forty copies there:
a lead read that forty more residents asked about buses or safety.
"""
import random
import re
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from analysis.copied_answers import place_copied_answers
from analysis.theme_summary import describe_themes
from analysis.themes import ThemeModel

PETITION = "We demand the City build affordable housing now and stop the evictions on Maple Street!"

#: answers residents wrote themselves, by topic and language; none is about housing
WRITTEN = {
    "safety": {
        "en": ["It is not safe to walk at night", "Too much crime and no street lights at night",
               "I am scared walking home at night, we need more lights", "Break-ins and shootings on our block",
               "Kids are not safe in the park at night", "Drug dealing on the corner, it feels dangerous",
               "More police patrols at night please", "The streets are dark and unsafe",
               "Someone was robbed at the corner last week", "Cars speed through the neighborhood, kids get hurt"],
        "es": ["No es seguro caminar de noche", "Hay mucha violencia y robos en el barrio",
               "Tengo miedo de salir de noche, faltan luces", "Necesitamos más seguridad en las calles"],
        "vi": ["Đi bộ ban đêm không an toàn", "Có nhiều tội phạm trong khu phố"],
        "zh": ["晚上走路不安全", "社区治安不好，晚上很危险"],
        "ko": ["밤에 걷기가 무서워요", "동네가 안전하지 않아요"],
    },
    "clinic": {
        "en": ["The clinic is too far and always full", "I cannot get a doctor appointment for weeks",
               "We need a health clinic open in the evening", "No doctor speaks my language at the clinic",
               "Medicine is too expensive without insurance", "The wait at the clinic is hours long",
               "Need more doctors and nurses nearby", "My kids need a dentist and there is none",
               "Mental health help is impossible to get"],
        "es": ["La clínica está muy lejos", "No hay médicos que hablen español",
               "Necesitamos una clínica con horario de noche", "Las medicinas son muy caras sin seguro"],
        "vi": ["Phòng khám quá xa", "Không có bác sĩ nói tiếng Việt"],
        "zh": ["诊所太远了", "看医生要等很久"],
        "ar": ["العيادة بعيدة جدا", "لا يوجد طبيب قريب"],
    },
    "bus": {
        "en": ["The bus does not come often and the stop is far", "The bus is always late",
               "We need more buses on weekends", "No bus route goes to the clinic or the store",
               "I have no car and the bus takes two hours", "Bus fares are too high for my family",
               "The bus stop has no shelter from the rain", "Buses stop running too early at night"],
        "es": ["El autobús no pasa y la parada está lejos", "No tengo carro y el autobús tarda mucho",
               "Necesitamos más autobuses los fines de semana"],
        "vi": ["Xe buýt quá ít", "Xe buýt luôn trễ"],
        "zh": ["公交车太少了", "公交车总是晚点"],
        "tl": ["Walang jeep at malayo ang bus"],
        "ht": ["Pa gen bis, transpò a lwen"],
    },
    "food": {
        "en": ["Healthy food is hard to find", "The grocery store is far and expensive",
               "We need fresh vegetables and fruit", "Not enough food for my children",
               "The food pantry runs out every week", "Food prices keep going up",
               "School lunches are not healthy"],
        "es": ["No hay comida saludable en el barrio", "Mis hijos pasan hambre, necesitamos comida",
               "El supermercado está lejos y la comida es cara"],
        "vi": ["Thiếu thức ăn và rau cho con"],
        "zh": ["没有健康的食物，蔬菜和水果太贵"],
        "ko": ["음식이 부족하고 채소가 비싸요"],
    },
}
NON_ANSWERS = ["idk lol", "n/a", "nothing", "no comment", "不知道", "No sé", "?", "ok", "nothing really", "idk"]
#: how residents type: as written, lower case, shouting, trailing "!!" or "lol", a "honestly" in front
STYLES = [lambda t: t, str.lower, lambda t: t + "!!", str.upper, lambda t: "honestly " + t.lower(),
          lambda t: t + " lol"]


def pasted(text, n):
    """``n`` copies of ``text`` as people paste it: case, punctuation, spacing, a hashtag."""
    shapes = [text, text.upper(), text.lower().rstrip("!"), "  " + text.replace(" ", "  "),
              text.replace("!", "!!!"), text + " #HousingNow"]
    return [shapes[i % len(shapes)] for i in range(n)]


def messy_answers(seed, petition=PETITION, copies=40):
    """About 165 ``(text, language, topic)`` rows, shuffled: English and Spanish answers
    twice in different styles, the others once, ten non-answers, ``copies`` of the petition."""
    rng = random.Random(seed)
    rows = []
    for topic, by_language in WRITTEN.items():
        for language, texts in by_language.items():
            for text in texts:
                if language in ("en", "es"):
                    rows += [(rng.choice(STYLES)(text), language, topic) for _ in range(2)]
                else:
                    rows.append((text, language, topic))
    rows += [(text, None, None) for text in NON_ANSWERS]
    rows += [(text, "en", "petition") for text in pasted(petition, copies)]
    rng.shuffle(rows)
    return rows


@pytest.fixture(scope="module", params=[0, 2], ids=["seed0", "seed2"])
def fitted(request):
    rows = messy_answers(request.param)
    model = ThemeModel(random_state=0).fit([r[0] for r in rows], [r[1] for r in rows])
    return model, [r[2] for r in rows]


def petition_theme(model, topics):
    themes = {model.labels_[i] for i, topic in enumerate(topics) if topic == "petition"}
    assert len(themes) == 1 and None not in themes, themes
    return model.themes_[themes.pop()]


def words_of(text):
    return set(re.findall(r"\w+", text.casefold()))


def test_the_corpus_is_the_size_the_problem_was_seen_at():
    rows = messy_answers(0)
    assert 150 <= len(rows) <= 180 and sum(r[2] == "petition" for r in rows) == 40


def test_a_petition_on_a_topic_nobody_else_raised_is_not_counted_under_another_theme(fitted):
    model, topics = fitted
    theme = petition_theme(model, topics)
    assert theme.size >= 40
    for topic in WRITTEN:
        members = Counter(model.labels_[i] for i, t in enumerate(topics) if t == topic)
        assert members[theme.id] <= 0.2 * sum(members.values()), (topic, theme.label)


def test_a_petition_theme_is_named_with_the_petitions_own_words(fitted):
    model, topics = fitted
    label_words = words_of(petition_theme(model, topics).label)
    assert label_words and label_words <= words_of(PETITION)


def test_a_new_copy_of_the_petition_goes_to_the_petitions_theme(fitted):
    model, topics = fitted
    assert model.transform([PETITION.lower()], ["en"]) == [petition_theme(model, topics).id]


def test_a_petition_on_the_topic_of_some_answers_joins_their_theme():
    petition = "Our clinic needs doctors in the evening, sign this petition for a health clinic open late!"
    rows = messy_answers(0, petition=petition)
    model = ThemeModel(random_state=0).fit([r[0] for r in rows], [r[1] for r in rows])
    topics = [r[2] for r in rows]
    theme = petition_theme(model, topics)
    written = Counter(t for label, t in zip(model.labels_, topics) if label == theme.id and t != "petition")
    assert written and written.most_common(1)[0][0] == "clinic", written
    assert words_of(theme.label) & words_of(petition)


def placed(copied_words, copies, clustered_in=0):
    """Where :func:`place_copied_answers` puts one copied answer beside two three-answer themes."""
    vocabulary = "a b c x y z p q r s t u".split()
    written = [("a", "b"), ("a", "c"), ("b", "c"), ("x", "y"), ("x", "z"), ("y", "z")]
    rows = written + [copied_words]
    word_part = sp.csr_matrix([[1.0 if word in row else 0.0 for word in vocabulary] for row in rows])
    labels = np.array([0, 0, 0, 1, 1, 1, clustered_in])
    return place_copied_answers(word_part, labels, np.array([1] * 6 + [copies]), random_state=0)[-1]


def test_a_copied_answer_stays_in_a_theme_that_uses_its_words():
    assert placed(("a", "b", "p", "q", "r", "s"), copies=40) == 0


def test_a_copied_answer_moves_to_the_theme_that_uses_its_words():
    assert placed(("x", "y", "p", "q", "r", "s"), copies=40) == 1


def test_a_copied_answer_no_theme_uses_becomes_a_theme_of_its_own():
    assert placed(("p", "q", "r", "s", "t", "u"), copies=40) == 2


def test_a_copied_answer_fewer_than_the_smallest_theme_stays_where_it_was_clustered():
    assert placed(("p", "q", "r", "s", "t", "u"), copies=2) == 0


def describe(texts_by_theme):
    """The themes ``describe_themes`` makes of ``texts_by_theme`` (a list of texts per theme id)."""
    texts = [text for theme in texts_by_theme for text in theme]
    first = {}
    group = np.array([first.setdefault(text, len(first)) for text in texts])
    distinct = np.array([texts.index(text) for text in first])
    ids = np.array([next(i for i, theme in enumerate(texts_by_theme) if text in theme) for text in first])
    vectorizer = CountVectorizer(ngram_range=(1, 2), stop_words="english")
    word_part = vectorizer.fit_transform(list(first))
    return describe_themes(normalize(word_part.astype(float)), word_part, ids, len(texts_by_theme), distinct, group,
                           texts, ["en"] * len(texts), np.ones(len(texts)), vectorizer.get_feature_names_out(),
                           lambda term: term)


def test_a_theme_that_is_mostly_one_pasted_text_is_named_with_its_words():
    pasted_text = "rent control and more affordable apartments"
    themes = describe([[pasted_text] * 16 + ["almost cannot pay it", "two jobs still short"],
                       ["the bus is late", "no bus on sunday", "bus stop far away"]])
    assert set(themes[0].label.replace("/", " ").split()) <= set(pasted_text.split()), themes[0].label


def test_a_pasted_text_does_not_name_a_theme_of_what_many_wrote_themselves():
    written = ["the bus is late again", "no bus on sunday at all", "bus stop too far", "the bus never comes",
               "more buses please", "bus fares too high", "late bus every morning"]
    themes = describe([written + ["city hall must fix the potholes now"] * 40, ["rent is too high", "rent went up"]])
    assert themes[0].label.startswith("bus"), themes[0].label  # what they wrote names it; forty copies count as three
