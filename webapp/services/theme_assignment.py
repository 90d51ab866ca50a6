"""Themes of residents' open answers: fitted once, then kept as the lead edits them.

The first analysis run with enough answers fits :class:`analysis.themes.ThemeModel`,
makes a :class:`~webapp.models.Theme` row per theme (with its representative quotes)
and keeps the fitted model. Later runs only assign answers that have no theme yet, with
the kept model, to the theme rows as the lead left them: a renamed theme keeps its
name, an answer lands in the theme its theme was merged into, and an answer the lead
moved is never touched. ``refit`` starts the themes afresh (the lead's edits are lost).
"""
from __future__ import annotations

import pickle
import warnings

from sqlalchemy import delete, select, update

from webapp.extensions import db
from webapp.models import Answer, AnswerTheme, Campaign, Response, StoredThemeModel, Theme, utcnow

#: below this many answers there are no themes (one group of every answer is more honest)
MIN_ANSWERS = 30


def _priority_answers(campaign_id: int) -> list:
    """(id, text, language) of every open answer to the campaign's priority survey."""
    return db.session.execute(
        select(Answer.id, Answer.text, Answer.language).join(Response, Response.id == Answer.response_id)
        .where(Response.campaign_id == campaign_id, Response.instrument == "priority").order_by(Answer.id)
    ).all()


def campaign_themes(campaign_id: int) -> list[Theme]:
    """Every theme row of the campaign, merged ones included, oldest first."""
    return db.session.scalars(select(Theme).where(Theme.campaign_id == campaign_id).order_by(Theme.id)).all()


def resolve(theme: Theme, by_id: dict[int, Theme]) -> Theme:
    """The theme an answer of ``theme`` belongs to now (following merges)."""
    seen = set()
    while theme.merged_into_id is not None and theme.merged_into_id in by_id and theme.id not in seen:
        seen.add(theme.id)
        theme = by_id[theme.merged_into_id]
    return theme


def _forget_themes(campaign_id: int) -> None:
    ids = select(Theme.id).where(Theme.campaign_id == campaign_id)
    db.session.execute(delete(AnswerTheme).where(AnswerTheme.theme_id.in_(ids)))
    db.session.execute(update(Theme).where(Theme.campaign_id == campaign_id).values(merged_into_id=None))
    db.session.execute(delete(Theme).where(Theme.campaign_id == campaign_id))
    db.session.execute(delete(StoredThemeModel).where(StoredThemeModel.campaign_id == campaign_id))


def _fit(campaign: Campaign, answers: list) -> dict:
    """Fit the theme model, make the theme rows and assign every answer."""
    from analysis.themes import ThemeModel

    with warnings.catch_warnings():  # small answer sets make scikit-learn warn; the themes are still sound
        warnings.simplefilter("ignore")
        model = ThemeModel(random_state=0).fit([a.text for a in answers], [a.language for a in answers])
    rows = {}
    for found in model.themes_:
        rows[found.id] = Theme(campaign_id=campaign.id, model_theme=found.id, label=found.label[:200],
                               terms=list(found.terms), edited=False)
        db.session.add(rows[found.id])
    db.session.flush()
    quotes = {found.id: list(found.examples) for found in model.themes_}
    links = []
    for answer, label in zip(answers, model.labels_):
        if label is None:
            continue
        quote = answer.text in quotes[label]
        if quote:
            quotes[label].remove(answer.text)
        links.append(AnswerTheme(answer_id=answer.id, theme_id=rows[label].id, pinned=False, quote=quote))
    db.session.add_all(links)
    model.forget_answers()  # kept to assign later answers: it needs none of these as written
    db.session.add(StoredThemeModel(campaign_id=campaign.id, model=pickle.dumps(model), answers=len(answers),
                                    fitted_at=utcnow()))
    return {"fitted": True, "themes": len(rows), "assigned": len(links)}


def assign_themes(campaign: Campaign, refit: bool = False) -> dict:
    """Give every open answer without a theme its theme; fit the model first when there is none."""
    if refit:
        _forget_themes(campaign.id)
    answers = _priority_answers(campaign.id)
    stored = db.session.get(StoredThemeModel, campaign.id)
    if stored is None:
        if len(answers) < MIN_ANSWERS:
            return {"fitted": False, "themes": 0, "assigned": 0}
        return _fit(campaign, answers)
    themed = set(db.session.scalars(
        select(AnswerTheme.answer_id).join(Theme, Theme.id == AnswerTheme.theme_id)
        .where(Theme.campaign_id == campaign.id)))
    new = [a for a in answers if a.id not in themed]
    themes = campaign_themes(campaign.id)
    by_id = {theme.id: theme for theme in themes}
    by_model = {theme.model_theme: theme for theme in themes if theme.model_theme is not None}
    links = []
    if new:
        # the model was pickled by this app's own analysis run, from its own database
        model = pickle.loads(stored.model)  # noqa: S301
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            labels = model.transform([a.text for a in new], [a.language for a in new])
        for answer, label in zip(new, labels):
            if label is not None and label in by_model:
                links.append(AnswerTheme(answer_id=answer.id, theme_id=resolve(by_model[label], by_id).id,
                                         pinned=False, quote=False))
        db.session.add_all(links)
    return {"fitted": False, "themes": sum(1 for t in themes if t.merged_into_id is None), "assigned": len(links)}


def forget_deleted_answers(campaign_id: int, deleted: list[tuple[str, str]]) -> None:
    """After answers were deleted on request ((text, language) each, already gone from the database): the
    campaign's stored theme model, and its themes' terms and labels, forget the words only they gave (see
    :func:`analysis.theme_forgetting.forget_answers`)."""
    from analysis.theme_forgetting import forget_answers, without_words  # scikit-learn: loaded when needed
    from analysis.theme_summary import make_label

    stored = db.session.get(StoredThemeModel, campaign_id)
    if stored is None or not deleted:
        return
    model = pickle.loads(stored.model)  # noqa: S301 (pickled by this app's own analysis run)
    kept = _priority_answers(campaign_id)
    words = forget_answers(model, [text for text, _ in deleted], [language for _, language in deleted],
                           [a.text for a in kept], [a.language for a in kept])
    stored.model = pickle.dumps(model)
    for theme in campaign_themes(campaign_id):  # the rows shown to leads took their terms and label from the model
        terms = without_words(theme.terms, words)
        if terms != theme.terms:
            theme.terms = terms
            if not theme.edited:  # a name a lead gave is the lead's words, not a resident's
                theme.label = make_label(terms)[:200]
