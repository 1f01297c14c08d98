"""``make scale``: how qhfin grows with the data. For each synthetic corpus (bench/synth.py; about 0.5 M and 5 M
quads by default) it starts, on loopback only,

- a standalone store, and loads the corpus into it: the Oxigraph server (POST /store) by default; asked for
  (``--stores oxigraph virtuoso``, ``make scale-virtuoso``), Debian's Virtuoso 7 beside it (bench/stores.py);
- ``qhfin serve`` on the embedded default (pyoxigraph workers), result cache off, with the corpus as its build;
- ``qhfin serve`` in front of each store as its external engine (``QHFIN_SPARQL_ENDPOINT``);
- ``qhfin serve`` on the embedded engine as it is by default, with the result cache on;
- and, asked for (``--engines external-cached``), in front of each store with the result cache on, as it is by
  default there too (``--engines`` picks the qhfin set-ups; the first three by default);

and reports, for each, the load / start-up time and the peak memory (PSS of the process and its children),
then the median latency of every named query in queries/*.rq (the same text everywhere, parameters written in as
VALUES) and of the REST calls (first call, then the median of repeats: the service memoises their answers), and
whether every set-up's answers have the same size (rows; a REST answer's count): two stores that both answer can
still answer differently. Writes bench/scale-<size>[-<store>]-<date>.md.

    python bench/scale.py --sizes 500000 5000000 --repeats 5
    python bench/scale.py --sizes 500000 --engines external --stores oxigraph virtuoso

All the set-ups run side by side (the queries take turns), so each holds its copy at once: at 5 M quads a qhfin
set-up's pages hold the corpus in rdflib (about 11 GB), so run one there, e.g. ``--engines external``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402
from run import BIN, free_port, wait_ready, workload  # noqa: E402
from scale_report import report  # noqa: E402
from stores import STORES, Process, Store, rss_tree, tree  # noqa: E402,F401  (rss_tree: soak.py and hostile.py)

from qhfin.config import Config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# the REST calls timed; the last two run named queries with their default parameters, which the service binds itself
# (the path on which an external store gets the parameters as qhfin writes them in)
REST = ("/api/measures?theme=乡村振兴", "/api/measures?instrument=两权抵押", "/api/measures?q=普惠",
        "/api/targets", "/api/matrix?format=json", "/api/concepts?q=担保", "/api/tasks/4-1-1-1-1",
        "/queries/upstream-dependencies.json", "/queries/measures-by-theme.json")


def start_qhfin(build_dir: Path, limit: float, endpoint: str = "", cache_mb: int = 0) -> tuple[Process, str, float]:
    port = free_port()
    env = {"QHFIN_BUILD_DIR": str(build_dir), "QHFIN_RESULT_CACHE_MB": str(cache_mb), "QHFIN_TIME_LIMIT": str(limit),
           "QHFIN_HEAVY_AFTER": str(limit), "QHFIN_SPARQL_ENDPOINT": endpoint}
    proc = Process([str(BIN / "qhfin"), "serve", "--port", str(port)], env)
    base = f"http://127.0.0.1:{port}"
    ready = wait_ready(base + "/sparql", proc.started, 3 * limit + 600)
    return proc, base, ready


def pages_ready(base: str, started: float, limit: float) -> float:
    """Seconds from the start until a page's data can be answered (the pages' graph loads after SPARQL is up)."""
    while True:  # 503 "graph-loading" while the load is under way
        status, _, _ = timed(base, "GET", "/api/tasks/4-1-1-1-1", None, {"Accept": "application/json"}, limit)
        if status != 503 or time.monotonic() - started > limit:
            break
        time.sleep(1)
    if status not in (200, 404):
        raise RuntimeError(f"{base}: the pages do not answer (HTTP {status})")
    return time.monotonic() - started


def timed(base: str, method: str, path: str, body: bytes | None, headers: dict,
          timeout: float) -> tuple[int, float, int | None]:
    """Status, milliseconds and the answer's size (``answer_size``) of one request; status 0 when it failed."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(method, urllib.parse.quote(path, safe="/?=&:%"), body, headers)
        response = conn.getresponse()
        answer = response.read()
        ms = (time.perf_counter() - started) * 1000
        return response.status, ms, answer_size(answer) if response.status == 200 else None
    except (OSError, http.client.HTTPException):
        return 0, (time.perf_counter() - started) * 1000, None
    finally:
        conn.close()


