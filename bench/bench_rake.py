"""Raking speed: 1,000,000 respondents on 5 variables in under 5 seconds.

Synthetic respondents with correlated answers on five variables (8, 7, 8, 5 and 4
categories, like place, age band, race/ethnicity, income band and language) and
population margins that differ from the sample by a factor of about exp(N(0, 0.3)) per
category. Timed: :func:`analysis.raking.rake_to_margins` from lists of strings (the
encoding included) to converged weights (tolerance 1e-10); once with equal starting
weights and once with a distinct starting weight per respondent (no two respondents
share a weight, the slowest case). For information, the ``rake`` command line end to
end on a CSV file of 200,000 rows.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time

import numpy as np

from analysis.cli import main as analysis_main
from analysis.raking import rake_to_margins

CARDINALITIES = {"place": 8, "age_band": 7, "race_ethnicity": 8, "income_band": 5, "primary_language": 4}
TARGET_SECONDS = 5.0


def synthetic_raking_problem(n: int, seed: int = 0):
    """Columns of category labels and proportion margins that the sample misses a little."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    data, margins = {}, {}
    for variable, k in CARDINALITIES.items():
        cut = np.sort(rng.normal(size=k - 1))
        noisy = 0.6 * latent + 0.8 * rng.normal(size=n)
        codes = np.searchsorted(cut, noisy)
        labels = np.array([f"{variable}_{j}" for j in range(k)], dtype=object)
        data[variable] = labels[codes].tolist()
        shares = np.bincount(codes, minlength=k) / n * np.exp(rng.normal(0, 0.3, k))
        margins[variable] = {labels[j]: float(shares[j] / shares.sum()) for j in range(k)}
    return data, margins


def time_raking(data, margins, base_weights, repeats: int) -> tuple[float, object]:
    """Best wall-clock time of ``repeats`` rakings, and the last result."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = rake_to_margins(data, margins, base_weights)
        times.append(time.perf_counter() - started)
    return min(times), result


def time_cli(data, margins, n_rows: int) -> float:
    """Seconds for ``python -m analysis rake`` in-process on a CSV of ``n_rows`` rows."""
    with tempfile.TemporaryDirectory() as folder:
        source, margin_file, out = (os.path.join(folder, f) for f in ("in.csv", "m.csv", "out.csv"))
        with open(source, "w", encoding="utf-8") as handle:
            handle.write(",".join(data) + "\n")
            columns = [values[:n_rows] for values in data.values()]
            handle.writelines(",".join(row) + "\n" for row in zip(*columns))
        with open(margin_file, "w", encoding="utf-8") as handle:
            handle.write("variable,category,target\n")
            handle.writelines(f"{v},{c},{t!r}\n" for v, cats in margins.items() for c, t in cats.items())
        stderr, sys.stderr = sys.stderr, open(os.devnull, "w")  # the summary is not the point here
        try:
            started = time.perf_counter()
            status = analysis_main(["rake", source, "--margins", margin_file, "--output", out])
            elapsed = time.perf_counter() - started
        finally:
            sys.stderr.close()
            sys.stderr = stderr
        if status != 0:
            raise RuntimeError("the rake command failed")
        return elapsed


def run(quick: bool) -> dict:
    """Time raking; return the figures."""
    n = 100_000 if quick else 1_000_000
    repeats = 1 if quick else 2
    data, margins = synthetic_raking_problem(n)
    equal_seconds, equal = time_raking(data, margins, None, repeats)
    distinct = np.random.default_rng(1).uniform(0.5, 2.0, n)
    distinct_seconds, varied = time_raking(data, margins, distinct, repeats)
    cli_rows = 20_000 if quick else 200_000
    cli_seconds = time_cli(data, margins, cli_rows)
    note = f"{n:,} respondents x {len(CARDINALITIES)} variables; {os.cpu_count()} CPUs; load {os.getloadavg()[0]:.1f}"
    target = f"< {TARGET_SECONDS:g} s for 1,000,000 x 5" + (" (quick run: smaller)" if quick else "")
    return {
        "rake_seconds_equal_start_weights": {
            "value": round(equal_seconds, 3), "unit": "s", "target": target,
            "ok": None if quick else equal_seconds < TARGET_SECONDS, "n": n,
            "iterations": equal.iterations, "effective_n": round(equal.effective_n, 1), "notes": note,
        },
        "rake_seconds_distinct_start_weights": {
            "value": round(distinct_seconds, 3), "unit": "s", "target": target,
            "ok": None if quick else distinct_seconds < TARGET_SECONDS, "n": n,
            "iterations": varied.iterations, "effective_n": round(varied.effective_n, 1), "notes": note,
        },
        "rake_cli_seconds": {
            "value": round(cli_seconds, 3), "unit": "s", "target": "information only (CSV in and out)",
            "ok": None, "n": cli_rows,
        },
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
