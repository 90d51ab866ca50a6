"""Rendering a :class:`~analysis.priorities.PriorityReport` as JSON-ready data or a text table.

Suppressed cells are None in the data (and ``null`` in JSON) with a
``too_few_to_say`` flag, and the words ``too few to say`` in the table: never a number.
"""
from __future__ import annotations

import json
from dataclasses import asdict

from analysis.equity import UNANSWERED_POLICY, describe_equity_config
from analysis.priority_results import TOO_FEW_TO_SAY, WEIGHTINGS, PriorityReport
from analysis.representativeness import format_representativeness

RANKING_RULE = (
    "rank 1 = highest weighted mean importance; ties broken by the higher top-three share; "
    "needs equal on both share a rank, marked tied, listed in the need list's order"
)
INTERVAL_METHOD = (
    "bootstrap percentile intervals from respondent resamples (weights held fixed); "
    "rank range = 2.5th-97.5th percentile of the rank across resamples"
)


def _listed(value):
    """Tuples (intervals, ranges) as lists for JSON."""
    return list(value) if isinstance(value, tuple) else value


def report_to_dict(report: PriorityReport) -> dict:
    """The report as plain JSON-ready data."""
    raking = None
    if report.raking is not None:
        r = report.raking
        raking = {
            "variables": list(r.margins.variables), "margin_kind": r.margins.kind, "iterations": r.iterations,
            "max_margin_error": r.max_margin_error, "weights_sum": r.total, "trim_ratio": r.trim_ratio,
            "max_weight_ratio": r.max_weight_ratio, "effective_n": r.effective_n, "design_effect": r.design_effect,
        }
    return {
        "respondents": report.respondents,
        "needs": list(report.needs),
        "settings": {
            "n_bootstrap": report.n_bootstrap, "seed": report.seed, "confidence": report.confidence,
            "min_cell": report.min_cell, "too_few_to_say": TOO_FEW_TO_SAY, "emphasis": report.emphasis,
            "ranking_rule": RANKING_RULE, "intervals": INTERVAL_METHOD,
        },
        "weightings": {
            name: {
                "effective_n": table.effective_n,
                "needs": [
                    {**{k: _listed(v) for k, v in asdict(row).items()}, "too_few_to_say": row.too_few_to_say}
                    for row in table.rows
                ],
            }
            for name, table in report.tables.items()
        },
        "gap": {
            "weighting": "representative",
            "most_affected_threshold": report.equity.most_affected_threshold,
            "most_affected_respondents": report.most_affected_respondents,
            "other_respondents": report.respondents - report.most_affected_respondents,
            "needs": [
                {**{k: _listed(v) for k, v in asdict(gap).items()}, "too_few_to_say": gap.gap is None}
                for gap in report.gaps
            ],
        },
        "sensitivity": {
            "lambdas": list(report.lambdas),
            "needs": [
                {"need": row.need, "ranks": list(row.ranks), "mean_importance": list(row.mean_importance),
                 "moved": row.moved, "too_few_to_say": row.ranks[0] is None}
                for row in report.sensitivity
            ],
        },
        "raking": raking,
        "representativeness": None if report.representativeness is None
        else [asdict(row) for row in report.representativeness],
        "equity": {
            "source": report.equity.source, "text": report.equity.text, "settings": report.equity.settings,
            "emphasis": report.emphasis, "most_affected_threshold": report.equity.most_affected_threshold,
            "unanswered_policy": UNANSWERED_POLICY,
        },
    }


def report_to_json(report: PriorityReport) -> str:
    """The report as JSON text (no NaN: suppressed numbers are null)."""
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _cell(row) -> str:
    """Mean [interval] #rank (range), #rank= when tied, or the suppression text."""
    if row.too_few_to_say:
        return TOO_FEW_TO_SAY
    text = f"{row.mean_importance:.2f}"
    if row.mean_importance_interval:
        text += " [{:.2f}, {:.2f}]".format(*row.mean_importance_interval)
    text += f" #{row.rank}" + ("=" if row.tied else "")
    if row.rank_range:
        text += " ({}-{})".format(*row.rank_range)
    return text


