"""A campaign's summary settings: population figures, equity lens and weight cap, as stored and as a run takes them."""
from __future__ import annotations

from flask import current_app

from analysis.equity import default_equity_config, equity_config_from_toml
from analysis.errors import N_, Message
from analysis.priorities import DEFAULT_MIN_CELL
from analysis.tabular_io import margins_from_text
from webapp.extensions import db
from webapp.models import AnalysisRun, AnalysisSettings, Campaign
from webapp.models.analysis import EMPHASIS_VALUES


def analysis_settings(campaign: Campaign) -> AnalysisSettings:
    """The campaign's analysis settings (defaults when never set; added to the session)."""
    settings = db.session.get(AnalysisSettings, campaign.id)
    if settings is None:
        settings = AnalysisSettings(campaign_id=campaign.id, margins_csv="", equity_toml="", trim_ratio=None)
        db.session.add(settings)
    return settings


def save_analysis_settings(campaign: Campaign, margins_csv: str, equity_toml: str, trim_ratio: float | None,
                           actor=None) -> AnalysisSettings:
    """Store new settings (validated by the form); the next run uses them. Audited."""
    from webapp.services import audit

    settings = analysis_settings(campaign)
    changed = [name for name, value in (("margins", margins_csv), ("equity", equity_toml), ("trim_ratio", trim_ratio))
               if value != getattr(settings, {"margins": "margins_csv", "equity": "equity_toml"}.get(name, name))]
    settings.margins_csv, settings.equity_toml, settings.trim_ratio = margins_csv, equity_toml, trim_ratio
    audit.record("analysis.settings_changed", actor=actor, target=campaign, detail={"changed": changed})
    db.session.commit()
    return settings


def settings_changed_since(campaign: Campaign, run: AnalysisRun) -> bool:
    """Whether the campaign's settings were changed after ``run`` took them (a recompute would use others)."""
    stored = db.session.get(AnalysisSettings, campaign.id)
    if stored is None:  # never set: the run used the defaults
        return False
    lens = stored.equity_toml if stored.equity_toml.strip() else default_equity_config().text
    used = run.settings
    return (stored.margins_csv, lens, stored.trim_ratio) != (used.get("margins_csv"), used.get("equity_toml"),
                                                             used.get("trim_ratio"))


def parse_margins(text: str):
    """``variable,category,target`` CSV text as margins (None when empty); InputError when malformed."""
    return margins_from_text(text, Message(N_("population figures"))) if text.strip() else None


def parse_equity(text: str):
    """The equity lens from TOML text (the shipped default when empty)."""
    return equity_config_from_toml(text, Message(N_("summary settings"))) if text.strip() else default_equity_config()


def run_settings(campaign: Campaign, n_bootstrap: int | None = None) -> dict:
    """The settings a run will use, as stored with it."""
    stored = analysis_settings(campaign)
    equity = parse_equity(stored.equity_toml)
    return {
        "margins_csv": stored.margins_csv, "equity_toml": equity.text, "equity_source": equity.source,
        "trim_ratio": stored.trim_ratio,
        "n_bootstrap": int(n_bootstrap if n_bootstrap is not None else current_app.config["ANALYSIS_BOOTSTRAP"]),
        "min_cell": int(current_app.config.get("ANALYSIS_MIN_CELL", DEFAULT_MIN_CELL)),
        "emphasis_values": list(EMPHASIS_VALUES), "seed": 0,
    }
