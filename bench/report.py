"""The tables of ``make bench`` (``bench/run.py``): the cold path per named query against the Oxigraph server with
the bar of issue 14, mixed throughput, start-up, and the result cache reported apart."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

CONCURRENCY = (1, 4, 16)
BAR_RATIO, BAR_MS = 1.3, 2.0  # issue 14: a new text answered within 1.3× the Oxigraph server's time, or 2 ms more
COLD, CACHED = "qhfin (cold: new texts)", "qhfin (cache on: repeated texts)"
ORACLE = "oxigraph server"
NAIVE = "naive flask+rdflib"


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    return f"{platform.node()} · {platform.system()} {platform.release()} · {cpu} · {os.cpu_count()} cores"


def versions() -> str:
    names = ("pyoxigraph", "oxigraph", "rdflib", "flask", "waitress")
    found = []
    for n in names:
        try:
            found.append(f"{n} {version(n)}")
        except Exception:  # noqa: BLE001 - a missing package is reported as such
            found.append(f"{n} ?")
    return f"Python {platform.python_version()} · " + " · ".join(found)


def _bar(mine: float, theirs: float) -> str:
    ok = mine <= theirs * BAR_RATIO or mine <= theirs + BAR_MS
    return "yes" if ok else "**no**"


def _latencies(results: dict, server: str, queries, title: str) -> list[str]:
    """Each named query's median at c=1 against the Oxigraph server's, with the bar."""
    ox, mine = results[ORACLE][1]["median_ms"], results[server][1]["median_ms"]
    lines = [title, "", f"| query | {ORACLE} ms | {server} ms | ratio | difference | ≤ {BAR_RATIO:g}× or + {BAR_MS:g} ms |",
             "|---|---|---|---|---|---|"]
    passed = 0
    for name, _ in queries:
        a, b = ox.get(name), mine.get(name)
        if a is None or b is None:
            lines.append(f"| {name} | {'–' if a is None else f'{a:.1f}'} | {'–' if b is None else f'{b:.1f}'} | – | – | – |")
            continue
        passed += _bar(b, a) == "yes"
        lines.append(f"| {name} | {a:.1f} | {b:.1f} | {b / a:.2f}× | {b - a:+.1f} ms | {_bar(b, a)} |")
    return [*lines, "", f"{passed} of {len(queries)} named queries within the bar.", ""]


def _throughput(results: dict, servers: list[str]) -> list[str]:
    lines = ["| server | " + " | ".join(f"c={c}" for c in CONCURRENCY) + " |", "|---|" + "---|" * len(CONCURRENCY)]
    for name in servers:
        cells = results[name]
        lines.append(f"| {name} | " + " | ".join(f"{cells[c]['rps']:.0f} ({cells[c]['errors']})" for c in CONCURRENCY) + " |")
        if name != ORACLE:
            lines.append(f"| ↳ against {ORACLE} | " + " | ".join(
                f"{cells[c]['rps'] / results[ORACLE][c]['rps']:.2f}×" if results[ORACLE][c]["rps"] else "–"
                for c in CONCURRENCY) + " |")
    return [*lines, ""]


def report(results: dict, startups: dict[str, list[float]], queries, triples: int, timing: str) -> str:
    """The tables, as Markdown: the cold path first, the result cache apart."""
    lines = [f"# qhfin SPARQL benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- machine: {machine()}", f"- versions: {versions()}",
             f"- data: build/qhfin.trig, {triples} quads; workload: {len(queries)} queries ({', '.join(n for n, _ in queries)})",
             f"- {timing}; clients with kept-alive connections on the same machine; qhfin with every guard on", ""]
    if COLD in results:
        lines += _latencies(results, COLD, queries, "## The cold path: every request a new text (median at c=1)")
        lines += ["## Mixed throughput, every request a new text (requests/s; errors in brackets)", "",
                  *_throughput(results, [ORACLE, COLD, *(n for n in results if n.startswith("naive"))])]
    lines += ["## Start-up, until the first query answers (s; median, min–max)", "",
              "| server | start-up | against the Oxigraph server |", "|---|---|---|"]
    ox_start = statistics.median(startups[ORACLE])
    for name, times in startups.items():
        median = statistics.median(times)
        lines.append(f"| {name} | {median:.2f} ({min(times):.2f}–{max(times):.2f}) | {median / ox_start:.2f}× |")
    lines.append("")
    if CACHED in results:
        lines += ["## Result cache and replay on, the same texts repeated (reported apart: not the cold path)", "",
                  *_throughput(results, [ORACLE, CACHED])]
        lines += _latencies(results, CACHED, queries, "Median at c=1, repeated texts:")
    errors = [f"{s} c={c}: {cells[c]['error_kinds']}" for s, cells in results.items() for c in CONCURRENCY if cells[c]["errors"]]
    if errors:
        lines += ["## Errors", "", *[f"- {e}" for e in errors], ""]
    return "\n".join(lines)
