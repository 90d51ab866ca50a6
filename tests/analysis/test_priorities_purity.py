"""The weighting and priorities modules stay pure: no web stack, and `rake` stays light."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = [
    "analysis.margins", "analysis.raking", "analysis.representativeness", "analysis.equity",
    "analysis.survey_data", "analysis.bootstrap", "analysis.priorities", "analysis.priorities_format",
    "analysis.rake_cli", "analysis.priorities_cli", "analysis.synthetic_survey",
]


def imported_after(modules: list[str]) -> set[str]:
    """Top-level packages a fresh interpreter has loaded after importing ``modules``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    return set(json.loads(done.stdout))


def test_weighting_modules_import_no_web_stack():
    loaded = imported_after(MODULES)
    assert not loaded & {"flask", "sqlalchemy", "webapp", "werkzeug"}


def test_rake_command_does_not_pay_for_scikit_learn_or_scipy():
    loaded = imported_after(["analysis.cli", "analysis.rake_cli"])
    assert not loaded & {"sklearn", "scipy", "nltk"}
