"""`python -m analysis rake`: weights added to the CSV, summary on stderr, one-line errors."""
from __future__ import annotations

import csv
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from analysis.cli import main

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA_DIR = pathlib.Path(__file__).resolve().parent / "data"  # apiclus1.csv, copied with its licence note
API_MARGINS = "variable,category,target\nstype,E,4421\nstype,H,755\nstype,M,1018\nsch.wide,No,1072\nsch.wide,Yes,5122\n"


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def margins(tmp_path):
    return write(tmp_path / "margins.csv", API_MARGINS)


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_rake_writes_weights_that_reproduce_r(tmp_path, margins, capsys):
    out = tmp_path / "weighted.csv"
    status = main(["rake", str(DATA_DIR / "apiclus1.csv"), "--margins", str(margins), "--weight-column", "pw",
                   "--output", str(out)])
    assert status == 0
    rows = read_rows(out)
    assert len(rows) == 183 and list(rows[0])[-1] == "weight"
    weights = np.array([float(r["weight"]) for r in rows])
    api00 = np.array([float(r["api00"]) for r in rows])
    assert weights.sum() == pytest.approx(6194)
    assert np.dot(weights, api00) / weights.sum() == pytest.approx(641.2303, rel=1e-6)
    err = capsys.readouterr().err
    assert "effective n" in err and "design effect" in err and "iteration" in err
    assert "most under-represented first" in err


def test_rake_without_output_writes_csv_to_stdout(tmp_path, capsys):
    data = write(tmp_path / "people.csv", "id,sex\n1,f\n2,m\n3,m\n")
    shares = write(tmp_path / "m.csv", "variable,category,target\nsex,f,0.5\nsex,m,0.5\n")
    assert main(["rake", str(data), "--margins", str(shares)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["id,sex,weight", "1,f,1.5", "2,m,0.75", "3,m,0.75"]


def test_rake_trim_caps_the_weights(tmp_path, margins):
    out = tmp_path / "weighted.csv"
    assert main(["rake", str(DATA_DIR / "apiclus1.csv"), "--margins", str(margins), "--weight-column", "pw",
                 "--trim", "1.8", "--output", str(out)]) == 0
    weights = np.array([float(r["weight"]) for r in read_rows(out)])
    assert weights.max() / weights.mean() <= 1.8 * (1 + 1e-9)


ERROR_CASES = {
    "category not in margins": ("id,g\n1,a\n2,z\n", "variable,category,target\ng,a,1\n",
                                [], "category 'z' of variable 'g' is in the data but not in the margins"),
    "margin category without respondents": (
        "id,g\n1,a\n2,a\n", "variable,category,target\ng,a,1\ng,b,1\n",
        [], "category 'b' of variable 'g' is in the margins but has no respondents",
    ),
    "missing value": ("id,g\n1,a\n2,\n", "variable,category,target\ng,a,1\n",
                      [], "variable 'g' has 1 missing value but no 'not stated' category"),
    "not converging": ("id,g,h\n1,a,x\n2,b,y\n", "variable,category,target\ng,a,5\ng,b,5\nh,x,8\nh,y,2\n",
                       [], "raking "),
    "iteration limit": ("id,g,h\n1,a,x\n2,a,y\n3,b,x\n", "variable,category,target\ng,a,5\ng,b,5\nh,x,6\nh,y,4\n",
                        ["--max-iter", "1"], "did not converge in 1 iterations"),
    "trim too tight": ("id,g,h\n1,a,x\n2,a,y\n3,b,x\n4,b,y\n5,b,y\n",
                       "variable,category,target\ng,a,9\ng,b,1\nh,x,5\nh,y,5\n",
                       ["--trim", "1.1"], "trim ratio 1.1 may be too tight"),
    "target not a number": ("id,g\n1,a\n", "variable,category,target\ng,a,lots\n",
                            [], "target 'lots' for category 'a' of variable 'g' is not a number"),
    "negative target": ("id,g\n1,a\n2,b\n", "variable,category,target\ng,a,-1\ng,b,5\n",
                        [], "line 2: target for 'a' of 'g' must be zero or more and less than a trillion"),
    "huge targets": ("id,g\n1,a\n2,b\n", "variable,category,target\ng,a,1e308\ng,b,1e308\n",
                     [], "line 2: target for 'a' of 'g' must be zero or more and less than a trillion"),
    "duplicate margin": ("id,g\n1,a\n", "variable,category,target\ng,a,1\ng,a,2\n",
                         [], "category 'a' of variable 'g' appears more than once"),
    "margins lack a column": ("id,g\n1,a\n", "variable,category\ng,a\n", [], "has no column 'target'"),
    "input lacks the variable": ("id,k\n1,a\n", "variable,category,target\ng,a,1\n", [], "has no column 'g'"),
    "bad weight": ("id,g,w\n1,a,2\n2,a,heavy\n", "variable,category,target\ng,a,1\n",
                   ["--weight-column", "w"], "line 3: weight 'heavy' in column 'w' is not a number"),
    "zero weight": ("id,g,w\n1,a,2\n2,a,0\n", "variable,category,target\ng,a,1\n",
                    ["--weight-column", "w"], "starting weights must be positive"),
    "weight column exists": ("id,g,weight\n1,a,2\n", "variable,category,target\ng,a,1\n",
                             [], "already has a 'weight' column"),
    "ragged input": ("id,g\n1,a,extra\n", "variable,category,target\ng,a,1\n", [], "line 2: 3 fields"),
    "empty margins": ("id,g\n1,a\n", "variable,category,target\n", [], "has no margin rows"),
    "inconsistent totals": ("id,g,h\n1,a,x\n", "variable,category,target\ng,a,10\nh,x,12\n",
                            [], "margins for 'g' sum to 10 but margins for 'h' sum to 12"),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_rake_errors_are_one_line_exit_2_and_no_output(tmp_path, capsys, case):
    data_text, margins_text, extra, message = ERROR_CASES[case]
    data = write(tmp_path / "data.csv", data_text)
    margins = write(tmp_path / "margins.csv", margins_text)
    out = tmp_path / "out.csv"
    status = main(["rake", str(data), "--margins", str(margins), "--output", str(out), *extra])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert message in captured.err
    assert captured.out == ""
    assert not out.exists()
    assert sorted(tmp_path.iterdir()) == sorted([data, margins])  # no temporary file left behind


def test_missing_input_file_is_one_line(tmp_path, margins, capsys):
    assert main(["rake", str(tmp_path / "nope.csv"), "--margins", str(margins)]) == 2
    assert capsys.readouterr().err.startswith("error: cannot read")


def test_failed_run_leaves_an_existing_output_untouched(tmp_path, capsys):
    data = write(tmp_path / "data.csv", "id,g\n1,a\n2,z\n")
    margins = write(tmp_path / "margins.csv", "variable,category,target\ng,a,1\n")
    out = write(tmp_path / "out.csv", "previous\n")
    assert main(["rake", str(data), "--margins", str(margins), "--output", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "previous\n"


def test_command_line_exit_status_through_python_m(tmp_path):
    data = write(tmp_path / "data.csv", "id,g\n1,a\n2,z\n")
    margins = write(tmp_path / "margins.csv", "variable,category,target\ng,a,1\n")
    done = subprocess.run([sys.executable, "-m", "analysis", "rake", str(data), "--margins", str(margins)],
                          capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    assert done.returncode == 2
    assert done.stderr == "error: category 'z' of variable 'g' is in the data but not in the margins\n"
    assert done.stdout == ""
