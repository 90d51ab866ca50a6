"""`python -m analysis priorities` over the web app's CSV exports."""
from __future__ import annotations

import json
import pathlib

import pytest

from analysis.cli import main
from analysis.synthetic_survey import synthetic_survey, write_survey_csv

MARGINS = (
    "variable,category,target\n"
    "primary_language,en,0.5\nprimary_language,es,0.3\nprimary_language,vi,0.1\n"
    "primary_language,zh,0.05\nprimary_language,not stated,0.05\n"
)


@pytest.fixture
def exports(tmp_path) -> tuple[pathlib.Path, pathlib.Path]:
    ratings, respondents = tmp_path / "ratings.csv", tmp_path / "respondents.csv"
    write_survey_csv(synthetic_survey(400, seed=9), ratings, respondents)
    return ratings, respondents


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_table_output_has_every_section(exports, capsys):
    assert main(["priorities", *map(str, exports), "--bootstrap", "50"]) == 0
    out = capsys.readouterr().out
    for heading in ("Mean importance", "Top-three share", "Gap in mean importance", "Sensitivity",
                    "Equity lens (default), shown verbatim"):
        assert heading in out
    assert "unweighted" in out and "representative" in out and "equity" in out


def test_json_output_with_margins_equity_and_lambda(exports, tmp_path):
    margins = write(tmp_path / "margins.csv", MARGINS)
    lens = write(tmp_path / "lens.toml", '[hardships]\nuninsured = 1\nfood_insecurity = 1\n')
    out = tmp_path / "report.json"
    status = main(["priorities", *map(str, exports), "--margins", str(margins), "--equity", str(lens),
                   "--lambda", "2", "--bootstrap", "40", "--seed", "3", "--min-cell", "5", "--format", "json",
                   "--output", str(out)])
    assert status == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["respondents"] == 400
    assert report["settings"] == {**report["settings"], "n_bootstrap": 40, "seed": 3, "min_cell": 5, "emphasis": 2.0}
    assert report["equity"]["text"] == '[hardships]\nuninsured = 1\nfood_insecurity = 1\n'
    assert report["raking"]["variables"] == ["primary_language"]
    assert set(report["weightings"]) == {"unweighted", "representative", "equity"}
    assert report["sensitivity"]["lambdas"] == [0.0, 0.5, 1.0, 2.0]
    first = report["weightings"]["equity"]["needs"][0]
    assert len(first["mean_importance_interval"]) == 2 and len(first["rank_range"]) == 2


def test_same_seed_gives_the_same_json(exports, capsys):
    args = ["priorities", *map(str, exports), "--bootstrap", "30", "--format", "json", "--seed", "5"]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_custom_sweep(exports, capsys):
    assert main(["priorities", *map(str, exports), "--bootstrap", "0", "--sweep", "0,3", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["sensitivity"]["lambdas"] == [0.0, 3.0]


def test_help_documents_the_csv_contract(capsys):
    with pytest.raises(SystemExit):
        main(["priorities", "--help"])
    out = capsys.readouterr().out
    assert "response_id,need,importance,top_three" in out and "joined with ';'" in out


RATINGS_OK = "response_id,need,importance,top_three\nr1,A,5,1\n"
ERROR_CASES = {
    "importance out of range": ("response_id,need,importance,top_three\nr1,A,7,0\n", "response_id\nr1\n",
                                [], "importance must be a whole number from 1 to 5"),
    "top three without rating": ("response_id,need,importance,top_three\nr1,A,,1\n", "response_id\nr1\n",
                                 [], "in the top three but has no importance rating"),
    "ratings lack a column": ("response_id,need,importance\nr1,A,5\n", "response_id\nr1\n",
                              [], "has no column 'top_three'"),
    "bad hardship": (RATINGS_OK, "response_id,uninsured\nr1,maybe\n", [],
                     "line 2: hardship 'uninsured' must be 1, 0 or blank"),
    "a respondent listed twice": (RATINGS_OK, "response_id,place\nr1,x\nr2,y\nr1,z\n", [],
                                  "line 4: response_id 'r1' was already on line 2"),
    "respondents lack response_id": (RATINGS_OK, "id,place\nr1,x\n", [], "has no column 'response_id'"),
    "bad equity file": (RATINGS_OK, "response_id\nr1\n", ["--equity", "LENS"], "is not valid TOML"),
    "lens on an unknown column": (RATINGS_OK, "response_id\nr1\n", ["--equity", "LENS2"],
                                  "equity criterion column 'uninsurd' is not in the respondent profiles"),
    "missing raking value": (RATINGS_OK, "response_id,age_band\nr1,\n", ["--margins", "MARGINS"],
                             "variable 'age_band' has 1 missing value but no 'not stated' category"),
    "negative lambda": (RATINGS_OK, "response_id,uninsured\nr1,1\n", ["--lambda", "-1"], "at least 0"),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_priorities_errors_are_one_line_exit_2_and_no_output(tmp_path, capsys, case):
    ratings_text, respondents_text, extra, message = ERROR_CASES[case]
    ratings = write(tmp_path / "ratings.csv", ratings_text)
    respondents = write(tmp_path / "respondents.csv", respondents_text)
    files = {
        "LENS": write(tmp_path / "lens.toml", "emphasis = = 1\n"),
        "LENS2": write(tmp_path / "lens2.toml", "[hardships]\nuninsurd = 1\n"),
        "MARGINS": write(tmp_path / "margins.csv", "variable,category,target\nage_band,18_24,1\n"),
    }
    extra = [str(files.get(arg, arg)) for arg in extra]
    out = tmp_path / "report.txt"
    status = main(["priorities", str(ratings), str(respondents), "--output", str(out), *extra])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1
    assert message in captured.err
    assert not out.exists()
