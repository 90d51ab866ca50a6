"""The ``themes`` sub-command: themes of a CSV file of free-text answers.

    python -m analysis themes answers.csv --text-column text --language-column language
    python -m analysis themes answers.csv --text-column text --k 8 --format text

JSON output: ``{"themes": [{"id", "label", "terms", "size", "examples",
"example_languages", "example_counts"}], "assignments": [theme id or null, one per
row], "other_languages": {code or script: answers set apart, unthemed}}``. Quotes
are printed with phone numbers and e-mail addresses masked.
Bad input (missing file or column, empty file, not UTF-8, a respondent id given
twice with ``--id-column``) is one line on standard error and exit status 2;
``--output`` is written only on success.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time

from analysis.errors import InputError
from analysis.theme_summary import mask_contact_details

#: runs with at least this many rows show a progress bar on standard error
PROGRESS_MIN_ROWS = 1000


def register(subparsers) -> None:
    """Add the ``themes`` sub-command."""
    parser = subparsers.add_parser(
        "themes", help="group free-text answers into themes",
        description="Group the free-text answers of a CSV file into themes, across languages.")
    parser.add_argument("input", metavar="INPUT.csv", help="CSV file, UTF-8 (a BOM is fine), with a header row")
    parser.add_argument("--text-column", default="text", help="column holding the answers (default: text)")
    parser.add_argument("--language-column", help="column holding each answer's language code (guessed if absent)")
    parser.add_argument("--id-column", help="column holding the respondent id; an id given twice is refused")
    parser.add_argument("--k", type=_positive_int, default=None,
                        help="number of themes (default: from the data; one more when a pasted answer fits none)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0); same seed, same themes")
    parser.add_argument("--format", choices=("json", "text"), default="json", help="output format (default: json)")
    parser.add_argument("--output", metavar="FILE", help="write here instead of standard output (only on success)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def read_answers(path: str, text_column: str, language_column: str | None, id_column: str | None = None):
    """Read the answer texts (and language codes) of a CSV file; raise InputError on bad input,
    including a respondent id (``id_column``) seen twice: the file would count that answer twice."""
    csv.field_size_limit(2**31 - 1)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames
            if not columns:
                raise InputError(f"{path} is empty: expected a header row naming a {text_column!r} column")
            for wanted in filter(None, (text_column, language_column, id_column)):
                if wanted not in columns:
                    listed = ", ".join(repr(c) for c in columns)
                    raise InputError(f"column {wanted!r} not found in {path}; its columns are: {listed}")
            texts, languages, seen = [], [], {}
            for row in reader:
                if id_column:
                    respondent = (row.get(id_column) or "").strip()
                    if respondent and respondent in seen:
                        raise InputError(f"{path} line {reader.line_num}: respondent id {respondent!r} was already "
                                         f"on line {seen[respondent]}; each respondent's answer must be there once")
                    seen[respondent] = reader.line_num
                texts.append(row.get(text_column) or "")
                languages.append(row.get(language_column) or None if language_column else None)
    except FileNotFoundError:
        raise InputError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"cannot read {path}: it is a directory") from None
    except PermissionError:
        raise InputError(f"cannot read {path}: permission denied") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 (undecodable byte at position {exc.start}); "
                         "expected a UTF-8 CSV file, e.g. 'CSV UTF-8' in a spreadsheet's Save As") from None
    except csv.Error as exc:
        raise InputError(f"{path} is not a readable CSV file: {exc}") from None
    return texts, languages if language_column else None


class ProgressBar:
    """A one-line progress bar on standard error (redrawn in place on a terminal)."""

    STAGES = ("analyse", "vectorise", "cluster", "assign", "describe")

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        filled = int(round(self.width * fraction))
        step = self.STAGES.index(stage) + 1 if stage in self.STAGES else 0
        line = (f"themes [{step}/{len(self.STAGES)}] {stage:<9} |{'#' * filled}{'.' * (self.width - filled)}| "
                f"{done}/{total} {time.monotonic() - self.started:5.1f}s")
        if self.tty:
            self.stream.write("\r" + line)
        elif done == total and line != self._last:  # one line per finished stage in a log
            self.stream.write(line + "\n")
        self._last = line
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def result_json(model) -> dict:
    """The JSON document for a fitted model."""
    return {
        "themes": [{"id": t.id, "label": t.label, "terms": t.terms, "size": t.size,
                    "examples": [mask_contact_details(e) for e in t.examples],
                    "example_languages": t.example_languages, "example_counts": t.example_counts}
                   for t in model.themes_],
        "assignments": model.labels_,
        "other_languages": model.other_languages_,
    }


def result_text(model) -> str:
    """A human-readable summary of a fitted model."""
    n = len(model.labels_)
    unusable = sum(label is None for label in model.labels_)
    other = sum(model.other_languages_.values())
    lines = [f"{model.n_themes_} themes in {n} answers ({unusable - other} without usable text)"]
    if other:
        listed = ", ".join(f"{code} {count}" for code, count in model.other_languages_.items())
        lines.append(f"{other} answers set apart, in languages the themes do not read: {listed}")
    lines.append("")
    for theme in model.themes_:
        share = 100.0 * theme.size / max(1, n - unusable)
        languages = ", ".join(f"{code or '?'} {count}" for code, count in theme.languages.items())
        lines.append(f"{theme.id:>3}. {theme.label} — {theme.size} answers ({share:.0f}%; {languages})")
        lines.append(f"     terms: {', '.join(theme.terms)}")
        for example, language, count in zip(theme.examples, theme.example_languages, theme.example_counts):
            quote = " ".join(mask_contact_details(example).split())
            quote = quote if len(quote) <= 160 else quote[:157] + "…"
            times = f" ×{count}" if count > 1 else ""
            lines.append(f"     “{quote}”{times} [{language}]")
        lines.append("")
    return "\n".join(lines)


def write_atomically(path: str, content: str) -> None:
    """Write ``content`` to ``path`` via a temporary file, so a failure leaves no partial file."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise InputError(f"cannot write {path}: folder {directory} does not exist")
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".themes-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def run(args) -> int:
    """Run ``themes``; return the exit status."""
    texts, languages = read_answers(args.input, args.text_column, args.language_column, args.id_column)
    from analysis.themes import ThemeModel  # scikit-learn is imported only when needed

    bar = ProgressBar() if len(texts) >= PROGRESS_MIN_ROWS and not args.quiet else None
    model = ThemeModel(n_themes=args.k, random_state=args.seed).fit(texts, languages, progress=bar)
    if bar:
        bar.close()
    if args.format == "json":
        content = json.dumps(result_json(model), ensure_ascii=False, indent=2) + "\n"
    else:
        content = result_text(model)
    if args.output:
        write_atomically(args.output, content)
    else:
        sys.stdout.write(content)
    return 0