def _share(row) -> str:
    """Top-three share [interval], or the suppression text."""
    if row.too_few_to_say:
        return TOO_FEW_TO_SAY
    text = f"{row.top_three_share:.0%}"
    if row.top_three_share_interval:
        text += " [{:.0%}, {:.0%}]".format(*row.top_three_share_interval)
    return text


def _number(value, fmt: str) -> str:
    """A formatted number, or the suppression text for None."""
    return TOO_FEW_TO_SAY if value is None else format(value, fmt)


def format_report(report: PriorityReport) -> str:
    """The report as plain-text tables, needs in equity-weighted rank order."""
    equity_rows = report.tables["equity"].rows
    order = sorted(range(len(report.needs)), key=lambda j: (equity_rows[j].rank is None, equity_rows[j].rank or 0, j))
    width = max(24, *(len(n) for n in report.needs))
    tables = report.tables
    out = [
        f"Prioritized needs: {report.respondents} respondents, {len(report.needs)} needs",
        f"Intervals: {report.confidence:.0%} {INTERVAL_METHOD}; {report.n_bootstrap} resamples, seed {report.seed}.",
        f"Ranking: {RANKING_RULE}.",
        f"A need or group with fewer than {report.min_cell} respondents is shown as '{TOO_FEW_TO_SAY}'.",
        "Weightings: " + "; ".join(f"{name} (effective n {tables[name].effective_n:.1f})" for name in WEIGHTINGS)
        + f"; equity emphasis lambda = {report.emphasis:g}.",
    ]
    if report.raking is not None:
        out.append("Representative weights: " + report.raking.summary() + ".")
    else:
        out.append("Representative weights: no margins given, so representative = unweighted (or starting weights).")
    out += ["", "Mean importance (1-5) [interval] #rank (rank range); #rank= tied",
            f"{'need':<{width}} {'n':>6}  " + "  ".join(f"{name:<30}" for name in WEIGHTINGS)]
    for j in order:
        cells = "  ".join(f"{_cell(tables[name].rows[j]):<30}" for name in WEIGHTINGS)
        out.append(f"{report.needs[j]:<{width}} {tables['unweighted'].rows[j].respondents:>6}  {cells}")
    out += ["", "Top-three share [interval]", f"{'need':<{width}} " + "  ".join(f"{name:<20}" for name in WEIGHTINGS)]
    for j in order:
        shares = "  ".join(f"{_share(tables[name].rows[j]):<20}" for name in WEIGHTINGS)
        out.append(f"{report.needs[j]:<{width}} {shares}")
    out += [
        "",
        f"Gap in mean importance: most affected (score >= {report.equity.most_affected_threshold:g}; "
        f"{report.most_affected_respondents} respondents) minus everyone else "
        f"({report.respondents - report.most_affected_respondents}), representative weights",
        f"{'need':<{width}} {'n most':>7} {'n other':>7} {'most affected':>15} {'others':>15}  gap [interval]",
    ]
    for j in order:
        gap = report.gaps[j]
        text = _number(gap.gap, "+.2f")
        if gap.gap_interval:
            text += " [{:+.2f}, {:+.2f}]".format(*gap.gap_interval)
        out.append(f"{gap.need:<{width}} {gap.most_affected_respondents:>7} {gap.other_respondents:>7} "
                   f"{_number(gap.mean_most_affected, '.2f'):>15} {_number(gap.mean_others, '.2f'):>15}  {text}")
    out += ["", "Sensitivity: equity-weighted rank for each emphasis lambda",
            f"{'need':<{width}} " + " ".join(f"{'l=' + format(lam, 'g'):>7}" for lam in report.lambdas) + "  moves"]
    for j in order:
        row = report.sensitivity[j]
        if row.ranks[0] is None:
            out.append(f"{row.need:<{width}} {TOO_FEW_TO_SAY}")
            continue
        ranks = " ".join(f"{rank:>7}" for rank in row.ranks)
        out.append(f"{row.need:<{width}} {ranks}  {'moves' if row.moved else ''}")
    if report.representativeness is not None:
        out += ["", format_representativeness(report.representativeness)]
    tables_text = "\n".join(line.rstrip() for line in "\n".join(out).splitlines())
    return tables_text + "\n\n" + describe_equity_config(report.equity, report.emphasis) + "\n"
