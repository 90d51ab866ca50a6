"""The settings of a campaign's prioritized-needs analysis: population margins, equity lens, weight cap."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, TextAreaField, widgets
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError

from analysis.errors import InputError
from analysis.margins import NOT_STATED
from analysis.survey_data import PROFILE_COLUMNS
from webapp.forms.fields import ChorusForm, MaxLength
from webapp.forms.priority import CHOSEN_ANSWERS, SEVERAL_ANSWERS
from webapp.i18n import isolated, translated_message
from webapp.models.analysis import EMPHASIS_VALUES
from webapp.templating import format_list

#: profile columns margins may be given for
MARGIN_VARIABLES = PROFILE_COLUMNS


def _valid_margins(form, field):
    from webapp.services.summary_settings import parse_margins

    try:
        margins = parse_margins(field.data or "")
    except InputError as problem:
        raise ValidationError(_("These figures cannot be read: %(problem)s",
                                problem=translated_message(problem.message))) from None
    unknown = sorted(set(margins or {}) - set(MARGIN_VARIABLES))
    if unknown:
        raise ValidationError(_("Figures can be given for %(known)s, not for %(unknown)s.",
                                known=", ".join(MARGIN_VARIABLES), unknown=", ".join(unknown)))
    for variable, categories in (margins or {}).items():  # else saved, and that variable's figures never used
        _check_chosen_answers(variable, [c for c in categories if c.strip().casefold() != NOT_STATED],
                              several=variable in SEVERAL_ANSWERS)


def _valid_equity(form, field):
    from webapp.services.analysis_runs import PROFILE_FIELDS  # the answers a run gives the lens
    from webapp.services.summary_settings import parse_equity

    try:
        lens = parse_equity(field.data or "")
    except InputError as problem:
        raise ValidationError(_("This lens cannot be read: %(problem)s",
                                problem=translated_message(problem.message))) from None
    unknown = sorted({criterion.column for criterion in lens.criteria} - set(PROFILE_FIELDS))
    if unknown:  # else it is saved, and every computation with it fails
        raise ValidationError(_("The lens can use the answers %(known)s, not %(unknown)s.",
                                known=", ".join(PROFILE_FIELDS), unknown=", ".join(unknown)))
    for criterion in lens.criteria:  # else it is saved, and quietly matches nobody
        _check_chosen_answers(criterion.column, criterion.values)
    if lens.emphasis not in EMPHASIS_VALUES:  # else the summary quietly shows another
        raise ValidationError(_("The emphasis can be %(choices)s, as on the summary; not %(emphasis)s.",
                                choices=format_list([format_decimal(v) for v in EMPHASIS_VALUES], style="or"),
                                emphasis=format_decimal(lens.emphasis)))


def _check_chosen_answers(column: str, values, several: bool = False) -> None:
    """Refuse values that no resident can give to a question answered by choosing (matched as the lens and
    the figures match answers: case and spaces aside), listing the answers it has. ``several``: a value may
    be answers checked together, joined with ";" (a figure for residents of more than one race)."""
    choices = CHOSEN_ANSWERS.get(column)
    if choices is None:  # a place, typed by residents: anything may match
        return
    choices = choices()
    known = {choice.value.casefold() for choice in choices}
    unknown = [value for value in values
               if not all(part.strip().casefold() in known for part in (value.split(";") if several else [value]))]
    if unknown:
        # codes and what was typed are isolated: on a right-to-left page they keep their own direction
        raise ValidationError(_("No resident can answer %(values)s to %(column)s. Its answers are: %(answers)s.",
                                values=format_list([isolated(f"“{value}”") for value in unknown]),
                                column=isolated(column),
                                answers=format_list([f"{isolated(choice.value)} ({choice.label})" for choice in choices])))


#: the one complaint about the weight cap, whatever was typed instead of a number in range
WEIGHT_CAP_MESSAGE = _l("Please give a number from 1 to 100, or leave this empty.")


class WeightCapField(DecimalField):
    """A number or nothing; anything else (a word, NaN, infinity) gets WEIGHT_CAP_MESSAGE, once.

    A text box with a decimal keypad, not a number box: a browser's number box drops a decimal
    comma, sending "5,0" as 50, and sends a word as nothing at all. Here "5,0" is 5.
    """

    widget = widgets.TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and not valuelist[0].strip():
            self.data = None  # left empty: no cap
            return
        if valuelist and "," in valuelist[0] and "." not in valuelist[0]:
            valuelist = [valuelist[0].replace(",", ".", 1)]  # a decimal comma (never thousands: at most 100)
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(WEIGHT_CAP_MESSAGE)) from None
        if valuelist and self.data is not None and not self.data.is_finite():  # NaN, sNaN, Infinity are decimals
            self.data = None
            raise ValueError(str(WEIGHT_CAP_MESSAGE))

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # the range check would only say it again


class AnalysisSettingsForm(ChorusForm):
    """Margins as ``variable,category,target`` CSV; the equity lens as TOML; the weight cap."""

    margins_csv = TextAreaField(_l("The community's make-up (population figures)"),
                                validators=[MaxLength(20000), _valid_margins])
    equity_toml = TextAreaField(_l("Who counts as most affected (the equity lens)"),
                                validators=[MaxLength(20000), _valid_equity])
    trim_ratio = WeightCapField(_l("Largest weight, as a multiple of the average (leave empty for no cap)"),
                                places=None,
                                validators=[Optional(), NumberRange(min=1, max=100, message=WEIGHT_CAP_MESSAGE)])
