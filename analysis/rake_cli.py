"""The ``rake`` sub-command: rake a CSV of respondents to population margins.

    python -m analysis rake INPUT.csv --margins MARGINS.csv [--weight-column COL]
        [--trim RATIO] [--total N] [--tol TOL] [--max-iter N] [--output OUT.csv]

``INPUT.csv`` holds one respondent per row with a column for every raking variable.
``MARGINS.csv`` has the columns ``variable,category,target``; targets are counts (each
variable summing to the population total) or proportions (each summing to 1). A blank
raking value is the category ``not stated``, which then needs its own margin row.

The output is the input with a ``weight`` column added (to standard output without
``--output``); the weights sum to the margin total, or to the number of respondents
for proportions. A summary (iterations, effective n, design effect) and the
representativeness table go to standard error. Any problem is reported as one line,
exit status 2, and no output file is written.
"""
from __future__ import annotations

import argparse
import sys

from analysis.errors import InputError
from analysis.raking import DEFAULT_MAX_ITER, DEFAULT_TOL, rake_to_margins
from analysis.representativeness import format_representativeness, representativeness_report
from analysis.tabular_io import csv_text, read_csv, read_margins_csv, require_columns, write_text_atomically

WEIGHT_COLUMN = "weight"


def register(subparsers) -> None:
    """Add the ``rake`` sub-command."""
    parser = subparsers.add_parser(
        "rake",
        help="rake respondents' weights to population margins (iterative proportional fitting)",
        description=__doc__.split("\n\n")[0].replace("``", ""),
        epilog=__doc__.split("\n\n", 2)[2].replace("``", ""),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", metavar="INPUT.csv", help="respondents, one per row")
    parser.add_argument("--margins", required=True, metavar="MARGINS.csv", help="variable,category,target rows")
    parser.add_argument("--weight-column", metavar="COL", help="column of starting weights (default: all 1)")
    parser.add_argument("--trim", type=float, metavar="RATIO", help="cap on weight / mean weight (>= 1), re-raked")
    parser.add_argument("--total", type=float, metavar="N", help="total the weights sum to (default: see above)")
    parser.add_argument("--tol", type=float, default=DEFAULT_TOL, help="largest relative margin error (%(default)g)")
    parser.add_argument("--max-iter", type=int, default=DEFAULT_MAX_ITER, help="iteration limit (%(default)d)")
    parser.add_argument("--output", metavar="OUT.csv", help="where to write (default: standard output)")
    parser.set_defaults(func=run)


def _starting_weights(path: str, header: list[str], rows: list[list[str]], column: str) -> list[float]:
    """Parse the starting-weight column, naming the line of a bad value."""
    require_columns(path, header, [column])
    index = header.index(column)
    weights = []
    for line, row in enumerate(rows, start=2):
        try:
            weights.append(float(row[index]))
        except ValueError:
            raise InputError(
                f"'{path}' line {line}: weight '{row[index]}' in column '{column}' is not a number"
            ) from None
    return weights


def run(args: argparse.Namespace) -> int:
    """Rake, report on standard error, and write the weighted CSV."""
    margins = read_margins_csv(args.margins)
    header, rows = read_csv(args.input)
    require_columns(args.input, header, margins)
    if WEIGHT_COLUMN in header and args.weight_column != WEIGHT_COLUMN:
        raise InputError(f"'{args.input}' already has a '{WEIGHT_COLUMN}' column; pass --weight-column "
                         f"{WEIGHT_COLUMN} to start from it and replace it")
    data = {variable: [row[index] for row in rows] for variable, index in ((v, header.index(v)) for v in margins)}
    base = _starting_weights(args.input, header, rows, args.weight_column) if args.weight_column else None
    result = rake_to_margins(
        data, margins, base, total=args.total, trim_ratio=args.trim, tol=args.tol, max_iter=args.max_iter
    )
    weights = [repr(float(w)) for w in result.weights]
    if WEIGHT_COLUMN in header:
        index = header.index(WEIGHT_COLUMN)
        out_rows = [row[:index] + [w] + row[index + 1:] for row, w in zip(rows, weights)]
        out_header = header
    else:
        out_rows = [row + [w] for row, w in zip(rows, weights)]
        out_header = header + [WEIGHT_COLUMN]
    report = representativeness_report(data, result.margins, result.weights)
    write_text_atomically(args.output, csv_text(out_header, out_rows))
    print(result.summary(), file=sys.stderr)
    print(format_representativeness(report), file=sys.stderr)
    return 0
