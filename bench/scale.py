"""``make scale``: how qhfin grows with the data. For each synthetic corpus (bench/synth.py; about 0.5 M and 5 M
quads by default) it starts, on loopback only,

- a standalone Oxigraph server, and loads the corpus into it (POST /store);
- ``qhfin serve`` on the embedded default (pyoxigraph workers), result cache off, with the corpus as its build;
- ``qhfin serve`` on that Oxigraph server as its external engine (``QHFIN_SPARQL_ENDPOINT``);
- ``qhfin serve`` on the embedded engine as it is by default, with the result cache on;
- and, asked for (``--engines external-cached``), on the Oxigraph server with the result cache on, as it is by default
  there too (``--engines`` picks the qhfin set-ups; the first three by default);

and reports, for each, the load / start-up time and the peak memory (PSS of the process and its children),
then the median latency of every named query in queries/*.rq (the same text everywhere, parameters written in as
VALUES) and of the REST calls (first call, then the median of repeats: the service memoises their answers). Writes
bench/scale-<size>-<date>.md.

    python bench/scale.py --sizes 500000 5000000 --repeats 5

All the set-ups run side by side (the queries take turns), so each holds its copy at once: at 5 M quads a qhfin
set-up's pages hold the corpus in rdflib (about 11 GB), so run one there, e.g. ``--engines external``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402
from run import BIN, free_port, machine, versions, wait_ready, workload  # noqa: E402

from qhfin.config import Config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REST = ("/api/measures?theme=乡村振兴", "/api/measures?instrument=两权抵押", "/api/measures?q=普惠",
        "/api/targets", "/api/matrix?format=json", "/api/concepts?q=担保", "/api/tasks/4-1-1-1-1")


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (none when it is gone)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def rss_tree(pid: int) -> int:
    """Memory of ``pid`` and all its descendants in bytes (0 when it is gone), as the sum of their proportional set
    sizes (PSS, /proc/<pid>/smaps_rollup): the graph the query workers share copy-on-write with their forkserver
    counts once, where resident sizes would count it once per process; VmRSS where PSS cannot be read."""
    return sum(_memory(p) for p in tree(pid))


def _memory(pid: int) -> int:
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except OSError:
            continue
    return 0


class Peak:
    """Samples the memory (PSS) of a process tree every ``every`` seconds; ``.peak`` in bytes."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid, self.every, self.peak, self.last = pid, every, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.last = rss_tree(self.pid)
            self.peak = max(self.peak, self.last)
            self._stop.wait(self.every)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


class Process:
    def __init__(self, argv: list[str], env: dict | None = None) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.memory = Peak(self.process.pid)

    def stop(self) -> int:
        peak = self.memory.stop()
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        return peak


