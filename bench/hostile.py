"""``make hostile``: what hostile load does to everyone else, measured on ``qhfin serve`` on loopback (issue 16).

Three runs against one service (as shipped: result cache on), each bounded in time:

1. idle: the medians of ``ASK {}`` and ``/api/measures?theme=乡村振兴`` with nothing else running;
2. heavy: 16 clients sending heavy queries, each text new (a unique comment and literal), and 16 clients asking for
   PNG renders of ever new nodes, while the two light requests are timed again;
3. slow: 260 connections each sending one byte every half second, while a normal request is timed.

The service's memory (PSS of its process tree) is read before and after each run. The bars (issue 16, "Done
when"): light medians within 10× idle or 50 ms under the heavy run; a normal request within 2 s under the slow run;
memory after each run within 20 % of before. Results go to ``bench/hostile-<date>.md``.

    python bench/hostile.py --seconds 20
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, free_port, machine, versions, wait_ready  # noqa: E402
from scale import rss_tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LIGHT = {"ASK {}": "/sparql?query=" + urllib.parse.quote("ASK {}"),
         "/api/measures?theme=乡村振兴": "/api/measures?theme=" + urllib.parse.quote("乡村振兴")}
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER (?c != \"{k}\") }} # {k}"


def get(port: int, path: str, timeout: float = 30) -> tuple[int, float]:
    """(status, seconds); status 0 when no answer came within ``timeout`` (the connection failed or timed out)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": "application/sparql-results+json, application/json"})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started
    finally:
        connection.close()


def light_medians(port: int, seconds: float) -> dict[str, float]:
    """Median latency (ms) of each light request, sampled in turn for ``seconds``."""
    samples: dict[str, list[float]] = {name: [] for name in LIGHT}
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        for name, path in LIGHT.items():
            status, took = get(port, path, timeout=10)
            samples[name].append(took * 1000 if status == 200 else float("inf"))  # no answer: worse than any
        time.sleep(0.05)
    return {name: statistics.median(values) if values else float("nan") for name, values in samples.items()}


def nodes(port: int, count: int) -> list[str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/api/concepts?kind=body,instrument,theme")
    found = [c["id"] for c in json.loads(connection.getresponse().read())["results"]]
    connection.close()
    return found[:count]


def heavy_run(port: int, seconds: float, kinds: tuple[str, ...] = ("queries", "renders")) -> tuple[dict[str, float], dict[str, int]]:
    stop = threading.Event()
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    picture_nodes = nodes(port, 400)

    def count(status: int, kind: str) -> None:
        with lock:
            statuses[f"{kind} {status}"] = statuses.get(f"{kind} {status}", 0) + 1

    def queries(worker: int) -> None:
        k = 0
        while not stop.is_set():
            k += 1
            text = HEAVY.format(k=f"{worker}-{k}-{time.monotonic_ns()}")
            with contextlib.suppress(OSError):
                count(get(port, "/sparql?query=" + urllib.parse.quote(text), timeout=60)[0], "heavy query")

    def renders(worker: int) -> None:
        for node in picture_nodes[worker::16]:
            if stop.is_set():
                return
            with contextlib.suppress(OSError):
                count(get(port, "/api/export/png?node=" + urllib.parse.quote(node), timeout=60)[0], "render")

    threads = [threading.Thread(target=queries, args=(i,), daemon=True) for i in range(16) if "queries" in kinds]
    threads += [threading.Thread(target=renders, args=(i,), daemon=True) for i in range(16) if "renders" in kinds]
    for t in threads:
        t.start()
    time.sleep(1)
    medians = light_medians(port, seconds)
    stop.set()
    for t in threads:
        t.join(70)
    return medians, statuses


def slow_run(port: int, seconds: float, connections: int = 260) -> list[float]:
    slow: list[socket.socket] = []
    for _ in range(connections):
        with contextlib.suppress(OSError):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"G")
            slow.append(s)
    stop = threading.Event()

    def drip() -> None:
        while not stop.is_set():
            for s in slow:
                with contextlib.suppress(OSError):
                    s.send(b"E")
            stop.wait(0.5)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    timings = []
    end = time.monotonic() + seconds
    try:
        while time.monotonic() < end:
            status, took = get(port, LIGHT["/api/measures?theme=乡村振兴"], timeout=30)
            timings.append(took if status == 200 else float("inf"))
            time.sleep(0.5)
    finally:
        stop.set()
        dripper.join(5)
        for s in slow:
            s.close()
    return timings


