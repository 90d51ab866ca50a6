"""Page weight, throughput and latency of the survey under gunicorn, beside the framework's ceiling.

Every server runs with the same settings (gunicorn, 2 sync workers, loopback). Ratios are
taken within one run, because these machines are shared and absolute figures drift. Beside
each load's requests/s is the CPU time per request its server's workers and wrk used (from
/proc and the finished wrk's rusage), which says where the machine's time went.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from web_harness import (
    BIN,
    ROOT,
    Served,
    chorus_env,
    fetch,
    fresh_database,
    gunicorn,
    header_bytes,
    page_assets,
    prepare_chorus,
    worker_cpu_seconds,
    wrk,
)

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "es", "zh", "vi", "ar", "ko", "tl", "ht")
BROWSER_ENCODING = "br, gzip, deflate"
PAGE_WEIGHT_TARGET = 20 * 1024


def log(message: str) -> None:
    print(f"  web: {message}", file=sys.stderr, flush=True)


def page_weight(base_url: str) -> dict:
    """Compressed bytes on the wire for the survey and everything it loads, per language."""
    per_language = {}
    for code in LANGUAGES:
        status, headers, body = fetch(f"{base_url}/s/demo?lang={code}", headers={"Accept-Encoding": BROWSER_ENCODING})
        assert status == 200, status
        total = header_bytes(status, headers) + len(body)
        encoding = dict(headers).get("Content-Encoding", "identity")
        html = _decode(body, encoding)
        for asset in page_assets(html):
            a_status, a_headers, a_body = fetch(base_url + asset, headers={"Accept-Encoding": BROWSER_ENCODING})
            assert a_status == 200, (asset, a_status)
            total += header_bytes(a_status, a_headers) + len(a_body)
        per_language[code] = total
    heaviest = max(per_language.values())
    return {
        "survey_page_weight": {
            "value": heaviest, "unit": "bytes (compressed, with headers, all assets)",
            "target": f"< {PAGE_WEIGHT_TARGET} bytes (20 KB)", "ok": heaviest < PAGE_WEIGHT_TARGET,
            "per_language": per_language, "encoding_offered": BROWSER_ENCODING,
        }
    }


def _decode(body: bytes, encoding: str) -> str:
    if encoding == "br":
        import brotli

        body = brotli.decompress(body)
    elif encoding == "gzip":
        import gzip

        body = gzip.decompress(body)
    return body.decode("utf-8")


def survey_post_body(base_url: str) -> tuple[str, str]:
    """A complete survey answer with RESPONSE_ID in place of the UUID, and the session cookie it needs."""
    status, headers, body = fetch(f"{base_url}/s/demo", headers={"Accept-Encoding": "identity"})
    html = body.decode("utf-8")
    cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie" and v.startswith("session="))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    needs = sorted(set(re.findall(r'name="(need_[a-z_]+)"', html)))
    fields = [("csrf_token", token), ("lang", "en"), ("response_id", "RESPONSE_ID"), ("show_errors", ""),
              ("website", ""), ("text_language", "en"), ("barrier", "The bus does not come on Sundays."),
              ("change", "A clinic open in the evening"), ("place", "98118"), ("age_band", "35_44"),
              ("top_three", needs[0].removeprefix("need_")), ("top_three", needs[1].removeprefix("need_"))]
    fields += [(name, "4") for name in needs]
    return urllib.parse.urlencode(fields), cookie


def stored_responses(database_url: str) -> int:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute("SELECT count(*) FROM response").fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM response").fetchone()[0]


ROUNDS = 3  #: each figure is taken in this many rounds, interleaved with its baseline


def throughput(backend: str, workdir: Path, seconds: int) -> dict:
    """GET and POST of the survey beside hello-world and a bare insert, on one backend.

    Beside the GET figure, for reading it, is a bare Flask page carrying a Flask-WTF CSRF
    token (``baseline_apps.csrf_page_app``): the least any form page of a Flask app costs.
    The four servers run side by side, and each ``seconds`` is split into ``ROUNDS``
    rounds of hello, CSRF page, survey GET, bare insert, survey POST, so that a baseline and the
    figure compared with it meet the same machine (these are shared and drift within a
    minute). A ratio is the median of the rounds' ratios; p99 is the worst round's.
    """
    chorus_url = fresh_database(backend, workdir, "chorus_bench")
    prepare_chorus(chorus_url)
    insert_url = fresh_database(backend, workdir, "chorus_bench_insert")
    gzip_only = {"Accept-Encoding": "gzip"}
    each = max(1, round(seconds / ROUNDS))
    with contextlib.ExitStack() as servers:
        hello = servers.enter_context(gunicorn("bench.baseline_apps:hello_app()", chorus_env(chorus_url)))
        csrf_page = servers.enter_context(gunicorn("bench.baseline_apps:csrf_page_app()", chorus_env(chorus_url)))
        insert = servers.enter_context(gunicorn("bench.baseline_apps:insert_app()", chorus_env(insert_url),
                                                ready_method="POST"))
        chorus = servers.enter_context(gunicorn("wsgi:app", chorus_env(chorus_url), ready_path="/healthz"))
        body, cookie = survey_post_body(chorus.url)
        post_env = os.environ | {"CHORUS_BODY": body, "CHORUS_COOKIE": cookie, "CHORUS_PATH": "/s/demo"}
        loads = {
            "hello_get": with_worker_cpu(hello, lambda duration: wrk(hello.url + "/", duration, headers=gzip_only)),
            "csrf_page_get": with_worker_cpu(csrf_page, lambda duration: wrk(csrf_page.url + "/", duration,
                                                                            headers=gzip_only)),
            "survey_get": with_worker_cpu(chorus, lambda duration: wrk(chorus.url + "/s/demo", duration,
                                                                       headers=gzip_only)),
            "insert_post": with_worker_cpu(insert, lambda duration: wrk(insert.url + "/", duration,
                                                                        script=HERE / "wrk_post.lua")),
            "survey_post": with_worker_cpu(chorus, lambda duration: wrk(
                chorus.url + "/s/demo", duration, script=HERE / "wrk_survey_post.lua", env=post_env)),
        }
        for load in loads.values():
            load(1)  # warm up
        load_before = os.getloadavg()[0]  # what else the shared machine was doing, for the reader
        before = stored_responses(chorus_url)
        rounds = [{name: load(each) for name, load in loads.items()} for _ in range(ROUNDS)]
        stored = stored_responses(chorus_url) - before
    results = {name: _combined([r[name] for r in rounds]) for name in loads}
    for name, figures in results.items():
        log(f"{backend} {name}: {figures['requests_per_second']:.0f} req/s, p50 {figures.get('p50_ms')} ms, "
            f"p99 {figures.get('p99_ms')} ms, non-2xx/3xx {figures['non_2xx_3xx']}, CPU per request: "
            f"workers {figures['worker_cpu_ms_per_request']} ms, wrk {figures['wrk_cpu_ms_per_request']} ms")
    get_ratio = _median_ratio(rounds, "survey_get", "hello_get")
    post_ratio = _median_ratio(rounds, "survey_post", "insert_post")
    p99 = max(results["survey_get"]["p99_ms"], results["survey_post"]["p99_ms"])
    # a failed request is answered fast: a load with failures would flatter its side of a ratio
    failed = {name for name, figures in results.items() if figures["non_2xx_3xx"] or figures["socket_errors"]}
    if failed:
        log(f"{backend}: failed requests in {', '.join(sorted(failed))}; the ratios that use them are not met")
    get_ok = get_ratio >= 0.60 and not failed & {"hello_get", "survey_get"}
    post_ok = post_ratio >= 0.50 and not failed & {"insert_post", "survey_post"}
    csrf_page_figures = results["csrf_page_get"] | {
        "what": "a bare Flask page with a Flask-WTF CSRF token (no target)",
        "vs_hello": round(_median_ratio(rounds, "csrf_page_get", "hello_get"), 3),
        "survey_vs_it": round(_median_ratio(rounds, "survey_get", "csrf_page_get"), 3),
    }
    machine = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {os.cpu_count()} CPUs"
    post = results["survey_post"] | {"stored": stored}
    return {
        f"{backend}_survey_get_vs_hello": {"value": round(get_ratio, 3), "unit": "ratio of req/s", "target": ">= 0.60",
                                           "ok": get_ok, "survey": results["survey_get"],
                                           "hello_world": results["hello_get"], "machine": machine,
                                           "worker_cpu_ratio": _cpu_ratio(results["survey_get"], results["hello_get"]),
                                           "csrf_page": csrf_page_figures},
        f"{backend}_survey_post_vs_insert": {"value": round(post_ratio, 3), "unit": "ratio of req/s", "target": ">= 0.50",
                                             "ok": post_ok, "survey": post, "bare_insert": results["insert_post"],
                                             "machine": machine,
                                             "worker_cpu_ratio": _cpu_ratio(post, results["insert_post"])},
        f"{backend}_survey_p99": {"value": p99, "unit": "ms (worst of GET and POST)", "target": "<= 50",
                                  "ok": p99 <= 50,
                                  # the same figure for the baselines: what this machine allows any app
                                  "baselines_p99_ms": {"hello_world": results["hello_get"]["p99_ms"],
                                                       "bare_insert": results["insert_post"]["p99_ms"]}},
        f"{backend}_survey_post_all_stored": {
            "value": stored, "unit": "responses stored", "target": f"every sent request, none twice "
            f"(wrk completed {post['requests']}; up to 32 a run, warm-up included, may finish after it stops counting)",
            "ok": post["non_2xx_3xx"] == 0 and post["requests"] <= stored <= post["requests"] + 32 * (ROUNDS + 1)},
    }


def _median_ratio(rounds: list[dict], load: str, baseline: str) -> float:
    """The median over the rounds of ``load``'s requests/s over ``baseline``'s in the same round."""
    return statistics.median(r[load]["requests_per_second"] / r[baseline]["requests_per_second"] for r in rounds)


def with_worker_cpu(server: Served, load: Callable[[int], dict]) -> Callable[[int], dict]:
    """``load`` with the CPU time the server's workers spent during it added to its figures."""
    def measured(duration: int) -> dict:
        before = worker_cpu_seconds(server.pid)
        figures = load(duration)
        return figures | {"worker_cpu_seconds": worker_cpu_seconds(server.pid) - before}

    return measured


