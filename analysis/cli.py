"""The ``python -m analysis`` command line: one sub-command per analysis.

Each sub-command lives in its own module exposing ``register(subparsers)``; the
module is imported only when needed so that ``rake`` never pays for scikit-learn.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from analysis.errors import InputError

#: sub-command name -> module that defines ``register(subparsers)``
COMMANDS = {
    "themes": "analysis.themes_cli",
    "rake": "analysis.rake_cli",
    "priorities": "analysis.priorities_cli",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; with ``only``, import just that sub-command's module."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            subparsers.add_parser(name)
            continue
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    only = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(only)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
