"""Spreadsheet-safe exports: CSV (UTF-8 with BOM) streamed row by row.

Every cell a person typed is neutralised against formula injection: a spreadsheet
program would run a CSV cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return before one), so such text is prefixed with an apostrophe, which the
program shows as plain text. (An XLSX file says which cells are text, so there the text is
written as it is, marked as text a spreadsheet must not turn into a formula even when edited:
see ``response_exports.write_xlsx``.) Spaces and invisible marks before the sign do not hide it
(LibreOffice's "trim spaces" import drops them; right-to-left text often begins with a
direction mark). Numbers stay numbers.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BOM = "\ufeff"


def cell_value(value) -> str | int | float:
    """A value as a spreadsheet cell holds it: a number, else text (not yet neutralised)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    return str(value)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula were it typed or read from CSV."""
    return _formula_start(text).startswith(FORMULA_STARTS)


def neutralize(value) -> object:
    """A CSV cell value that a spreadsheet will show, never evaluate."""
    cell = cell_value(value)
    if isinstance(cell, str) and looks_like_formula(cell):
        return "'" + cell
    return cell


def _formula_start(text: str) -> str:
    """``text`` from its first character that is neither a space nor an invisible format mark
    (direction marks, zero-width spaces, a byte order mark), or from the tab/line break there."""
    for index, char in enumerate(text):
        if char in "\t\r\n" or not (char.isspace() or unicodedata.category(char) == "Cf"):
            return text[index:]
    return ""


def half_up(value: Fraction | float, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimals with a half rounded up, as people and spreadsheets round:
    3.25 is 3.3 and 3.125 is 3.13 (``round`` and Babel round a half to the even digit: 3.2, 3.12)."""
    exact = (Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction)
             else Decimal(repr(float(value))))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # -0.04 is 0.0, not -0.0


def csv_rows(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text of ``header`` and ``rows``, a line at a time, starting with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values) -> str:
        writer.writerow([neutralize(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield BOM + line(header)
    for row in rows:
        yield line(row)
