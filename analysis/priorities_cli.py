"""The ``priorities`` sub-command: the prioritized-needs table from CSV exports.

    python -m analysis priorities RATINGS.csv RESPONDENTS.csv [--margins MARGINS.csv]
        [--equity EQUITY.toml] [--lambda L] [--sweep 0,0.5,1,2] [--bootstrap N]
        [--seed S] [--min-cell N] [--trim RATIO] [--weight-column COL]
        [--format table|json] [--output FILE]

Input (the web app's export produces exactly this; UTF-8, header line first):

  RATINGS.csv      long format, one row per response and need:
                   response_id,need,importance,top_three
                   importance 1-5, blank when the need was not rated (added to the
                   campaign later); top_three 1 or 0 (at most three 1s per response,
                   only on rated needs).
  RESPONDENTS.csv  response_id,<profile columns...>, e.g. place, age_band,
                   race_ethnicity, income_band, primary_language and the hardships
                   uninsured, food_insecurity, housing_instability, disability,
                   transportation_barrier. Blank = unanswered; multi-select answers
                   joined with ';' (black;latino); hardships 1, 0 or blank.
  MARGINS.csv      optional, as for `rake`: variable,category,target; the raking
                   variables are its variables (profile columns); a blank answer is
                   the category 'not stated', which then needs a margin row.
  EQUITY.toml      optional equity lens (default: analysis/data/equity_default.toml):
                     emphasis = 1.0                  # lambda: weight x (1 + lambda x score)
                     most_affected_threshold = 0.25  # score >= this: 'most affected'
                     [places]     values = ["94601"], weight = 2   (column "place")
                     [[groups]]   column = "income_band", values = [...], weight = 1
                     [hardships]  uninsured = 1, food_insecurity = 1, ...
                   score = weighted share of criteria met, unanswered = not met;
                   shown verbatim in the report. --lambda overrides its emphasis.

Output: per need, unweighted, representative (raked) and equity-weighted mean
importance and top-three share with bootstrap 95% intervals, rank and rank range;
the gap between the most affected and everyone else; the lambda sensitivity sweep;
cells with fewer than --min-cell respondents are 'too few to say'. Any problem is
reported as one line, exit status 2, and no output file is written.
"""
from __future__ import annotations

import argparse

from analysis.equity import default_equity_config, load_equity_config
from analysis.errors import InputError
from analysis.priorities import DEFAULT_BOOTSTRAP, DEFAULT_LAMBDAS, DEFAULT_MIN_CELL, DEFAULT_SEED, priority_report
from analysis.priorities_format import format_report, report_to_json
from analysis.survey_data import HARDSHIPS, survey_from_records
from analysis.tabular_io import read_csv, read_margins_csv, require_columns, write_text_atomically

RATING_COLUMNS = ("response_id", "need", "importance", "top_three")
MULTI_SELECT_SEPARATOR = ";"


def register(subparsers) -> None:
    """Add the ``priorities`` sub-command."""
    parser = subparsers.add_parser(
        "priorities",
        help="prioritized needs: weighted importance, intervals, gaps and equity sensitivity",
        description=__doc__.split("\n\n")[0].replace("``", ""),
        epilog=__doc__.split("\n\n", 2)[2].replace("``", "") + "\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ratings", metavar="RATINGS.csv", help="response_id,need,importance,top_three")
    parser.add_argument("respondents", metavar="RESPONDENTS.csv", help="response_id and profile columns")
    parser.add_argument("--margins", metavar="MARGINS.csv", help="population margins for representative weights")
    parser.add_argument("--equity", metavar="EQUITY.toml", help="equity lens (default: the shipped default)")
    parser.add_argument("--lambda", dest="emphasis", type=float, metavar="L", help="equity emphasis (default: lens's)")
    parser.add_argument("--sweep", type=_lambdas, default=DEFAULT_LAMBDAS, metavar="L,L,...",
                        help="lambda values of the sensitivity sweep (default: 0,0.5,1,2)")
    parser.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP, metavar="N",
                        help="bootstrap resamples, 0 for none (default: %(default)d)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="resampling seed (default: %(default)d)")
    parser.add_argument("--min-cell", type=int, default=DEFAULT_MIN_CELL, metavar="N",
                        help="fewest respondents for a number to be shown (default: %(default)d)")
    parser.add_argument("--trim", type=float, metavar="RATIO", help="cap on weight / mean weight when raking")
    parser.add_argument("--weight-column", metavar="COL", help="RESPONDENTS.csv column of starting weights")
    parser.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    parser.add_argument("--output", metavar="FILE", help="where to write (default: standard output)")
    parser.set_defaults(func=run)


def _lambdas(text: str) -> tuple[float, ...]:
    """Parse a comma-separated list of lambda values."""
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None


def read_ratings(path: str) -> list[dict[str, str]]:
    """Rating records from the long-format ratings CSV."""
    header, rows = read_csv(path)
    require_columns(path, header, RATING_COLUMNS)
    a, b, c, d = (header.index(column) for column in RATING_COLUMNS)
    # values are stripped and validated by survey_from_records
    return [{"response_id": r[a], "need": r[b], "importance": r[c], "top_three": r[d]} for r in rows]


def _profile_value(text: str, column: str, path: str, line: int) -> object:
    """One profile answer: None when blank, a bool for hardships, a list when multi-select."""
    text = text.strip()
    if not text:
        return None
    if column in HARDSHIPS:
        if text not in ("0", "1"):
            raise InputError(f"'{path}' line {line}: hardship '{column}' must be 1, 0 or blank, got '{text}'")
        return text == "1"
    if MULTI_SELECT_SEPARATOR in text:
        return [part.strip() for part in text.split(MULTI_SELECT_SEPARATOR) if part.strip()]
    return text


def read_respondents(path: str, weight_column: str | None = None) -> list[dict[str, object]]:
    """Profile records from the respondents CSV; a response listed twice is refused (which profile is right?)."""
    header, rows = read_csv(path)
    require_columns(path, header, ["response_id"] + ([weight_column] if weight_column else []))
    records = []
    id_index = header.index("response_id")
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        record: dict[str, object] = {"response_id": row[id_index].strip()}
        if record["response_id"] in seen and record["response_id"]:  # a blank id matches no rating anyway
            raise InputError(f"'{path}' line {line}: response_id '{record['response_id']}' was already on line "
                             f"{seen[record['response_id']]}; each response's profile must be there once")
        seen[record["response_id"]] = line
        for column, text in zip(header, row):
            if column == "response_id":
                continue
            record[column] = text.strip() if column == weight_column else _profile_value(text, column, path, line)
        records.append(record)
    return records


def run(args: argparse.Namespace) -> int:
    """Read the exports, compute the report and write it."""
    equity = load_equity_config(args.equity) if args.equity else default_equity_config()
    margins = read_margins_csv(args.margins) if args.margins else None
    survey = survey_from_records(
        read_ratings(args.ratings), read_respondents(args.respondents, args.weight_column),
        weight_column=args.weight_column,
    )
    report = priority_report(
        survey, margins=margins, equity=equity, emphasis=args.emphasis, trim_ratio=args.trim,
        n_bootstrap=args.bootstrap, seed=args.seed, min_cell=args.min_cell, lambdas=args.sweep,
    )
    text = report_to_json(report) if args.format == "json" else format_report(report)
    write_text_atomically(args.output, text)
    return 0
