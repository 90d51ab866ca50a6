"""The demo campaign, loaded from data/demo_campaign.toml."""
from __future__ import annotations

import datetime as dt
import random
import tomllib
import uuid
from importlib import resources

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import PROFILE_QUESTIONS, Campaign, CampaignText, Event, Need, NeedText, utcnow
from webapp.services.submissions import Outcome, PrioritySubmission, store_priority_response


def load_demo_definition() -> dict:
    """The demo campaign as written in the package's TOML file."""
    with resources.files("webapp").joinpath("data/demo_campaign.toml").open("rb") as handle:
        return tomllib.load(handle)


def seed_demo_campaign() -> tuple[Campaign, bool]:
    """Create the demo campaign unless it exists; return it and whether it was created."""
    definition = load_demo_definition()
    existing = db.session.scalar(select(Campaign).where(Campaign.slug == definition["slug"]))
    if existing is not None:
        seed_demo_analysis_settings(existing)
        return existing, False
    campaign = Campaign(
        slug=definition["slug"],
        default_language=definition["default_language"],
        languages=list(definition["languages"]),
        profile_questions=list(PROFILE_QUESTIONS),
        is_open=True,
        contact=definition.get("contact", ""),
    )
    for language, text in definition["text"].items():
        campaign.texts[language] = CampaignText(language=language, title=text["title"], intro=text["intro"])
    for position, item in enumerate(definition["needs"]):
        need = Need(key=item["key"], position=position)
        for language in definition["languages"]:
            name, description = item[language]
            need.texts[language] = NeedText(language=language, name=name, description=description)
        campaign.needs.append(need)
    db.session.add(campaign)
    db.session.commit()
    seed_demo_analysis_settings(campaign)
    return campaign, True


def seed_demo_analysis_settings(campaign: Campaign) -> None:
    """Population margins and an equity lens for the demo's summary (unless already set)."""
    from webapp.models import AnalysisSettings

    if db.session.get(AnalysisSettings, campaign.id) is not None:
        return
    data = resources.files("webapp").joinpath("data")
    db.session.add(AnalysisSettings(
        campaign_id=campaign.id, margins_csv=data.joinpath("demo_margins.csv").read_text(encoding="utf-8"),
        equity_toml=data.joinpath("demo_equity.toml").read_text(encoding="utf-8"), trim_ratio=5.0,
    ))
    db.session.commit()


# --- sample responses --------------------------------------------------------------------

DEMO_NAMESPACE = uuid.UUID("5b6d2f0e-8a51-4a6e-9a3c-64f0c1d0de50")
LANGUAGE_SHARES = {"en": 0.52, "es": 0.21, "vi": 0.08, "zh": 0.06, "ko": 0.03, "ar": 0.04, "tl": 0.04, "ht": 0.02}
PLACES = {"98118": 0.30, "98108": 0.20, "98144": 0.20, "98122": 0.15, "98103": 0.15}
LOW_INCOME_PLACES = {"98118", "98108"}
BASE_IMPORTANCE = {
    "affordable_housing": 4.1, "healthy_food": 3.6, "transportation": 3.4, "health_care": 3.9, "jobs_income": 3.8,
    "education": 3.3, "community_safety": 3.7, "clean_air_water": 3.2, "parks_activity": 2.8, "childcare": 3.1,
    "substance_use": 3.0, "discrimination": 3.2, "internet_access": 2.7, "language_access": 2.6,
}
#: which need a hardship makes more important
HARDSHIP_NEED = {"uninsured": "health_care", "food_insecurity": "healthy_food",
                 "housing_instability": "affordable_housing", "transportation_barrier": "transportation",
                 "disability": "health_care"}
RACE_BY_LANGUAGE = {"es": ["latino"], "vi": ["asian"], "zh": ["asian"], "ko": ["asian"], "tl": ["asian", "pacific"],
                    "ar": ["mena"], "ht": ["black"]}


def _load_demo_answers() -> dict[str, dict]:
    with resources.files("webapp").joinpath("data/demo_answers.toml").open("rb") as handle:
        return {theme["need"]: theme for theme in tomllib.load(handle)["theme"]}


