"""CSV input and atomic output for the weighting command lines (``rake``, ``priorities``).

Every problem with a file becomes one :class:`~analysis.errors.InputError` line naming
the file (and the line, where there is one). Output is written to a temporary file
next to the target and renamed into place only when complete, so a failed run never
leaves a partial or stale output file behind.
"""
from __future__ import annotations

import csv
import io
import itertools
import math
import os
import pathlib
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence

from analysis.errors import N_, InputError, Message

MARGIN_COLUMNS = ("variable", "category", "target")


def read_csv(path: str | os.PathLike) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a UTF-8 CSV file (a byte-order mark is accepted)."""
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig", newline="") as handle:
            return parse_csv(handle, name)
    except OSError as exc:
        raise InputError(f"cannot read '{name}': {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"'{name}' is not UTF-8 text") from None


def column_separator(first_line: str) -> str:
    """The separator of a CSV whose first line is ``first_line``: a comma, unless that line has as many
    tabs (cells pasted from a spreadsheet) or semicolons (a spreadsheet saved where the comma is the
    decimal mark) as commas: a figure there may have a comma of its own (``12,5`` or ``1,500``)."""
    commas = first_line.count(",")
    for separator in ("\t", ";"):
        if first_line.count(separator) >= max(commas, 1):
            return separator
    return ","


def parse_csv(lines: Iterable[str], name: str | Message) -> tuple[list[str], list[list[str]]]:
    """Header and rows of CSV text (``lines``: an open file or any iterable of lines), named
    ``name`` in error messages. The columns are separated as ``column_separator`` finds; empty
    columns a spreadsheet leaves at the end of lines are dropped."""
    lines = iter(lines)
    first = next(lines, None)
    try:
        reader = csv.reader(itertools.chain([first] if first is not None else [], lines),
                            delimiter=column_separator(first or ""))
        header = next(reader, None)
        if header is None:
            raise InputError(N_("'%(name)s' is empty: expected a header line"), name=name)
        header = _without_empty_end([h.strip() for h in header])
        rows = []
        for row in reader:
            if len(row) > len(header):
                row = row[:len(header)] + _without_empty_end(row[len(header):])
            if not row:
                continue
            if len(row) != len(header):
                raise InputError(N_("'%(name)s' line %(line)d: %(fields)d fields but the header has %(columns)d"),
                                 name=name, line=reader.line_num, fields=len(row), columns=len(header))
            rows.append(row)
    except csv.Error as exc:
        raise InputError(N_("'%(name)s' is not valid CSV: %(problem)s"), name=name, problem=exc) from None
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise InputError(N_("'%(name)s' has the column '%(column)s' more than once"), name=name, column=duplicated[0])
    return header, rows


def _without_empty_end(fields: list[str]) -> list[str]:
    while fields and not fields[-1].strip():
        fields = fields[:-1]
    return fields


def require_columns(name: str | os.PathLike | Message, header: Sequence[str], columns: Iterable[str]) -> None:
    """Raise a one-line error for the first required column the header lacks."""
    for column in columns:
        if column not in header:
            raise InputError(N_("'%(name)s' has no column '%(column)s' (its columns: %(columns)s)"),
                             name=name if isinstance(name, Message) else os.fspath(name), column=column,
                             columns=", ".join(header))


def read_margins_csv(path: str | os.PathLike) -> dict[str, dict[str, float]]:
    """Read ``variable,category,target`` rows into ``{variable: {category: target}}``."""
    header, rows = read_csv(path)
    return _margins(os.fspath(path), header, rows)


def margins_from_text(text: str, name: str | Message = "margins") -> dict[str, dict[str, float]]:
    """``variable,category,target`` CSV text (as pasted into a form) into ``{variable: {category: target}}``.

    The header line may be left out when every line has those three fields in that order.
    """
    text = text.lstrip("\ufeff")
    decimal_comma = column_separator(text.partition("\n")[0]) == ";"
    header, rows = parse_csv(io.StringIO(text), name)
    if "variable" not in (h.lower() for h in header) and len(header) == len(MARGIN_COLUMNS):
        return _margins(name, list(MARGIN_COLUMNS), [header, *rows], first_line=1, decimal_comma=decimal_comma)
    return _margins(name, header, rows, decimal_comma=decimal_comma)


#: digits grouped by thousands (1,500 or 12,345,678.5), the separator and decimal mark filled in
_GROUPED = r"[1-9][0-9]{{0,2}}(?:{thousands}[0-9]{{3}})+(?:{decimal}[0-9]+)?"
#: the blanks that group digits: a space, a no-break space, a narrow no-break space (French, Canadian)
_BLANK_GROUPED = re.compile(_GROUPED.format(thousands="[ \u00a0\u202f]", decimal="[.,]"))


def read_number(text: str, decimal_comma: bool = False) -> float:
    """A figure as spreadsheets and census tables write it: ``12.5``; ``1,500`` or ``1 500`` (thousands);
    ``12,5`` when ``decimal_comma``, or when the comma can be nothing else; ``9.8%`` (read as 0.098).
    Raises ValueError for anything else."""
    number = text.strip()
    percent = number.endswith("%")
    if percent:
        number = number[:-1].rstrip()
    if _BLANK_GROUPED.fullmatch(number):
        number = re.sub("[ \u00a0\u202f]", "", number)
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    if re.fullmatch(_GROUPED.format(thousands=re.escape(thousands), decimal=re.escape(decimal)), number):
        number = number.replace(thousands, "")
    if decimal_comma or re.fullmatch("[0-9]+,[0-9]+", number):
        number = number.replace(",", ".")
    value = float(number)
    return value / 100 if percent else value


#: targets are people counted or shares of them; a larger figure is a typing slip (and would overflow sums)
MAX_TARGET = 1e12


def _margins(name: str | Message, header: list[str], rows: list[list[str]],
             first_line: int = 2, decimal_comma: bool = False) -> dict[str, dict[str, float]]:
    """``decimal_comma``: targets are written 0,23 (a CSV separated by semicolons)."""
    header = [h.lower() for h in header]  # "Variable,Category,Target" as a spreadsheet heads its columns
    require_columns(name, header, MARGIN_COLUMNS)
    where = [header.index(c) for c in MARGIN_COLUMNS]
    margins: dict[str, dict[str, float]] = {}
    for line, row in enumerate(rows, start=first_line):
        variable, category, target_text = (row[i].strip() for i in where)
        if not variable or not category:
            raise InputError(N_("'%(name)s' line %(line)d: variable and category must not be blank"),
                             name=name, line=line)
        try:
            target = read_number(target_text, decimal_comma)
        except ValueError:
            raise InputError(N_("'%(name)s' line %(line)d: target '%(target)s' for category '%(category)s' "
                                "of variable '%(variable)s' is not a number"),
                             name=name, line=line, target=target_text, category=category, variable=variable) from None
        if not math.isfinite(target):
            raise InputError(N_("'%(name)s' line %(line)d: target for '%(category)s' of '%(variable)s' is not finite"),
                             name=name, line=line, category=category, variable=variable)
        if not 0 <= target < MAX_TARGET:  # a count or a share: never below 0, and summed without overflow
            raise InputError(N_("'%(name)s' line %(line)d: target for '%(category)s' of '%(variable)s' must be "
                                "zero or more and less than a trillion"),
                             name=name, line=line, category=category, variable=variable)
        categories = margins.setdefault(variable, {})
        if category in categories:
            raise InputError(N_("'%(name)s' line %(line)d: category '%(category)s' of variable '%(variable)s' "
                                "appears more than once"), name=name, line=line, category=category, variable=variable)
        categories[category] = target
    if not margins:
        raise InputError(N_("'%(name)s' has no margin rows"), name=name)
    return margins


def write_text_atomically(path: str | os.PathLike | None, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename (stdout when None)."""
    if path is None:
        sys.stdout.write(text)
        return
    target = pathlib.Path(path)
    try:
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", dir=target.parent, prefix=f".{target.name}.", delete=False
        )
    except OSError as exc:
        raise InputError(f"cannot write '{target}': {exc.strerror or exc}") from None
    try:
        with handle:
            handle.write(text)
        os.chmod(handle.name, 0o666 & ~_umask())  # temporary files are private; outputs are not
        os.replace(handle.name, target)
    except OSError as exc:
        os.unlink(handle.name)
        raise InputError(f"cannot write '{target}': {exc.strerror or exc}") from None


def _umask() -> int:
    """The process's file-creation mask."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows rendered as CSV text (minimal quoting, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
