"""Priority-table speed: 100,000 respondents, 15 needs, 1,000 bootstrap resamples < 30 s.

Synthetic responses (:mod:`analysis.synthetic_survey`) raked to age-band and language
margins, with the default equity lens: the full report (three weightings with
intervals and rank ranges, gaps, the lambda sweep). Timed: :func:`priority_report`
from a built :class:`SurveyData` (the dashboard's path), and the ``priorities`` command
line end to end from the two CSV exports (parsing included).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

from analysis.cli import main as analysis_main
from analysis.priorities import priority_report
from analysis.synthetic_survey import synthetic_survey, write_survey_csv

TARGET_SECONDS = 30.0
MARGINS = {
    "age_band": {"under_18": 0.05, "18_24": 0.10, "25_34": 0.18, "35_44": 0.17, "45_54": 0.16,
                 "55_64": 0.14, "65_plus": 0.15, "not stated": 0.05},
    "primary_language": {"en": 0.5, "es": 0.3, "vi": 0.1, "zh": 0.05, "not stated": 0.05},
}


def time_cli(survey, n_bootstrap: int) -> float:
    """Seconds for ``python -m analysis priorities`` in-process on the two CSV exports."""
    with tempfile.TemporaryDirectory() as folder:
        ratings, respondents, margins, out = (
            os.path.join(folder, f) for f in ("ratings.csv", "respondents.csv", "margins.csv", "out.json")
        )
        write_survey_csv(survey, ratings, respondents)
        with open(margins, "w", encoding="utf-8") as handle:
            handle.write("variable,category,target\n")
            handle.writelines(f"{v},{c},{t}\n" for v, cats in MARGINS.items() for c, t in cats.items())
        started = time.perf_counter()
        status = analysis_main(["priorities", ratings, respondents, "--margins", margins, "--bootstrap",
                                str(n_bootstrap), "--format", "json", "--output", out])
        elapsed = time.perf_counter() - started
        if status != 0:
            raise RuntimeError("the priorities command failed")
        return elapsed


def run(quick: bool) -> dict:
    """Time the priority report; return the figures."""
    n, n_bootstrap = (10_000, 200) if quick else (100_000, 1000)
    survey = synthetic_survey(n, n_needs=15, seed=0)
    times = []
    for _ in range(1 if quick else 2):
        started = time.perf_counter()
        report = priority_report(survey, margins=MARGINS, n_bootstrap=n_bootstrap, seed=0)
        times.append(time.perf_counter() - started)
    cli_seconds = time_cli(survey, n_bootstrap)
    note = (f"{n:,} respondents x 15 needs, {n_bootstrap} resamples; {os.cpu_count()} CPUs; "
            f"load {os.getloadavg()[0]:.1f}; runs {', '.join(f'{t:.2f}' for t in times)} s")
    target = f"< {TARGET_SECONDS:g} s for 100,000 x 15 x 1,000" + (" (quick run: smaller)" if quick else "")
    moved = sum(row.moved for row in report.sensitivity)
    return {
        "priority_report_seconds": {
            "value": round(min(times), 3), "unit": "s", "target": target,
            "ok": None if quick else min(times) < TARGET_SECONDS, "notes": note,
            "needs_moving_in_lambda_sweep": moved,
        },
        "priorities_cli_seconds": {
            "value": round(cli_seconds, 3), "unit": "s", "target": target + ", CSV parsing included",
            "ok": None if quick else cli_seconds < TARGET_SECONDS,
        },
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
