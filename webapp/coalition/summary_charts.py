"""The summary's charts, built from its stored numbers (each paired with a table on the page), and the
names of answers and criteria in the reader's words."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_skeleton
from flask_babel import format_decimal, format_scientific, get_locale
from flask_babel import gettext as _

from analysis.equity import EquityConfig
from webapp.charts import heatmap, interval_chart, line_chart, paired_bar_chart
from webapp.forms.members import language_name
from webapp.forms.priority import CHOSEN_ANSWERS, HARDSHIPS
from webapp.i18n import isolated, right_to_left
from webapp.services.dashboard import Summary
from webapp.templating import format_list
from webapp.views import one_decimal

VARIABLE_NAMES = {
    "place": lambda: _("Neighborhood or ZIP code"),
    "age_band": lambda: _("Age"),
    "income_band": lambda: _("Household income"),
    "primary_language": lambda: _("Language spoken at home"),
    "race_ethnicity": lambda: _("Race or ethnicity"),
}


def variable_name(variable: str) -> str:
    """A profile question's short name in the reader's language."""
    return VARIABLE_NAMES[variable]() if variable in VARIABLE_NAMES else variable


def in_natural_order(variable: str, rows: list, category_of) -> list:
    """Rows of an ordered question (age, income) in the question's own order, "not stated" last;
    rows of other questions as they are (largest first)."""
    if variable not in ("age_band", "income_band"):
        return rows
    position = {choice.value: i for i, choice in enumerate(CHOSEN_ANSWERS[variable]())}
    return sorted(rows, key=lambda row: position.get(category_of(row), len(position)))


def category_name(variable: str, category: str) -> str:
    """A profile answer as a reader would name it ("Spanish", "25 to 34", "Not stated")."""
    if category == "not stated":
        return _("Not stated")
    if variable == "primary_language":
        return language_name(category)
    labels = CHOSEN_ANSWERS.get(variable)
    if labels:
        for choice in labels():
            if choice.value == category:
                return str(choice.label)
    return category


@dataclass(frozen=True)
class LensCriterion:
    """One criterion of an equity lens as a lead reads it."""

    label: str | None  #: the coalition's own name for a group (None for places and hardships)
    detail: str  #: what a resident answered to meet it ("Household income: Less than $25,000 or …")
    weight: float

    @property
    def written_weight(self) -> str:
        """The weight as the reader's language writes numbers; one too large or small for that as a power of ten
        (Babel cannot write 1e28 or more in full, and would write 1e-7 as 0, which a weight is not)."""
        if 1e-3 <= self.weight < 1e15:
            return format_decimal(self.weight)
        return format_scientific(self.weight, "#.###E0")


def lens_criteria(config: EquityConfig) -> list[LensCriterion]:
    """The criteria of an equity lens in the reader's language: the answers that meet each one
    as the survey words them, not as the settings spell them."""
    hardships = dict(HARDSHIPS)
    criteria = []
    for criterion in config.criteria:
        if criterion.kind == "hardship":
            detail = _("Checked “%(answer)s”", answer=hardships.get(criterion.column, criterion.column))
        else:
            answers = format_list([_answer_name(criterion.column, value) for value in criterion.values], style="or")
            detail = _("%(question)s: %(answers)s", question=variable_name(criterion.column), answers=answers)
        label = criterion.label if criterion.kind == "group" and criterion.label != criterion.column else None
        criteria.append(LensCriterion(label, detail, criterion.weight))
    return criteria


def _answer_name(column: str, value: str) -> str:
    """A lens's value as the survey words it, matched as the lens matches answers (case and spaces aside);
    as written when the survey has no words for it (a ZIP code, a neighbourhood)."""
    code = value.strip().casefold()
    named = category_name(column, code)
    return value if named == code else named


def needs_chart(summary: Summary):
    """Ranked needs: equity-weighted mean importance with its interval."""
    items = [(f"{row.rank}. {isolated(row.name)}" if row.rank else row.name, row.mean,
              *(row.mean_interval or (None, None))) for row in summary.rows]
    return interval_chart(
        items, _("Needs ranked by importance to residents, most affected weighted up"), 1, 5,
        chart_id="chart-needs", missing_text=_("too few to say"), written=one_decimal,  # as the table has it
        rtl=right_to_left(),
        desc=_("Average importance from 1 to 5 for each need, highest first; the bar is the 95 percent interval."),
    )


def heatmaps(summary: Summary) -> list[tuple[str, object, list[str], list[dict]]]:
    """One group-by-need heatmap per profile question: (title, chart, column names, groups)."""
    needs = summary.report["needs"]
    order = [needs.index(row.key) for row in summary.rows if row.rank is not None]
    names = [summary.need_names.get(needs[j], needs[j]) for j in order]
    gap = summary.report["gap"]["needs"]
    charts = []
    affected = [
        {"category": _("Most affected"), "means": [g["mean_most_affected"] for g in gap]},
        {"category": _("Everyone else"), "means": [g["mean_others"] for g in gap]},
    ]
    sets = [("most_affected", _("Most affected and everyone else"), affected)]
    for variable in dict.fromkeys(g["variable"] for g in summary.group_means):
        largest = [g for g in summary.group_means if g["variable"] == variable][:8]
        groups = [{**g, "category": category_name(variable, g["category"])}
                  for g in in_natural_order(variable, largest, lambda g: g["category"])]
        sets.append((variable, variable_name(variable), groups))
    for key, title, groups in sets:
        columns = [g["category"] for g in groups]
        values = [[g["means"][j] for g in groups] for j in order]
        charts.append((title, heatmap(
            names, columns, values, _("Average importance of each need by group: %(groups)s", groups=title), 1, 5,
            chart_id=f"chart-heat-{key}", rtl=right_to_left(), written=one_decimal,
            desc=_("Darker cells mean more important (1 to 5). A dash means too few to say."),
        ), columns, [[g["means"][j] for g in groups] for j in order]))
    return charts


def representation_charts(summary: Summary) -> list[tuple[str, object]]:
    """Sample share beside population share, one chart per raking variable."""
    charts = []
    for variable in dict.fromkeys(row["variable"] for row in summary.representativeness):
        rows = in_natural_order(variable, [row for row in summary.representativeness if row["variable"] == variable],
                                lambda row: row["category"])
        items = [(category_name(variable, row["category"]), row["sample_share"], row["population_share"])
                 for row in rows]
        charts.append((variable_name(variable), paired_bar_chart(
            items, (_("Who answered"), _("Community")),
            _("Who answered compared with the community: %(question)s", question=variable_name(variable)),
            chart_id=f"chart-rep-{variable}", rtl=right_to_left(),
            desc=_("Solid bars: share of respondents. Hatched bars: share of the community."),
        )))
    return charts


def response_weeks(summary: Summary) -> list[tuple[dt.date, int]]:
    """Responses per week (its Monday), oldest first, with the weeks nobody answered in between as 0: left out,
    a quiet week would not show, and the line would join the weeks either side of it as if they were next."""
    counts = {dt.date.fromisoformat(week): n for week, n in summary.counts["week"].items()}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [(first + dt.timedelta(weeks=i), counts.get(first + dt.timedelta(weeks=i), 0))
            for i in range((last - first).days // 7 + 1)]


def unfinished_week(summary: Summary) -> dt.date | None:
    """The last week's Monday when that week was not over as the summary was computed (its count is lower only
    for that), else None."""
    weeks = summary.counts["week"]
    if not weeks:
        return None
    monday = dt.date.fromisoformat(max(weeks))
    return monday if summary.as_of.date() < monday + dt.timedelta(days=7) else None


def weeks_chart(summary: Summary):
    """Responses per week, oldest first."""
    weeks = response_weeks(summary)
    if not weeks:
        return None
    locale = get_locale()  # day and month in the reader's order ("Oct 19", "10월 19일", "19 أكتوبر")
    labels = [format_skeleton("MMMd", monday, locale=locale) for monday, _n in weeks]
    values = [float(n) for _monday, n in weeks]
    top = max(values)
    step = max(1, int(top // 4) or 1)
    return line_chart([(_("Responses"), values)], labels, _("Responses per week"), 0, max(top, 1) * 1.1,
                      chart_id="chart-weeks", y_ticks=list(range(0, int(top) + 1, step)), rtl=right_to_left(),
                      desc=_("Number of responses each week (weeks start on Monday), oldest first."))


def summary_charts(summary: Summary) -> dict:
    """Every chart of the summary page."""
    return {
        "needs": needs_chart(summary), "heatmaps": heatmaps(summary),
        "representation": representation_charts(summary), "weeks": weeks_chart(summary),
        "response_weeks": response_weeks(summary), "unfinished_week": unfinished_week(summary),
        "category_name": category_name, "variable_name": variable_name,
    }
