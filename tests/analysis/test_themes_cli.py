"""The ``python -m analysis themes`` command line: its JSON contract and its errors."""
import csv
import json
import os
import subprocess
import sys

import pytest

from analysis.cli import main


@pytest.fixture
def answers_csv(tmp_path, answers):
    """A CSV of the fixture answers plus an empty row, with a BOM as spreadsheets write it."""
    texts, languages, _ = answers
    path = tmp_path / "answers.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "language"])
        for i, (text, language) in enumerate(zip(texts, languages)):
            writer.writerow([i, text, language])
        writer.writerow([len(texts), "", "en"])
    return path


def run_cli(capsys, *argv):
    status = main(["themes", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_output_follows_the_contract(capsys, answers_csv, answers):
    status, out, err = run_cli(capsys, answers_csv, "--text-column", "text", "--language-column", "language",
                               "--k", 3, "--seed", 1)
    assert status == 0, err
    result = json.loads(out)
    assert set(result) == {"themes", "assignments", "other_languages"}
    assert len(result["assignments"]) == len(answers[0]) + 1
    assert result["assignments"][-1] is None
    assert [theme["id"] for theme in result["themes"]] == [0, 1, 2]
    for theme in result["themes"]:
        assert {"id", "label", "terms", "size", "examples", "example_counts"} <= set(theme)
        assert theme["size"] == result["assignments"].count(theme["id"])
        assert 3 <= len(theme["examples"]) <= 5


def test_same_seed_same_output(capsys, answers_csv):
    first = run_cli(capsys, answers_csv, "--seed", 3)[1]
    second = run_cli(capsys, answers_csv, "--seed", 3)[1]
    assert first == second


def test_text_format_is_a_readable_summary(capsys, answers_csv):
    status, out, _ = run_cli(capsys, answers_csv, "--language-column", "language", "--k", 3, "--format", "text")
    assert status == 0
    assert out.startswith("3 themes in 37 answers (1 without usable text)")
    assert "terms:" in out and "“" in out


def test_output_file_is_written_on_success(capsys, answers_csv, tmp_path):
    target = tmp_path / "themes.json"
    status, out, _ = run_cli(capsys, answers_csv, "--k", 2, "--output", target)
    assert status == 0 and out == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))["themes"]) == 2


def test_header_only_file_gives_empty_result(capsys, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("text\n", encoding="utf-8")
    status, out, _ = run_cli(capsys, path)
    assert status == 0
    assert json.loads(out) == {"themes": [], "assignments": [], "other_languages": {}}


def one_line_error(capsys, *argv):
    status, out, err = run_cli(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
    return err


def test_missing_file_is_a_one_line_error(capsys, tmp_path):
    assert "no such file" in one_line_error(capsys, tmp_path / "nope.csv")


def test_missing_column_lists_the_columns(capsys, answers_csv):
    err = one_line_error(capsys, answers_csv, "--text-column", "answer")
    assert "'answer' not found" in err and "'id', 'text', 'language'" in err


def test_missing_language_column_is_an_error(capsys, answers_csv):
    assert "'lang' not found" in one_line_error(capsys, answers_csv, "--language-column", "lang")


def test_empty_file_is_an_error(capsys, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "is empty" in one_line_error(capsys, path)


def test_wrong_encoding_names_the_expected_one(capsys, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text\nla renta está cara\n".encode("latin-1"))
    assert "expected a UTF-8 CSV" in one_line_error(capsys, path)


def test_output_is_not_written_when_input_is_bad(capsys, tmp_path):
    target = tmp_path / "out.json"
    one_line_error(capsys, tmp_path / "nope.csv", "--output", target)
    assert not target.exists()


def test_output_folder_must_exist(capsys, answers_csv, tmp_path):
    assert "does not exist" in one_line_error(capsys, answers_csv, "--output", tmp_path / "no" / "out.json")
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".themes-")]


def test_k_must_be_positive(capsys, answers_csv):
    with pytest.raises(SystemExit) as exit_info:
        main(["themes", str(answers_csv), "--k", "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_module_runs_end_to_end_with_a_progress_bar(tmp_path):
    path = tmp_path / "many.csv"
    words = ["rent", "bus", "food", "clinic", "jobs", "park"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        for i in range(1200):
            writer.writerow([f"the {words[i % 6]} is a problem and {words[(i * 7) % 6]} too"])
    result = subprocess.run([sys.executable, "-m", "analysis", "themes", str(path), "--k", "6"],
                            capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["assignments"]) == 1200
    assert "themes [" in result.stderr and "describe" in result.stderr


def test_output_does_not_depend_on_python_hash_seed(answers_csv):
    outputs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        result = subprocess.run([sys.executable, "-m", "analysis", "themes", str(answers_csv), "--language-column",
                                 "language"], capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