def answer_size(body: bytes) -> int | None:
    """How big an answer is, to tell whether two set-ups gave the same one without comparing them term by term
    (blank nodes, the order of a GROUP_CONCAT and a store's own literal forms differ where the answers do not):
    the rows of a SPARQL JSON result; for a REST answer its ``count``, else the items of its ``results`` or ``rows``,
    else of all its lists together (a task's bodies, instruments, themes …). None: not JSON."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return len(data) if isinstance(data, list) else None
    if isinstance(data.get("results"), dict):
        return len(data["results"].get("bindings", []))
    if "boolean" in data:
        return 1
    if isinstance(data.get("count"), int):
        return data["count"]
    for key in ("results", "rows"):
        if isinstance(data.get(key), list):
            return len(data[key])
    return sum(len(v) for v in data.values() if isinstance(v, list))


def query_latencies(urls: dict[str, str], queries: list[tuple[str, str]], repeats: int, timeout: float,
                    pids: tuple[int, ...] = ()) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, int | None]]]:
    """Median ms of each query on each server over ``repeats`` runs after one warm-up each (a failure is shown with
    its status), and the rows of each server's first answer. The servers take turns, query by query and run by run
    (the order rotating), so that a machine that slows down or speeds up during the run (a shared VM does) weighs on
    every server alike.

    A query that fails on a server (past the time limit) is not sent to it again, and the next query waits until
    every server in ``pids`` is idle: neither the Oxigraph server nor Virtuoso (run without its own time limit)
    cancels a query its client gave up on, so it goes on using a core for minutes, and would slow whatever is timed
    next on any server."""
    out: dict[str, dict[str, str]] = {name: {} for name in urls}
    sizes: dict[str, dict[str, int | None]] = {name: {} for name in urls}
    names = list(urls)
    for name, text in queries:
        body = urllib.parse.urlencode({"query": text}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        runs: dict[str, list[tuple[int, float, int | None]]] = {server: [] for server in names}
        for r in range(repeats + 1):
            for server in names[r % len(names):] + names[:r % len(names)]:
                if any(status != 200 for status, _, _ in runs[server]):
                    continue
                url = urls[server]
                runs[server].append(timed(url, "POST", urllib.parse.urlsplit(url).path, body, headers, timeout))
        for server, timings in runs.items():
            bad = [status for status, _, _ in timings if status != 200]
            out[server][name] = f"HTTP {bad[0]}" if bad else f"{statistics.median(ms for _, ms, _ in timings[1:]):.1f}"
            sizes[server][name] = timings[0][2]
        if any(value.startswith("HTTP") for value in (out[server][name] for server in names)):
            settle(pids, 3 * timeout + 600)
    return out, sizes


def cpu_ticks(pid: int) -> int:
    """CPU time (user + system, clock ticks) of ``pid`` and all its descendants."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def settle(pids: tuple[int, ...], limit: float) -> float:
    """Wait until the process trees of ``pids`` use under a tenth of a core (measured over a second), at most
    ``limit`` seconds; returns the seconds waited."""
    started, hz = time.monotonic(), os.sysconf("SC_CLK_TCK")
    before = sum(cpu_ticks(p) for p in pids)
    while time.monotonic() - started < limit:
        time.sleep(1.0)
        now = sum(cpu_ticks(p) for p in pids)
        if now - before < 0.1 * hz:
            break
        before = now
    waited = time.monotonic() - started
    print(f"   (waited {waited:.0f} s for the servers to finish what their clients gave up on)", flush=True)
    return waited


def rest_latencies(base: str, repeats: int, timeout: float) -> tuple[dict[str, str], dict[str, int | None]]:
    """First call and median of the repeats of each REST call, and the size of its first answer."""
    out, sizes = {}, {}
    for path in REST:
        runs = [timed(base, "GET", path, None, {"Accept": "application/json"}, timeout)]
        sizes[path] = runs[0][2]
        if runs[0][0] != 200:
            out[path] = f"HTTP {runs[0][0]}"
            continue
        runs += [timed(base, "GET", path, None, {"Accept": "application/json"}, timeout) for _ in range(repeats)]
        bad = [s for s, _, _ in runs if s != 200]
        out[path] = f"HTTP {bad[0]}" if bad else f"{runs[0][1]:.0f} / {statistics.median(ms for _, ms, _ in runs[1:]):.1f}"
    return out, sizes


def corpus_for(size: int, seed: int) -> tuple[Path, int]:
    build_dir = ROOT / "build" / f"synth-{size}-{seed}"
    path = build_dir / "qhfin.trig"
    if not path.exists():
        synth.main(["--triples", str(size), "--seed", str(seed), "-o", str(path)])
    import pyoxigraph

    return build_dir, sum(1 for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TRIG))


