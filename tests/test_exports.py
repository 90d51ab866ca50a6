"""CSV exports: safe against formula injection, readable by spreadsheet programs."""
from __future__ import annotations

import csv
import io
import uuid

import pytest

from webapp.services.exports import BOM, csv_rows, neutralize


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                     "＝1+1"])
def test_formula_payloads_become_plain_text(payload):
    assert neutralize(payload) == "'" + payload


@pytest.mark.parametrize(("value", "expected"), [(None, ""), (3, 3), (2.5, 2.5), (True, "1"), (["a", "b"], "a;b"),
                                                 ("plain text", "plain text"), ("Año 2026 — 家", "Año 2026 — 家")])
def test_ordinary_values_are_kept(value, expected):
    assert neutralize(value) == expected


def test_csv_starts_with_bom_and_round_trips():
    rows = [[1, "=cmd|' /C calc'!A0", "línea\nnueva, \"citada\""], [2, None, uuid.UUID(int=1)]]
    text = "".join(csv_rows(["id", "text", "note"], rows))
    assert text.startswith(BOM)
    parsed = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert parsed[0] == ["id", "text", "note"]
    assert parsed[1] == ["1", "'=cmd|' /C calc'!A0", "línea\nnueva, \"citada\""]
    assert parsed[2][2] == "00000000-0000-0000-0000-000000000001"


def test_csv_is_produced_lazily():
    produced = []

    def rows():
        for i in range(3):
            produced.append(i)
            yield [i]

    stream = csv_rows(["n"], rows())
    next(stream)
    assert produced == []


@pytest.mark.parametrize("payload", [" =1+1", "   @SUM(A1)", "\u00a0-2+3", "\u3000＝1+1", "\u200f=1+1",
                                     "\u061c\u200f=HYPERLINK(\"http://x\")", "\u200b\ufeff+1", " \t=1"])
def test_formula_signs_after_spaces_or_invisible_marks_become_plain_text(payload):
    assert neutralize(payload) == "'" + payload


@pytest.mark.parametrize("text", ["\u200fالإيجار مرتفع = مشكلة", "  two leading spaces", "\u200b", "   "])
def test_text_with_a_sign_only_later_is_kept(text):
    assert neutralize(text) == text