def settle_memory(pid: int, seconds: float) -> int:
    """The tree's memory once the run's work has ended (the drawing process ends after 5 idle seconds)."""
    time.sleep(seconds)
    return rss_tree(pid)


def run(seconds: float, qhfin: str = str(BIN / "qhfin")) -> dict:
    port = free_port()
    env = dict(os.environ, QHFIN_PORT=str(port))
    process = subprocess.Popen([qhfin, "serve", "--port", str(port)], env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}/sparql", time.monotonic())
        deadline = time.monotonic() + 120
        while get(port, LIGHT["/api/measures?theme=乡村振兴"])[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)  # the pages' graph loads in the background
        idle = light_medians(port, min(seconds, 5))
        memory = {"start": settle_memory(process.pid, 2)}
        heavy, statuses = heavy_run(port, seconds)
        memory["after heavy"] = settle_memory(process.pid, 7)
        slow = slow_run(port, seconds)
        memory["after slow"] = settle_memory(process.pid, 2)
        return {"idle": idle, "heavy": heavy, "statuses": statuses, "slow": slow, "memory": memory,
                "alive": process.poll() is None}
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(30)
        if process.poll() is None:
            process.kill()


def verdicts(result: dict) -> dict[str, bool]:
    """The issue's bars, each a yes or no."""
    light = {name: result["heavy"][name] <= max(10 * result["idle"][name], 50) for name in LIGHT}
    start = result["memory"]["start"]
    return {**{f"heavy: {name} within 10× idle or 50 ms": ok for name, ok in light.items()},
            "slow: every normal request within 2 s": max(result["slow"], default=float("inf")) < 2,
            "memory after each run within 20 % of start": all(v <= 1.2 * start for v in result["memory"].values()),
            "service alive": result["alive"]}


def report(result: dict, seconds: float) -> str:
    lines = [f"# Hostile load — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"{machine()}  ", versions(), "", f"`python bench/hostile.py --seconds {seconds:g}`", "",
             "| light request | idle median ms | under 16 heavy unique queries + 16 renders, median ms | ratio |",
             "|---|---|---|---|"]
    for name in LIGHT:
        idle, heavy = result["idle"][name], result["heavy"][name]
        lines.append(f"| `{name}` | {idle:.1f} | {heavy:.1f} | {heavy / idle:.1f}× |")
    slow = result["slow"]
    lines += ["", f"Under 260 slow connections: {len(slow)} normal requests, median {statistics.median(slow) * 1000:.0f} ms,"
              f" slowest {max(slow) * 1000:.0f} ms.", "",
              "Heavy run answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items())), "",
              "Memory (PSS of the process tree): " + ", ".join(f"{k} {v / 2**20:.0f} MB"
                                                              for k, v in result["memory"].items()), "",
              "| bar | met |", "|---|---|"]
    lines += [f"| {bar} | {'yes' if ok else 'NO'} |" for bar, ok in verdicts(result).items()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the heavy and the slow run")
    parser.add_argument("--qhfin", default=str(BIN / "qhfin"), help="the qhfin command to measure")
    parser.add_argument("--output", default=None, help="where to write the report (default bench/hostile-<date>.md)")
    args = parser.parse_args()
    result = run(args.seconds, args.qhfin)
    text = report(result, args.seconds)
    out = Path(args.output or ROOT / "bench" / f"hostile-{datetime.now(UTC):%Y-%m-%d}.md")
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0 if all(verdicts(result).values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