def _cpu_ratio(survey: dict, baseline: dict) -> float:
    """The baseline's worker CPU per request over the survey's: what the ratio of requests/s would
    be if the workers had the CPUs to themselves (information only; wrk shares them here)."""
    return round(baseline["worker_cpu_ms_per_request"] / survey["worker_cpu_ms_per_request"], 3)


def _combined(runs: list[dict]) -> dict:
    """One load's rounds as one figure: requests/s over all rounds, median p50, worst p99, summed counts,
    and the CPU time per request of the server's workers and of wrk over all rounds."""
    requests = sum(run["requests"] for run in runs)
    return {
        "requests_per_second": round(statistics.mean(run["requests_per_second"] for run in runs), 2),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p99_ms": max(run["p99_ms"] for run in runs),
        "rounds": [run["requests_per_second"] for run in runs],
        **{f"{who}_cpu_ms_per_request": round(1000 * sum(run[f"{who}_cpu_seconds"] for run in runs) / requests, 3)
           for who in ("worker", "wrk")},
        **{key: sum(run[key] for run in runs) for key in ("requests", "non_2xx_3xx", "socket_errors")},
    }


LIGHTHOUSE_ATTEMPTS = 2  #: a run that ends without a report (chromium failed to start, say) is tried again


def lighthouse(base_url: str) -> dict:
    """Lighthouse's mobile audit (simulated throttling) of the survey in Debian chromium."""
    for attempt in range(1, LIGHTHOUSE_ATTEMPTS + 1):
        try:
            data = _lighthouse_report(base_url)
            break
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            output = (error.stderr or b"").decode("utf-8", "replace").strip()
            problem = f"{error.__class__.__name__}: {output[-600:]}"
            log(f"Lighthouse run {attempt} of {LIGHTHOUSE_ATTEMPTS} made no report ({problem})")
    else:
        failed = {"value": None, "unit": "score", "target": "100", "ok": False, "error": problem}
        return {"lighthouse_performance": failed, "lighthouse_accessibility": failed}
    scores = {name: round(category["score"] * 100) for name, category in data["categories"].items()}
    metrics = {key: data["audits"][key]["numericValue"] for key in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")}
    return {
        "lighthouse_performance": {"value": scores["performance"], "unit": "score", "target": "100",
                                   "ok": scores["performance"] == 100, "metrics": metrics},
        "lighthouse_accessibility": {"value": scores["accessibility"], "unit": "score", "target": "100",
                                     "ok": scores["accessibility"] == 100},
    }


def _lighthouse_report(base_url: str) -> dict:
    """One Lighthouse run's report (raises when it ends without one)."""
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    flags = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
             "--disable-component-update --disable-sync --no-first-run")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [str(binary), f"{base_url}/s/demo", "--quiet", "--output=json", f"--output-path={report}",
             "--only-categories=performance,accessibility", f"--chrome-flags={flags}"],
            env=os.environ | {"CHROME_PATH": "/usr/bin/chromium"}, check=True, capture_output=True, timeout=300,
        )
        return json.loads(report.read_text())


def run(quick: bool = False) -> dict:
    seconds = 3 if quick else 12
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        sqlite_url = fresh_database("sqlite", workdir, "chorus_pages")
        prepare_chorus(sqlite_url)
        with gunicorn("wsgi:app", chorus_env(sqlite_url), ready_path="/healthz") as (url, _pid):
            figures.update(page_weight(url))
            log("page weight measured; running Lighthouse")
            figures.update(lighthouse(url))
        for backend in ("sqlite", "postgresql"):
            log(f"throughput on {backend}")
            figures.update(throughput(backend, workdir, seconds))
    return figures


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