def start_oxigraph(corpus: Path, limit: float) -> tuple[Process, str, float]:
    port = free_port()
    binary = shutil.which("oxigraph") or str(BIN / "oxigraph")
    proc = Process([binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"])
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - proc.started < limit:  # up (its store is still empty, so no ASK can say true)
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            time.sleep(0.05)
    started = time.monotonic()
    with corpus.open("rb") as data:
        request = urllib.request.Request(base + "/store", data, {"Content-Type": "application/trig",
                                                                  "Content-Length": str(corpus.stat().st_size)},
                                         method="POST")
        urllib.request.urlopen(request, timeout=limit).read()
    return proc, base, time.monotonic() - started


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
        status, _ = timed(base, "GET", "/api/tasks/4-1-1-1-1", None, {"Accept": "application/json"}, limit)
        if status != 503 or time.monotonic() - started > limit:
            break
        time.sleep(1)
    if status not in (200, 404):
        raise RuntimeError(f"{base}: the pages do not answer (HTTP {status})")
    return time.monotonic() - started


def timed(base: str, method: str, path: str, body: bytes | None, headers: dict, timeout: float) -> tuple[int, float]:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(method, urllib.parse.quote(path, safe="/?=&:%"), body, headers)
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    except (OSError, http.client.HTTPException):
        return 0, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def query_latencies(urls: dict[str, str], queries: list[tuple[str, str]], repeats: int,
                    timeout: float, pids: tuple[int, ...] = ()) -> dict[str, dict[str, str]]:
    """Median ms of each query on each server over ``repeats`` runs after one warm-up each; a failure is shown with
    its status. The servers take turns, query by query and run by run (the order rotating), so that a machine that
    slows down or speeds up during the run (a shared VM does) weighs on every server alike.

    A query that fails on a server (past the time limit) is not sent to it again, and the next query waits until
    every server in ``pids`` is idle: the Oxigraph server cannot cancel a query, so one its client gave up on goes
    on using a core for minutes, and would slow whatever is timed next on any server."""
    out: dict[str, dict[str, str]] = {name: {} for name in urls}
    names = list(urls)
    for name, text in queries:
        body = urllib.parse.urlencode({"query": text}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        runs: dict[str, list[tuple[int, float]]] = {server: [] for server in names}
        for r in range(repeats + 1):
            for server in names[r % len(names):] + names[:r % len(names)]:
                if any(status != 200 for status, _ in runs[server]):
                    continue
                url = urls[server]
                runs[server].append(timed(url, "POST", urllib.parse.urlsplit(url).path, body, headers, timeout))
        for server, timings in runs.items():
            bad = [status for status, _ in timings if status != 200]
            out[server][name] = f"HTTP {bad[0]}" if bad else f"{statistics.median(ms for _, ms in timings[1:]):.1f}"
        if any(value.startswith("HTTP") for value in (out[server][name] for server in names)):
            settle(pids, 3 * timeout + 600)
    return out


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


def rest_latencies(base: str, repeats: int, timeout: float) -> dict[str, str]:
    out = {}
    for path in REST:
        runs = [timed(base, "GET", path, None, {"Accept": "application/json"}, timeout)]
        if runs[0][0] != 200:
            out[path] = f"HTTP {runs[0][0]}"
            continue
        runs += [timed(base, "GET", path, None, {"Accept": "application/json"}, timeout) for _ in range(repeats)]
        bad = [s for s, _ in runs if s != 200]
        out[path] = f"HTTP {bad[0]}" if bad else f"{runs[0][1]:.0f} / {statistics.median(ms for _, ms in runs[1:]):.1f}"
    return out


def corpus_for(size: int, seed: int) -> tuple[Path, int]:
    build_dir = ROOT / "build" / f"synth-{size}-{seed}"
    path = build_dir / "qhfin.trig"
    if not path.exists():
        synth.main(["--triples", str(size), "--seed", str(seed), "-o", str(path)])
    import pyoxigraph

    return build_dir, sum(1 for _ in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TRIG))


# the qhfin set-ups a run may time (``--engines``): name, external (on the Oxigraph server), result cache MB
ENGINES = {"embedded": ("qhfin embedded", False, 0), "external": ("qhfin → oxigraph", True, 0),
           "cached": ("qhfin embedded, cache on", False, 64), "external-cached": ("qhfin → oxigraph, cache on", True, 64)}


def run_size(size: int, seed: int, repeats: int, limit: float, queries: list[tuple[str, str]],
             engines: list[str]) -> str:
    """Every server started and loaded first (one after the other, each timed alone), then the queries timed on
    all of them in turns."""
    build_dir, quads = corpus_for(size, seed)
    rows: dict[str, dict] = {}
    procs: dict[str, Process] = {}
    urls: dict[str, str] = {}
    try:
        procs["oxigraph server"], ox_base, ox_load = start_oxigraph(build_dir / "qhfin.trig", limit + 600)
        print(f"… oxigraph server loaded {quads} quads in {ox_load:.1f} s", flush=True)
        rows["oxigraph server"], urls["oxigraph server"] = {"load": ox_load}, ox_base + "/query"
        for name, external, cache_mb in (ENGINES[e] for e in engines):
            print(f"… {name}", flush=True)
            procs[name], base, ready = start_qhfin(build_dir, limit, ox_base + "/query" if external else "", cache_mb)
            # the pages' graph loads in the background; the queries are timed once it is in (not against it)
            rows[name] = {"load": ready, "pages": pages_ready(base, procs[name].started, 3 * limit + 1200), "base": base}
            urls[name] = base + "/sparql"
        print("… named queries, on every server in turn", flush=True)
        pids = tuple(proc.process.pid for proc in procs.values())
        for name, latencies in query_latencies(urls, queries, repeats, limit + 5, pids).items():
            rows[name]["queries"] = latencies
        for name in rows:
            if "base" in rows[name]:
                settle(pids, 3 * limit + 600)
                rows[name]["rest"] = rest_latencies(rows[name]["base"], repeats, limit + 60)
    finally:
        for name, proc in procs.items():
            rows.setdefault(name, {})["peak"] = proc.stop()
    return report(size, seed, quads, repeats, limit, queries, rows)


def report(size, seed, quads, repeats, limit, queries, rows) -> str:
    names = list(rows)
    lines = [f"# qhfin scale run — {size:,} quads asked, {quads:,} made (seed {seed}) — "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- machine: {machine()}", f"- versions: {versions()}",
             f"- corpus: `python bench/synth.py --triples {size} --seed {seed}`; loopback only; qhfin with "
             f"QHFIN_TIME_LIMIT={limit:g} and the result cache off, except in the set-ups named “cache on” (the "
             f"default: 64 MB), whose repeats of a query are answered from it; medians of {repeats} runs after one warm-up, "
             "the servers taking turns query by query",
             "- qhfin's SPARQL start-up is until its query workers (or the external store) answer; its pages' start-up "
             "adds loading the corpus into the in-memory rdflib graph that the REST calls and pages read, which happens "
             "in the background while SPARQL is already answered; peak memory counts the process and all its children",
             "", "## Load and memory", "", "| server | load / SPARQL ready s | pages ready s | peak memory (PSS) MB |",
             "|---|---|---|---|"]
    if "qhfin embedded" not in rows:
        lines[lines.index("## Load and memory") - 1:lines.index("## Load and memory") - 1] = [
            "- qhfin on the embedded engine (cache off) was not run at this size (`--engines`)"]
    lines += [f"| {n} | {rows[n]['load']:.1f} | {rows[n]['pages']:.1f} | {rows[n]['peak'] / 2**20:.0f} |"
              if "pages" in rows[n] else f"| {n} | {rows[n]['load']:.1f} | – | {rows[n]['peak'] / 2**20:.0f} |"
              for n in names]
    compared = [(title, n) for title, n in (("embedded / server", "qhfin embedded"), ("facade over server", "qhfin → oxigraph"),
                                            ("cache on / server", "qhfin embedded, cache on"),
                                            ("facade, cache on / server", "qhfin → oxigraph, cache on")) if n in rows]
    lines += ["", "## Named queries: median ms", "", "| query | " + " | ".join(names + [t for t, _ in compared]) + " |",
              "|---|" + "---|" * (len(names) + len(compared))]

    def ratio(a: str, b: str) -> str:
        try:
            return f"{float(a) / float(b):.2f}×"
        except (ValueError, ZeroDivisionError):
            return "–"

    for q, _ in queries:
        cells = [rows[n]["queries"].get(q, "–") for n in names]
        server = rows["oxigraph server"]["queries"].get(q, "–")
        lines.append(f"| {q} | " + " | ".join(cells + [ratio(rows[n]["queries"].get(q, "–"), server) for _, n in compared]) + " |")
    rest_names = [n for n in names if "rest" in rows[n]]
    lines += ["", "## REST calls: first call ms / median of repeats ms (memoised)", "",
              "| call | " + " | ".join(rest_names) + " |", "|---|" + "---|" * len(rest_names)]
    lines += [f"| `{p}` | " + " | ".join(rows[n]["rest"][p] for n in rest_names) + " |" for p in REST]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="qhfin scale bench (see the module's docstring)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500_000, 5_000_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--engines", nargs="+", choices=list(ENGINES), default=["embedded", "external", "cached"],
                        help="the qhfin set-ups to run: embedded (cache off), external (on the Oxigraph server), "
                             "cached (embedded with the result cache on, the default), external-cached (on the "
                             "Oxigraph server with the result cache on, as `qhfin serve` is by default)")
    parser.add_argument("--external-only", action="store_true", help="the same as --engines external")
    parser.add_argument("--time-limit", type=float, default=120.0, help="per query, seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "bench")
    args = parser.parse_args(argv)
    config = Config.from_env()
    if not config.built_graph.exists():
        sys.exit(f"{config.built_graph} is missing: run `make build` first")
    queries = workload(config)
    for size in args.sizes:
        engines = ["external"] if args.external_only else args.engines
        text = run_size(size, args.seed, args.repeats, args.time_limit, queries, engines)
        print(text, flush=True)
        label = f"{size / 1e6:g}M"
        out = args.out / f"scale-{label}-{datetime.now(UTC):%Y-%m-%d}.md"
        out.write_text(text, encoding="utf-8")
        print(f"written: {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
