"""``make bench``: qhfin (embedded engine, all guards and the time limit on) against a standalone Oxigraph server
loaded with the same graph, and a naive Flask + rdflib endpoint as the floor.

The workload is mixed: qhfin's named queries (with their default parameters written in as VALUES, so that every
server gets the very same text), which are also the queries behind the REST calls (measures by theme / instrument /
body, targets, the matrix, concepts, a task). The cold path is measured first (issue 14): every request a text the
service has not seen (a comment ``# n=<counter>`` makes each unique), so neither the guard's decisions nor any
cache help, with the result cache and the replay off; each named query's median is held against the Oxigraph
server's with the bar "≤ 1.3× or + 2 ms". The two servers are up together and take turns (``interleaved``), and
their start-ups are timed in turns too, so that a machine whose speed drifts during the run weighs on both alike.
Then, separately, qhfin with the result cache (and replay) on and the texts repeated, as a site's own pages send
them. Every server runs on loopback; every run is bounded in time. Prints the tables and writes them, with date,
machine and versions, to bench/results-<date>-<time>.md (``BENCH_OUT`` elsewhere; ``BENCH_OUT=-`` writes nothing).
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from report import CACHED, COLD, CONCURRENCY, NAIVE, ORACLE, machine, report, versions  # noqa: F401 - machine, versions: for the other benches

from qhfin.build import union
from qhfin.config import Config
from qhfin.guard import guard
from qhfin.queries import load_queries
from qhfin.resolve import Resolver
from qhfin.sparql import with_bindings
from qhfin.store import load

ROOT = Path(__file__).resolve().parents[1]


SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))  # per cell, after a warm-up
# the c=1 cell gives each query's median: at 8 s a cycle through the 28 queries (0.6 s on the Oxigraph server) came
# round only 13 times, and a median of 13 moved by ±0.3 ms from run to run; three times as long gives ~40 each
C1_SECONDS = float(os.environ.get("BENCH_C1_SECONDS", str(3 * SECONDS)))
NAIVE_SECONDS = float(os.environ.get("BENCH_NAIVE_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))  # turns the Oxigraph server and qhfin take in each cell
STARTS = int(os.environ.get("BENCH_STARTS", "5"))  # start-ups timed per server (median reported; naive: one)
BIN = Path(sys.executable).parent
SETTLE = "/api/impact?node=" + urllib.parse.quote("青海省农担公司")  # waits for the explorer's graph (``Server.settle``)
_unique = itertools.count()  # shared by every client and server: no text is ever sent twice


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workload(config: Config) -> list[tuple[str, str]]:
    resolver = Resolver(union(load(config)))
    return [(q.name, with_bindings(q.text, dict(q.bindings({}, resolver))))
            for q in load_queries(config.queries_dir).values()]


def wait_ready(url: str, started: float, limit: float = 120.0) -> float:
    body = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    while time.monotonic() - started < limit:
        try:
            request = urllib.request.Request(url, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                         "Accept": "application/sparql-results+json"})
            if b"true" in urllib.request.urlopen(request, timeout=2).read():
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.01)  # the resolution of a start-up: every server is asked the same way
    raise RuntimeError(f"{url} not ready after {limit} s")


class Server:
    def __init__(self, name: str, argv: list[str], url: str, env: dict | None = None, after=None) -> None:
        self.name, self.url = name, url
        started = time.monotonic()
        self.process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        if after:
            after(started)
        self.startup = wait_ready(url, started)

    def settle(self, path: str | None, limit: float = 180.0) -> None:
        """Wait until ``path`` answers 200: qhfin builds the explorer's graph in the background a second after it
        starts (a second of the web process's CPU and a worker), which would weigh on the first cells measured;
        a path that needs it waits for it."""
        if path is None:
            return
        url = self.url.rsplit("/", 1)[0] + path
        started = time.monotonic()
        while time.monotonic() - started < limit:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(url, timeout=limit).status == 200:
                    return
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_qhfin(config: Config, cache_mb: int) -> Server:
    port = free_port()
    env = {"QHFIN_RESULT_CACHE_MB": str(cache_mb), "QHFIN_BUILD_DIR": str(config.build_dir)}
    return Server(f"qhfin (cache {'on' if cache_mb else 'off'})", [str(BIN / "qhfin"), "serve", "--port", str(port)],
                  f"http://127.0.0.1:{port}/sparql", env)


def start_oxigraph(config: Config) -> Server:
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def load_data(started: float) -> None:  # start-up includes loading the same file
        for _ in range(1000):
            try:
                data = config.built_graph.read_bytes()
                request = urllib.request.Request(base + "/store", data, {"Content-Type": "application/trig"}, method="POST")
                urllib.request.urlopen(request, timeout=60).read()
                return
            except OSError:
                time.sleep(0.01)  # as wait_ready: the same resolution for every server
        raise RuntimeError("oxigraph did not take the data")

    binary = shutil.which("oxigraph") or str(BIN / "oxigraph")
    return Server("oxigraph server", [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                  base + "/query", after=load_data)


def start_naive(config: Config) -> Server:
    port = free_port()
    return Server(NAIVE, [sys.executable, str(ROOT / "bench" / "naive.py"), str(config.built_graph), str(port)],
                  f"http://127.0.0.1:{port}/sparql")


def run_cell(url: str, queries: list[tuple[str, str]], concurrency: int, seconds: float, unique: bool = True,
             at: list[int] | None = None) -> dict:
    """``concurrency`` clients with kept-alive connections, each cycling through the workload (client k from query
    ``at[k]``, else k) for ``seconds``; ``unique``: every request's text made new by a comment. ``next``: where each
    client stopped, for the cell's next slice (``interleaved``), which goes on as if it had never paused, so slices
    sample the long queries as often as one long cell would."""
    at = at or list(range(concurrency))
    stopped = list(at)
    parts = urllib.parse.urlsplit(url)
    bodies = [(name, urllib.parse.urlencode({"query": text}).encode()) for name, text in queries]
    # a graph asked for as a graph (N-Triples, which every server writes), solutions as solutions
    accepts = {name: "application/n-triples" if guard(text, ()).form in ("CONSTRUCT", "DESCRIBE")
               else "application/sparql-results+json" for name, text in queries}

    def body(i: int) -> tuple[str, bytes]:
        name, encoded = bodies[i % len(bodies)]
        if unique:  # the comment urlencoded as the text's last line: "\n# n=…"
            encoded += b"%0A%23+n%3D" + str(next(_unique)).encode()
        return name, encoded
    latencies: dict[str, list[float]] = {name: [] for name, _ in queries}
    errors: list[str] = []
    count = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        i = at[k]
        while time.monotonic() < stop_at:
            name, payload = body(i)
            i += 1
            stopped[k] = i
            started = time.perf_counter()
            try:
                conn.request("POST", parts.path, payload, {"Content-Type": "application/x-www-form-urlencoded",
                                                        "Accept": accepts[name]})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    response = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                ok, response = False, exc
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    latencies[name].append(elapsed)
                    count[0] += 1
                else:
                    errors.append(f"{name}: {response}")
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**summary([{"latencies": latencies, "count": count[0], "elapsed": time.monotonic() - started,
                        "errors": errors}]), "next": stopped}


def summary(slices: list[dict]) -> dict:
    """One cell from its slices (``run_cell``'s, or several turns of one server, ``interleaved``): requests per
    second over their whole time, every error, and each query's median over every latency."""
    latencies: dict[str, list[float]] = {}
    for piece in slices:
        for name, values in piece["latencies"].items():
            latencies.setdefault(name, []).extend(values)
    errors = [e for piece in slices for e in piece["errors"]]
    return {"rps": sum(p["count"] for p in slices) / sum(p["elapsed"] for p in slices), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:3], "slices": slices,
            "median_ms": {n: statistics.median(v) * 1000 for n, v in latencies.items() if v}}


def interleaved(servers: list[Server], queries, seconds: float, c1_seconds: float,
                unique: bool = True) -> dict[str, dict]:
    """Each concurrency in turn, after a warm-up, the c=1 cell (each query's median) lasting ``c1_seconds``; several
    servers take turns: each cell is cut into ``ROUNDS`` slices that they run in turn (A B A B …), each server's
    slices pooled (``summary``). One after the other, a machine that slowed down or sped up during the run (another
    tenant of the host) weighed on whichever server's turn it was; taking turns, on all alike."""
    for server in servers:
        run_cell(server.url, queries, 2, min(2.0, seconds), unique)
    rounds = ROUNDS if len(servers) > 1 else 1
    slices: dict[str, dict[int, list[dict]]] = {s.name: {c: [] for c in CONCURRENCY} for s in servers}
    for c in CONCURRENCY:
        at: dict[str, list[int] | None] = dict.fromkeys(slices)  # where each client of each server stopped
        for _ in range(rounds):
            for server in servers:
                cell = run_cell(server.url, queries, c, (c1_seconds if c == 1 else seconds) / rounds, unique,
                                at[server.name])
                slices[server.name][c].extend(cell["slices"])
                at[server.name] = cell["next"]
    return {name: {c: summary(pieces) for c, pieces in cells.items()} for name, cells in slices.items()}


def startups(starts: dict[str, Callable[[], Server]], times: int) -> dict[str, list[float]]:
    """Each server started and stopped ``times`` times, in turns, timing how soon its first query answers."""
    timed: dict[str, list[float]] = {name: [] for name in starts}
    for _ in range(times):
        for name, start in starts.items():
            server = start()
            timed[name].append(server.startup)
            server.stop()
    return timed


def main() -> int:
    config = Config.from_env()
    if not config.built_graph.exists():
        sys.exit(f"{config.built_graph} is missing: run `make build` first")
    queries = workload(config)
    import pyoxigraph

    triples = sum(1 for _ in pyoxigraph.parse(path=str(config.built_graph), format=pyoxigraph.RdfFormat.TRIG))
    naive = os.environ.get("BENCH_SKIP_NAIVE") != "1"
    # the cold path: the Oxigraph server and qhfin taking turns; the result cache, apart; the naive endpoint, the floor
    groups = [({ORACLE: lambda: start_oxigraph(config), COLD: lambda: start_qhfin(config, 0)}, SECONDS, C1_SECONDS, True),
              ({CACHED: lambda: start_qhfin(config, 64)}, SECONDS, C1_SECONDS, False),
              *([({NAIVE: lambda: start_naive(config)}, NAIVE_SECONDS, NAIVE_SECONDS, True)] if naive else [])]
    results: dict[str, dict] = {}
    for starts, seconds, c1_seconds, unique in groups:
        print("… " + " / ".join(starts), flush=True)
        servers: list[Server] = []
        try:
            for name, start in starts.items():
                servers.append(start())
                servers[-1].name = name
                servers[-1].settle(SETTLE if name.startswith("qhfin") else None)
            results.update(interleaved(servers, queries, seconds, c1_seconds, unique))
        finally:
            for server in servers:
                server.stop()
    # start-ups in turns, STARTS each (the naive endpoint's, seconds long, once)
    timed = startups({n: s for starts, *_ in groups for n, s in starts.items() if n != NAIVE}, STARTS)
    timed.update(startups({NAIVE: lambda: start_naive(config)}, 1) if naive else {})
    text = report(results, timed, queries, triples,
                  f"each cell {SECONDS:g} s, c=1 {C1_SECONDS:g} s (naive: {NAIVE_SECONDS:g} s) after a warm-up; the "
                  f"Oxigraph server and qhfin's cold path both up, taking turns in {ROUNDS} slices a cell; "
                  f"start-ups: {STARTS} each, in turns")
    print(text)
    target = os.environ.get("BENCH_OUT", str(ROOT / "bench" / f"results-{datetime.now(UTC):%Y-%m-%d-%H%M}.md"))
    if target != "-":
        Path(target).write_text(text, encoding="utf-8")
        print(f"written: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