def _pick(rng: random.Random, shares: dict):
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _demo_events(campaign: Campaign) -> list[Event]:
    """Two outreach events for the field and paper responses (made once)."""
    events = db.session.scalars(select(Event).where(Event.campaign_id == campaign.id).order_by(Event.id)).all()
    if len(events) >= 2:
        return events[:2]
    today = utcnow().date()
    events = [
        Event(campaign_id=campaign.id, name="Health fair at the community center", date=today - dt.timedelta(days=20),
              place="Rainier Community Center"),
        Event(campaign_id=campaign.id, name="Food pantry Saturday", date=today - dt.timedelta(days=9),
              place="Southside Food Bank"),
    ]
    db.session.add_all(events)
    db.session.commit()
    return events


def demo_submission(index: int, seed: int, needs: list[str], answers_bank: dict, events: list[Event],
                    now: dt.datetime) -> tuple[PrioritySubmission, str]:
    """One plausible resident's answers (deterministic for ``index`` and ``seed``), and its channel."""
    rng = random.Random(f"{seed}:{index}")
    language = _pick(rng, LANGUAGE_SHARES)
    place = _pick(rng, PLACES)
    low_income = rng.random() < (0.65 if place in LOW_INCOME_PLACES else 0.30)
    hardships = {h: rng.random() < (0.35 if low_income else 0.08) for h in HARDSHIP_NEED}
    scores = {}
    for need in needs:
        score = BASE_IMPORTANCE.get(need, 3.0) + rng.gauss(0, 0.9)
        score += sum(1.1 for h, n in HARDSHIP_NEED.items() if hardships[h] and n == need)
        if need == "language_access" and language != "en":
            score += 1.4
        if need in ("affordable_housing", "jobs_income") and low_income:
            score += 0.6
        scores[need] = min(5, max(1, round(score)))
    ranked = sorted(needs, key=lambda n: (-scores[n], rng.random()))
    top_three = ranked[: rng.choice((3, 3, 3, 2, 0))]
    answers = {}
    themed = [n for n in ranked[:4] if n in answers_bank]
    for question, chance in (("barrier", 0.65), ("change", 0.45)):
        if themed and rng.random() < chance:
            theme = answers_bank[rng.choice(themed)]
            answers[question] = (rng.choice(theme[question][language]), language)
    profile = {}
    if rng.random() < 0.85:
        profile = {
            "place": place,
            "age_band": rng.choice(["18_24", "25_34", "25_34", "35_44", "35_44", "45_54", "55_64", "65_plus"]),
            "race_ethnicity": RACE_BY_LANGUAGE.get(language) or [rng.choice(["white", "black", "white", "latino",
                                                                              "asian", "native"])],
            "income_band": rng.choice(["under_25k", "25_50k"]) if low_income else rng.choice(["50_75k", "75_100k",
                                                                                             "100k_plus"]),
            "primary_language": language,
            **({k: v for k, v in hardships.items()} if rng.random() < 0.9 else {}),
        }
    channel = rng.choices(["web", "field", "paper"], weights=[0.6, 0.3, 0.1])[0]
    event = rng.choice(events) if channel != "web" else None
    submission = PrioritySubmission(
        client_uuid=uuid.uuid5(DEMO_NAMESPACE, f"{seed}:{index}"), language=language,
        ratings=scores, top_three=top_three, answers=answers, profile=profile, channel=channel,
        event_id=event.id if event else None,
        created_at=now - dt.timedelta(days=rng.uniform(0, 42), minutes=rng.uniform(0, 600)),
    )
    return submission, channel


def seed_demo_responses(campaign: Campaign, count: int = 300, seed: int = 2026) -> int:
    """Store ``count`` sample responses in the demo campaign; returns how many were new (re-runs add none)."""
    from webapp.services.campaigns import survey_content

    content = survey_content(campaign, campaign.default_language)
    needs = [need.key for need in content.needs]
    answers_bank = _load_demo_answers()
    events = _demo_events(campaign)
    now = utcnow()
    stored = 0
    for index in range(count):
        submission, _channel = demo_submission(index, seed, needs, answers_bank, events, now)
        outcome, _id = store_priority_response(campaign, content, submission)
        stored += outcome is Outcome.STORED
    return stored
