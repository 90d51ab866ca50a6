"""Benchmark of the theme model: quality against the textbook baseline, then speed and memory.

Quality is the normalised mutual information (NMI) between themes and human
labels with ``n_themes`` set to the number of labels, on Banking77 (English)
and on the pooled English + Spanish intent sets, where the NMI between themes
and *language* must also stay low. The textbook baseline is scikit-learn's
defaults: ``TfidfVectorizer()`` then ``KMeans(n_clusters=k, random_state=seed)``.
Full runs average three seeds (0, 1, 2) and report the range; ``--quick`` uses
seed 0 only and times 1,000 answers only.

Speed and memory: each size runs in a fresh child process, which builds a
synthetic corpus resampled from the real sentences (see ``themes_data``),
then times ``ThemeModel().fit`` with the default settings (the number of
themes chosen automatically) and reports its peak resident memory. Wall-clock
seconds depend on what else the machine runs, so each figure also carries the
child's CPU seconds and the load average when it started.
"""
from __future__ import annotations

import json
import math
import os
import pathlib
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import themes_data  # noqa: E402

SPEED_TARGETS = {1_000: 3.0, 100_000: 60.0}
MEMORY_TARGET_MB = 2048


def _nmi(a, b) -> float:
    from sklearn.metrics import normalized_mutual_info_score
    return float(normalized_mutual_info_score(a, b))


def _ours(texts, languages, k, seed):
    from analysis.themes import ThemeModel
    labels = ThemeModel(n_themes=k, random_state=seed).fit(texts, languages).labels_
    return [-1 if label is None else label for label in labels]


def _baseline(texts, k, seed):
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    return KMeans(n_clusters=k, random_state=seed).fit_predict(TfidfVectorizer().fit_transform(texts))


def _summary(values):
    return {"mean": round(statistics.mean(values), 4), "min": round(min(values), 4), "max": round(max(values), 4)}


def quality(quick: bool) -> dict:
    """NMI figures, ours and the baseline side by side."""
    seeds = [0] if quick else [0, 1, 2]
    figures = {}
    texts, labels = themes_data.banking77()
    k = len(set(labels))
    ours = [_nmi(labels, _ours(texts, None, k, s)) for s in seeds]
    base = [_nmi(labels, _baseline(texts, k, s)) for s in seeds]
    print(f"themes: banking77 NMI ours {ours} baseline {base}", file=sys.stderr, flush=True)
    figures["nmi_banking77"] = {
        "value": round(statistics.mean(ours), 4), "unit": "NMI", "target": ">= 0.70", "ok": statistics.mean(ours) >= 0.70,
        "baseline": round(statistics.mean(base), 4), "seeds": seeds, "ours_range": _summary(ours),
        "baseline_range": _summary(base), "k": k, "n": len(texts)}
    texts, labels, languages = themes_data.intents_en_es()
    k = len(set(labels))
    ours_runs = [_ours(texts, languages, k, s) for s in seeds]
    base_runs = [_baseline(texts, k, s) for s in seeds]
    ours = [_nmi(labels, run) for run in ours_runs]
    ours_lang = [_nmi(languages, run) for run in ours_runs]
    base = [_nmi(labels, run) for run in base_runs]
    base_lang = [_nmi(languages, run) for run in base_runs]
    print(f"themes: en+es NMI ours {ours} (language {ours_lang}) baseline {base} (language {base_lang})",
          file=sys.stderr, flush=True)
    figures["nmi_intents_en_es"] = {
        "value": round(statistics.mean(ours), 4), "unit": "NMI", "target": ">= 0.60", "ok": statistics.mean(ours) >= 0.60,
        "baseline": round(statistics.mean(base), 4), "seeds": seeds, "ours_range": _summary(ours),
        "baseline_range": _summary(base), "k": k, "n": len(texts)}
    figures["language_nmi_intents_en_es"] = {
        "value": round(statistics.mean(ours_lang), 4), "unit": "NMI with language", "target": "<= 0.10",
        "ok": statistics.mean(ours_lang) <= 0.10, "baseline": round(statistics.mean(base_lang), 4),
        "ours_range": _summary(ours_lang), "baseline_range": _summary(base_lang)}
    return figures


CHILD = r"""
import json, os, resource, sys, time
sys.path[:0] = [{root!r}, {bench!r}]
import themes_data
from analysis.themes import ThemeModel
texts, languages = themes_data.synthetic_answers({n}, seed=0)
stages = {{}}
mark = [time.perf_counter()]
def progress(stage, done, total):
    if done == total:
        now = time.perf_counter()
        stages[stage] = round(stages.get(stage, 0.0) + now - mark[0], 3)
        mark[0] = now
load = os.getloadavg()[0]
cpu_before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
model = ThemeModel(random_state=0).fit(texts, languages, progress=progress)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
print(json.dumps({{"n": {n}, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": usage.ru_maxrss / 1024,
                  "load_average_at_start": load, "themes": model.n_themes_, "stages": stages}}))
"""


def speed(quick: bool) -> dict:
    """Seconds and peak memory at 1k, 10k and 100k answers (1k only when quick), each in a child process."""
    sizes = [1_000] if quick else [1_000, 10_000, 100_000]
    runs = {}
    for n in sizes:
        code = CHILD.format(root=str(HERE.parent), bench=str(HERE), n=n)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        runs[n] = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"themes: n={n} {runs[n]}", file=sys.stderr, flush=True)
    figures = {}
    for n, run in runs.items():
        target = SPEED_TARGETS.get(n)
        figures[f"seconds_{n // 1000}k"] = {
            "value": round(run["seconds"], 2), "unit": "s", "target": f"< {target:g} s" if target else "(growth only)",
            "ok": run["seconds"] < target if target else None, "themes": run["themes"], "stages": run["stages"],
            "cpu_seconds": round(run["cpu_seconds"], 2), "load_average_at_start": round(run["load_average_at_start"], 2),
            "cores": os.cpu_count(), "synthetic": True}
    largest = max(runs)
    figures[f"peak_rss_{largest // 1000}k"] = {
        "value": round(runs[largest]["peak_rss_mb"], 1), "unit": "MB", "target": f"< {MEMORY_TARGET_MB} MB",
        "ok": runs[largest]["peak_rss_mb"] < MEMORY_TARGET_MB,
        "by_n": {str(n): round(r["peak_rss_mb"], 1) for n, r in runs.items()}}
    if len(runs) < 2:
        return figures
    small, big = min(runs), largest
    exponent = math.log(runs[big]["seconds"] / runs[small]["seconds"]) / math.log(big / small)
    figures["time_growth_exponent"] = {
        "value": round(exponent, 2), "unit": f"d log(seconds) / d log(n), {small}..{big}", "target": "<= 1 (near linear)",
        "ok": exponent <= 1.0, "by_n": {str(n): round(r["seconds"], 2) for n, r in runs.items()}}
    return figures


def run(quick: bool) -> dict:
    """All themes figures."""
    figures = quality(quick)
    figures.update(speed(quick))
    return figures


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
