"""Serving Chorus and the baselines under gunicorn, and loading them with wrk, for the benchmarks."""
from __future__ import annotations

import contextlib
import http.client
import os
import re
import resource
import socket
import subprocess
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chorus_env(database_url: str) -> dict:
    """Environment for a production-like Chorus on plain HTTP loopback."""
    return os.environ | {
        "CHORUS_ENV": "production", "SECRET_KEY": "bench-only-secret", "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": database_url, "FLASK_APP": "webapp", "PYTHONPATH": str(ROOT),
    }


def fresh_database(backend: str, workdir: Path, name: str = "chorus_bench", server: str = POSTGRES) -> str:
    """An empty database: a new SQLite file, or a dropped and re-created PostgreSQL database on ``server``."""
    if backend == "sqlite":
        path = workdir / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def prepare_chorus(database_url: str) -> None:
    """Migrate and seed the demo campaign."""
    env = chorus_env(database_url)
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([BIN / "flask", *command], env=env, cwd=ROOT, check=True, capture_output=True)


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, workers: int = 2, ready_path: str = "/", ready_method: str = "GET",
             log_path: Path | None = None):
    """Serve ``app_spec`` on a free loopback port; yield (base URL, master pid)."""
    port = free_port()
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL
    process = subprocess.Popen(
        [BIN / "gunicorn", "--config", "python:webapp.serving", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _headers, _body = fetch(url + ready_path, method=ready_method)
                if status < 500:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn {app_spec} did not start (exit {process.poll()})")
            time.sleep(0.2)
        yield Served(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log_path:
            log.close()


class Served(NamedTuple):
    url: str
    pid: int


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time (user and system) used so far by the processes ``master_pid`` forked: gunicorn's workers."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == master_pid:  # the parent's pid; utime and stime follow ten fields later
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def fetch(url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers, raw body bytes as sent) — no decompression, so lengths are wire lengths."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path or "/", body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


_LATENCY = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, seconds: int, connections: int = 32, threads: int = 2, script: Path | None = None,
        headers: dict | None = None, env: dict | None = None) -> dict:
    """Run wrk; return requests/s, latency percentiles (ms), counts and errors."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    used_before = _children_cpu_seconds()
    output = subprocess.run(command + [url], capture_output=True, text=True, env=env, check=True).stdout
    wrk_cpu = _children_cpu_seconds() - used_before
    latency = {f"p{p}_ms": round(float(v) * _UNITS[u], 3) for p, v, u in _LATENCY.findall(output)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        **latency,
        "requests": requests,
        "non_2xx_3xx": int(non_ok.group(1)) if non_ok else 0,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        "wrk_cpu_seconds": round(wrk_cpu, 3),
    }


def _children_cpu_seconds() -> float:
    """CPU time used by the finished child processes this one waited for (wrk's, once it has run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or ""):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


def page_assets(html: str) -> list[str]:
    """Stylesheets, scripts and images a page loads."""
    parser = _Assets()
    parser.feed(html)
    return parser.urls


def header_bytes(status: int, headers: list[tuple[str, str]]) -> int:
    """Size of the status line and headers as sent over HTTP/1.1."""
    return len(f"HTTP/1.1 {status} OK\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in headers) + 2
