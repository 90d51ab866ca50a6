"""Synthetic priority-survey responses, for demos, tests and benchmarks.

Not real data: answers are drawn so that the most affected residents (low income,
hardships, two priority places) rate some needs higher, that some groups answer less
often than their population share, that about one answer in ten of each profile item
is skipped, and that the last need was added to the campaign late (the first fifth of
respondents never rated it).
"""
from __future__ import annotations

import csv
import os

import numpy as np

from analysis.survey_data import HARDSHIPS, SurveyData

NEEDS = (
    "affordable_housing", "healthy_food", "transportation", "access_to_care", "jobs_and_income",
    "safety", "mental_health", "childcare", "clean_air_and_water", "parks_and_recreation",
    "education", "substance_use", "internet_access", "senior_services", "youth_programs",
)
PLACES = ("94601", "94603", "94605", "94606", "94607", "94610", "94611", "94612")
PRIORITY_PLACES = ("94601", "94603")
AGE_BANDS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus")
INCOME_BANDS = ("under_25k", "25_50k", "50_75k", "75_100k", "100k_plus")
RACE_ETHNICITY = ("black", "latino", "asian", "white", "native", "pacific", "mena", "other")
LANGUAGES = ("en", "es", "vi", "zh")
SKIP_RATE = 0.1


def _choice(rng, values, n, p=None, skip=SKIP_RATE) -> list:
    """n draws from ``values`` with about ``skip`` of them unanswered (None)."""
    drawn = np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=p)]
    drawn[rng.random(n) < skip] = None
    return drawn.tolist()


def synthetic_survey(n: int, n_needs: int = 15, seed: int = 0) -> SurveyData:
    """A synthetic :class:`SurveyData` of ``n`` respondents and ``n_needs`` needs (at most 15)."""
    rng = np.random.default_rng(seed)
    needs = NEEDS[:n_needs]
    income_index = rng.choice(len(INCOME_BANDS), size=n, p=[0.15, 0.2, 0.2, 0.2, 0.25])
    low_income = income_index <= 1
    profiles: dict[str, list] = {
        "place": _choice(rng, PLACES, n),
        "age_band": _choice(rng, AGE_BANDS, n, p=[0.03, 0.12, 0.22, 0.2, 0.17, 0.14, 0.12]),
        "income_band": np.asarray(INCOME_BANDS, dtype=object)[income_index].tolist(),
        "primary_language": _choice(rng, LANGUAGES, n, p=[0.6, 0.25, 0.1, 0.05]),
    }
    for i in np.flatnonzero(rng.random(n) < SKIP_RATE):
        profiles["income_band"][i] = None
    race = _choice(rng, RACE_ETHNICITY, n, p=[0.2, 0.3, 0.2, 0.2, 0.03, 0.02, 0.02, 0.03])
    second = _choice(rng, RACE_ETHNICITY, n, skip=0.0)
    for i in np.flatnonzero(rng.random(n) < 0.08):
        if race[i] is not None and second[i] != race[i]:
            race[i] = [race[i], second[i]]
    profiles["race_ethnicity"] = race
    for hardship in HARDSHIPS:
        yes = rng.random(n) < np.where(low_income, 0.35, 0.08)
        answer = np.where(yes, True, False).astype(object)
        answer[rng.random(n) < SKIP_RATE] = None
        profiles[hardship] = answer.tolist()
    in_priority_place = np.isin(np.asarray(profiles["place"], dtype=object), PRIORITY_PLACES)
    affected = low_income.astype(float) + in_priority_place + sum(
        np.asarray([v is True for v in profiles[h]]) for h in HARDSHIPS
    )
    base = np.linspace(4.2, 2.8, len(needs))
    effect = rng.normal(0.0, 0.25, len(needs))  # how much more (or less) the affected care
    latent = base + np.outer(affected, effect) + rng.normal(0.0, 0.9, (n, len(needs)))
    importance = np.clip(np.rint(latent), 1, 5)
    if len(needs) > 1:
        importance[: n // 5, -1] = np.nan
    noisy = np.where(np.isnan(importance), -np.inf, latent + rng.normal(0, 0.5, latent.shape))
    picks = rng.integers(0, 4, size=n)  # 0-3 top-three picks
    order = np.argsort(-noisy, axis=1)
    top_three = np.zeros(importance.shape, dtype=bool)
    for slot in range(min(3, len(needs))):
        chosen = picks > slot
        top_three[np.flatnonzero(chosen), order[chosen, slot]] = True
    top_three &= ~np.isnan(importance)
    return SurveyData(needs=needs, importance=importance, top_three=top_three, profiles=profiles,
                      response_ids=tuple(f"r{i:07d}" for i in range(n)))


def _cell(value: object) -> str:
    """A profile answer as CSV text (the web app's export conventions)."""
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def write_survey_csv(survey: SurveyData, ratings_path: str | os.PathLike, respondents_path: str | os.PathLike) -> None:
    """Write a survey as the web app's two CSV exports (ratings long format, respondents)."""
    with open(ratings_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["response_id", "need", "importance", "top_three"])
        for i, response_id in enumerate(survey.response_ids):
            for j, need in enumerate(survey.needs):
                value = survey.importance[i, j]
                writer.writerow([response_id, need, "" if np.isnan(value) else int(value), int(survey.top_three[i, j])])
    columns = list(survey.profiles)
    with open(respondents_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["response_id", *columns])
        for i, response_id in enumerate(survey.response_ids):
            writer.writerow([response_id, *(_cell(survey.profiles[c][i]) for c in columns)])
