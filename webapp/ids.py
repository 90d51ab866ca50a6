"""Row ids that come from outside (a URL, a form, a queued item): numbers the id columns can hold.

A larger number names no row, but the database refuses it in a query (PostgreSQL: integer out
of range; SQLite past 64 bits: OverflowError), which would be a 500. So it is treated like any
other unknown id: not found.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

#: the largest id the id columns hold (PostgreSQL's INTEGER; SQLite's would take 64 bits)
MAX_ID = 2**31 - 1


def database_id(value: object) -> int | None:
    """``value`` (a whole number, or its digits as text) when it is an id from 1 to MAX_ID; else None."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:...>`` up to MAX_ID: a larger number is a 404, never a query the database refuses."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 — werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
