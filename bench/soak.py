"""``make soak``: a bounded load run against ``qhfin serve`` on loopback — by default 10 minutes at concurrency 16.

Each client draws, from a seeded mix, a cheap query (one task's triples, a varying LIMIT so that most texts are new
to the result cache), a heavy but finishing query (a named query, a GROUP BY over the whole graph), a query that must
run into the time limit (a three-way cross product), an invalid request (syntax error, update, SERVICE, unknown
task), or a page / REST call. It counts answers by kind and status; every 5xx other than the documented time-limit
answers (503 ``time-limit``, 503 ``busy`` naming ``heavy_workers``) is a failure. It samples the memory (PSS) of
the server and its worker processes (start after warm-up, peak, end) and the median latency of the cheap queries in
each tenth of the run, against their median on the idle service measured first.

    python bench/soak.py --minutes 10 --concurrency 16 --time-limit 2
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, free_port, machine, versions, wait_ready  # noqa: E402
from scale import rss_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "PREFIX qhfin: <https://w3id.org/qhfin/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
HEAVY = ("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
         PREFIX + "SELECT ?task ?body (COUNT(?other) AS ?n) WHERE { ?task qhfin:responsibleBody ?body . "
         "?other qhfin:responsibleBody ?body } GROUP BY ?task ?body ORDER BY DESC(?n) LIMIT 50")
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER (?c != {k}) }}"
INVALID = (("query", "SELEKT * WHERE { ?s ?p ?o }", 400),
           ("query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
           ("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", None),
           ("get", "/api/tasks/9-9-9-9-9", 404),
           ("get", "/api/measures?theme=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E4%B8%BB%E9%A2%98", None))
PAGES = ("/", "/measures?theme=乡村振兴", "/matrix", "/targets", "/id/task/4-1-1-1-1", "/search?q=担保",
         "/api/measures?theme=乡村振兴", "/api/targets", "/api/matrix?format=json", "/queries/tasks-per-body.json",
         "/api/concepts?q=绿色")
MIX = (("cheap", 45), ("heavy", 8), ("time-limited", 4), ("invalid", 13), ("page", 30))


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    statuses: Counter = field(default_factory=Counter)  # (kind, status) → count
    unexpected: list[str] = field(default_factory=list)  # 5xx other than the documented time-limit answers
    cheap: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, ms)
    lock: threading.Lock = field(default_factory=threading.Lock)


def request(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None,
            headers: dict) -> tuple[int, bytes]:
    conn.request(method, urllib.parse.quote(path, safe="/?=&:%"), body, headers)
    response = conn.getresponse()
    return response.status, response.read()


def documented(status: int, body: bytes) -> bool:
    """A 503 the documentation promises under load: the time limit, or the heavy lane full."""
    try:
        error = json.loads(body)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return status == 503 and (error.get("code") == "time-limit"
                              or (error.get("code") == "busy" and error.get("detail") == "heavy_workers"))


def tasks(base: str) -> list[str]:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    query = PREFIX + "SELECT ?t WHERE { ?t a qhfin:Task } ORDER BY ?t LIMIT 2000"
    status, body = request(conn, "POST", "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                           {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    conn.close()
    assert status == 200, body[:300]
    return [b["t"]["value"] for b in json.loads(body)["results"]["bindings"]]


def one(conn, rng: random.Random, kind: str, iris: list[str]) -> tuple[str, int, bytes, float, int | None]:
    """One request of ``kind``; returns (kind, status, body, ms, expected status or None)."""
    expected = None
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    if kind == "cheap":
        text = f"SELECT ?p ?o WHERE {{ <{rng.choice(iris)}> ?p ?o }} LIMIT {rng.randint(1, 2000)}"
        method, path, body, headers, expected = "POST", "/sparql", urllib.parse.urlencode({"query": text}).encode(), form, 200
    elif kind == "heavy":
        method, path, body, headers, expected = ("POST", "/sparql", urllib.parse.urlencode(
            {"query": rng.choice(HEAVY)}).encode(), form, None)
    elif kind == "time-limited":
        text = ENDLESS.format(k=rng.randint(0, 3))  # a few texts: some new, most already known to be heavy
        method, path, body, headers = "POST", "/sparql", urllib.parse.urlencode({"query": text}).encode(), form
    elif kind == "invalid":
        how, what, expected = rng.choice(INVALID)
        if how == "query":
            method, path, body, headers = "POST", "/sparql", urllib.parse.urlencode({"query": what}).encode(), form
        else:
            method, path, body, headers = "GET", what, None, {"Accept": "application/json"}
    else:
        method, path, body, headers = "GET", rng.choice(PAGES), None, {"Accept": "text/html,application/json"}
    started = time.perf_counter()
    status, answer = request(conn, method, path, body, headers)
    return kind, status, answer, (time.perf_counter() - started) * 1000, expected


def idle_median(base: str, iris: list[str], n: int = 40) -> float:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    rng = random.Random(0)
    times = [one(conn, rng, "cheap", iris)[3] for _ in range(n)]
    conn.close()
    return statistics.median(times)


def soak(base: str, seconds: float, concurrency: int = 16, pid: int | None = None, seed: int = 1) -> dict:
    """Run the mix against ``base`` (loopback) for ``seconds``; a summary dict (see ``report``)."""
    host = urllib.parse.urlsplit(base).hostname
    assert host in ("127.0.0.1", "localhost", "::1"), f"loopback only, not {host}"
    iris = tasks(base)
    baseline = idle_median(base, iris)
    pid = pid or os.getpid()
    rss = {"start": rss_tree(pid), "peak": 0, "end": 0}
    tally = Tally()
    stop_at = tally.started + seconds
    kinds = [k for k, weight in MIX for _ in range(weight)]
    parts = urllib.parse.urlsplit(base)

    def client(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        while time.monotonic() < stop_at:
            kind = rng.choice(kinds)
            try:
                kind, status, body, ms, expected = one(conn, rng, kind, iris)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                with tally.lock:
                    tally.statuses[(kind, 0)] += 1
                    tally.unexpected.append(f"{kind}: {type(exc).__name__}: {exc}")
                continue
            with tally.lock:
                tally.statuses[(kind, status)] += 1
                if status >= 500 and not documented(status, body):
                    tally.unexpected.append(f"{kind}: {status} {body[:200]!r}")
                elif expected is not None and status != expected and kind != "heavy" and not documented(status, body):
                    # a documented 503 (busy, time limit) is load shedding, an answer any request may get under load
                    tally.unexpected.append(f"{kind}: expected {expected}, got {status} {body[:120]!r}")
                if kind == "cheap" and status == 200:
                    tally.cheap.append((time.monotonic() - tally.started, ms))
        conn.close()

    def sample() -> None:
        while time.monotonic() < stop_at:
            rss["peak"] = max(rss["peak"], rss_tree(pid))
            time.sleep(1.0)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    threads.append(threading.Thread(target=sample))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - tally.started
    rss["end"] = rss_tree(pid)
    rss["peak"] = max(rss.values())
    windows = []
    for w in range(10):
        lo, hi = elapsed * w / 10, elapsed * (w + 1) / 10
        inside = [ms for at, ms in tally.cheap if lo <= at < hi]
        windows.append(statistics.median(inside) if inside else None)
    return {"seconds": elapsed, "concurrency": concurrency, "requests": sum(tally.statuses.values()),
            "statuses": {f"{k} {s}": n for (k, s), n in sorted(tally.statuses.items())},
            "unexpected": len(tally.unexpected), "unexpected_kinds": sorted(set(tally.unexpected))[:10],
            "rss_mb": {k: v / 2**20 for k, v in rss.items()}, "cheap_idle_ms": baseline,
            "cheap_window_ms": windows,
            "cheap_median_ms": statistics.median(ms for _, ms in tally.cheap) if tally.cheap else None}


def report(summary: dict, settings: str) -> str:
    windows = " · ".join("–" if m is None else f"{m:.1f}" for m in summary["cheap_window_ms"])
    rss = summary["rss_mb"]
    lines = [f"# qhfin soak — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- machine: {machine()}", f"- versions: {versions()}", f"- settings: {settings}",
             f"- {summary['requests']} requests in {summary['seconds']:.0f} s at concurrency {summary['concurrency']} "
             f"({summary['requests'] / summary['seconds']:.0f}/s); mix: " + ", ".join(f"{k} {w}%" for k, w in MIX), "",
             f"**5xx other than the documented time-limit answers, and connection failures: {summary['unexpected']}**",
             "", f"- memory (server and workers, PSS MB): start {rss['start']:.0f} · peak {rss['peak']:.0f} · "
             f"end {rss['end']:.0f}",
             f"- cheap query median: idle {summary['cheap_idle_ms']:.1f} ms; under load "
             f"{summary['cheap_median_ms'] or 0:.1f} ms; per tenth of the run: {windows}", "",
             "| kind | status | count |", "|---|---|---|"]
    lines += [f"| {k.split()[0]} | {k.split()[1]} | {n} |" for k, n in summary["statuses"].items()]
    if summary["unexpected_kinds"]:
        lines += ["", "## Unexpected", "", *[f"- `{u}`" for u in summary["unexpected_kinds"]]]
    return "\n".join(lines) + "\n"


@contextlib.contextmanager
def serve(time_limit: float, env: dict | None = None):
    """``qhfin serve`` on a free loopback port with this time limit; yields (base URL, pid) once it answers."""
    port = free_port()
    env = {**os.environ, **(env or {}), "QHFIN_TIME_LIMIT": str(time_limit), "QHFIN_HOST": "127.0.0.1"}
    started = time.monotonic()
    server = subprocess.Popen([str(BIN / "qhfin"), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base + "/sparql", started, 300)
        while time.monotonic() - started < 300:  # and the pages' graph (loaded after SPARQL answers), so that the
            try:  # start memory figure already holds it
                urllib.request.urlopen(base + "/api/targets", timeout=60).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="qhfin soak run (see the module's docstring)")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=2.0, help="QHFIN_TIME_LIMIT of the served instance")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args(argv)
    with serve(args.time_limit) as (base, pid):
        summary = soak(base, args.minutes * 60, args.concurrency, pid, args.seed)
    text = report(summary, f"qhfin serve, QHFIN_TIME_LIMIT={args.time_limit:g}, other settings default; seed {args.seed}")
    print(text)
    out = args.out / f"soak-{datetime.now(UTC):%Y-%m-%d}.md"
    out.write_text(text, encoding="utf-8")
    print(f"written: {out}")
    return 1 if summary["unexpected"] else 0


if __name__ == "__main__":
    sys.exit(main())
