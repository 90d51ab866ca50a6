"""Run every benchmark under bench/ and print one JSON object of figures at the end.

Each ``bench/bench_<name>.py`` module defines ``run(quick: bool) -> dict`` returning
``{figure_name: {"value": number|None, "unit": str, "target": str, "ok": bool|None, ...}}``
(extra keys such as ``baseline`` or ``notes`` are welcome). Progress goes to standard
error; the final JSON object goes to standard output.

    ./run bench                 every benchmark, full size
    ./run bench --quick         smaller sizes, for a smoke run
    ./run bench themes rake     only the named benchmarks
"""
from __future__ import annotations

import argparse
import importlib
import json
import pathlib
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def discover() -> list[str]:
    """Names of the benchmark modules, in a stable order."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    names = args.names or discover()
    figures: dict[str, dict] = {}
    failed = []
    for name in names:
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench_{name}")
            for key, figure in module.run(quick=args.quick).items():
                figures[f"{name}.{key}"] = figure
        except Exception:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            failed.append(name)
        print(f"bench: {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    missed = sorted(k for k, f in figures.items() if f.get("ok") is False)
    summary = {"figures": figures, "targets_missed": missed, "benchmarks_failed": failed}
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