# the qhfin set-ups a run may time (``--engines``): name ({store}: the store it fronts), external, result cache MB
ENGINES = {"embedded": ("qhfin embedded", False, 0), "external": ("qhfin → {store}", True, 0),
           "cached": ("qhfin embedded, cache on", False, 64),
           "external-cached": ("qhfin → {store}, cache on", True, 64)}


def setups(engines: list[str], stores: list[Store]) -> list[tuple[str, Store, bool, int]]:
    """Each qhfin set-up asked for: its name, the store it is compared with (the one it fronts; the embedded ones
    with the first store, the Oxigraph server by default), whether it fronts it, and its result cache in MB. An
    external set-up is run in front of every store."""
    out = []
    for engine in engines:
        name, external, cache_mb = ENGINES[engine]
        for store in stores if external else stores[:1]:
            out.append((name.format(store=store.short), store, external, cache_mb))
    return out


def run_size(size: int, seed: int, repeats: int, limit: float, queries: list[tuple[str, str]],
             engines: list[str], store_names: list[str], note: str = "") -> str:
    """Every server started and loaded first (one after the other, each timed alone), then the queries timed on
    all of them in turns."""
    build_dir, quads = corpus_for(size, seed)
    rows: dict[str, dict] = {}
    procs: dict[str, Process] = {}
    urls: dict[str, str] = {}
    try:
        stores: list[Store] = []
        for store_name in store_names:
            store = STORES[store_name](build_dir / "qhfin.trig", build_dir, limit + 600)
            stores.append(store)
            procs[store.name], urls[store.name] = store.process, store.endpoint
            rows[store.name] = {"load": store.load, "server": store.name, "note": store.note}
            print(f"… {store.name} loaded {quads} quads in {store.load:.1f} s", flush=True)
        for name, store, external, cache_mb in setups(engines, stores):
            print(f"… {name}", flush=True)
            procs[name], base, ready = start_qhfin(build_dir, limit, store.endpoint if external else "", cache_mb)
            # the pages' graph loads in the background; the queries are timed once it is in (not against it)
            rows[name] = {"load": ready, "pages": pages_ready(base, procs[name].started, 3 * limit + 1200),
                          "base": base, "server": store.name}
            urls[name] = base + "/sparql"
        print("… named queries, on every server in turn", flush=True)
        pids = tuple(proc.process.pid for proc in procs.values())
        latencies, sizes = query_latencies(urls, queries, repeats, limit + 5, pids)
        for name in latencies:
            rows[name]["queries"], rows[name]["rows"] = latencies[name], sizes[name]
        for name in rows:
            if "base" in rows[name]:
                settle(pids, 3 * limit + 600)
                rows[name]["rest"], rows[name]["sizes"] = rest_latencies(rows[name]["base"], repeats, limit + 60)
    finally:
        for name, proc in procs.items():
            rows.setdefault(name, {})["peak"] = proc.stop()
    return report(size, seed, quads, repeats, limit, queries, rows, note)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="qhfin scale bench (see the module's docstring)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500_000, 5_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engines", nargs="+", choices=list(ENGINES), default=["embedded", "external", "cached"],
                        help="the qhfin set-ups to run: embedded (cache off), external (in front of each store), "
                             "cached (embedded with the result cache on, the default), external-cached (in front of "
                             "each store with the result cache on, as `qhfin serve` is by default)")
    parser.add_argument("--stores", nargs="+", choices=list(STORES), default=["oxigraph"],
                        help="the standalone stores to load and time, the external set-ups fronting each: oxigraph "
                             "(the default), virtuoso (Debian's virtuoso-opensource: `make virtuoso`)")
    parser.add_argument("--external-only", action="store_true", help="the same as --engines external")
    parser.add_argument("--time-limit", type=float, default=120.0, help="per query, seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    parser.add_argument("--note", default="", help="a line for the report's header: what else ran on the machine")
    args = parser.parse_args(argv)
    # a bounded run (`timeout …`) ends with SIGTERM: as an exit, so that run_size's `finally` stops every server
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    config = Config.from_env()
    if not config.built_graph.exists():
        sys.exit(f"{config.built_graph} is missing: run `make build` first")
    queries = workload(config)
    for size in args.sizes:
        engines = ["external"] if args.external_only else args.engines
        text = run_size(size, args.seed, args.repeats, args.time_limit, queries, engines, args.stores, args.note)
        print(text, flush=True)
        label = "-".join([f"{size / 1e6:g}M"] + [s for s in args.stores if s != "oxigraph"])
        out = args.out / f"scale-{label}-{datetime.now(UTC):%Y-%m-%d}.md"
        out.write_text(text, encoding="utf-8")
        print(f"written: {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
