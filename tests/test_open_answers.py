"""Open answers on the leads' pages are grouped by theme once there are enough of them."""
from webapp.services.open_answers import MIN_ANSWERS_FOR_THEMES, OpenAnswer, _themes_of, group_answers_by_theme

BUSES = [
    ("The bus never comes on time", "en"), ("There is no bus to the clinic", "en"),
    ("Buses stop running too early at night", "en"), ("I need a bus route to work", "en"),
    ("The bus fare is too expensive", "en"), ("No transportation to get to the doctor", "en"),
    ("El autobús nunca llega a tiempo", "es"), ("No hay autobús para ir a la clínica", "es"),
    ("El autobús es muy caro", "es"), ("Necesito transporte para ir al doctor", "es"),
]
RENT = [
    ("Rent is too high", "en"), ("I can't afford my rent", "en"), ("Housing costs keep going up", "en"),
    ("We need affordable housing", "en"), ("My landlord raised the rent again", "en"),
    ("The rent takes all my income", "en"),
    ("La renta es muy alta", "es"), ("No puedo pagar el alquiler", "es"),
    ("Necesitamos vivienda asequible", "es"), ("El alquiler sube cada año", "es"),
]


def answers(pairs, times=1):
    return [OpenAnswer(question="improve", text=text, language=language) for text, language in pairs * times]


def test_few_answers_stay_one_group_to_read_in_full():
    few = answers(BUSES[:5] + RENT[:5])
    assert len(few) < MIN_ANSWERS_FOR_THEMES
    groups = group_answers_by_theme(few)
    assert [(g.label, g.answers) for g in groups] == [(None, few)]
    assert group_answers_by_theme([]) == []


def test_enough_answers_are_grouped_by_theme_across_languages():
    many = answers(BUSES + RENT, times=2) + answers([("", "en"), ("?!", "und")])
    assert len(many) >= MIN_ANSWERS_FOR_THEMES
    groups = group_answers_by_theme(many)
    themed = [g for g in groups if g.label is not None]
    assert len(themed) >= 2
    # every answer is listed exactly once, and the unusable ones come last, unlabelled
    assert sorted(a.text for g in groups for a in g.answers) == sorted(a.text for a in many)
    assert groups[-1].label is None and {a.text for a in groups[-1].answers} == {"", "?!"}
    bus_texts = {t for t, _ in BUSES}
    topic = {a.text: "bus" if a.text in bus_texts else "rent" for a in many if a.text.strip("?! ")}
    # most answers sit in a theme whose majority is their topic (purity), whatever their language
    agreeing = sum(max(sum(topic[a.text] == t for a in g.answers) for t in ("bus", "rent")) for g in themed)
    assert agreeing / len(topic) >= 0.8
    bus_group = max(themed, key=lambda g: sum(topic[a.text] == "bus" for a in g.answers))
    assert {a.language for a in bus_group.answers} == {"en", "es"}

def test_the_same_answers_are_not_fitted_again():
    many = answers(BUSES + RENT, times=2)
    group_answers_by_theme(many)
    hits = _themes_of.cache_info().hits
    assert group_answers_by_theme(many) == group_answers_by_theme(many)
    assert _themes_of.cache_info().hits == hits + 2
