"""The settings of a campaign's prioritized-needs analysis: population margins, equity lens, weight cap."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from analysis.errors import InputError
from webapp.forms.fields import MaxLength
from webapp.i18n import translated_message

#: profile columns margins may be given for
MARGIN_VARIABLES = ("place", "age_band", "race_ethnicity", "income_band", "primary_language")


def _valid_margins(form, field):
    from webapp.services.analysis_runs import parse_margins

    try:
        margins = parse_margins(field.data or "")
    except InputError as problem:
        raise ValidationError(_("These figures cannot be read: %(problem)s",
                                problem=translated_message(problem.message))) from None
    unknown = sorted(set(margins or {}) - set(MARGIN_VARIABLES))
    if unknown:
        raise ValidationError(_("Figures can be given for %(known)s, not for %(unknown)s.",
                                known=", ".join(MARGIN_VARIABLES), unknown=", ".join(unknown)))


def _valid_equity(form, field):
    from webapp.services.analysis_runs import parse_equity

    try:
        parse_equity(field.data or "")
    except InputError as problem:
        raise ValidationError(_("This lens cannot be read: %(problem)s",
                                problem=translated_message(problem.message))) from None


class AnalysisSettingsForm(FlaskForm):
    """Margins as ``variable,category,target`` CSV; the equity lens as TOML; the weight cap."""

    margins_csv = TextAreaField(_l("The community's make-up (population figures)"),
                                validators=[MaxLength(20000), _valid_margins])
    equity_toml = TextAreaField(_l("Who counts as most affected (the equity lens)"),
                                validators=[MaxLength(20000), _valid_equity])
    trim_ratio = DecimalField(_l("Largest weight, as a multiple of the average (leave empty for no cap)"),
                              places=None, validators=[Optional(), NumberRange(min=1, max=100)])
