"""``make facade``: the stateless facade over a large external store (issue 14's bar: at 5 M quads on a standalone
Oxigraph server, the facade's whole process tree under 400 MB, and every page answering within 5 s of start).

It loads a synthetic corpus (bench/synth.py) into an Oxigraph server on loopback (``--store virtuoso``: a private
Virtuoso, ``make facade-virtuoso``), starts ``qhfin serve`` in front of it (result cache off), and asks each page
once, in order, from the moment the service is started: the time of each page's first answer counts from that
moment, and the peak memory (summed PSS of qhfin's process tree, sampled every 0.25 s from its start) covers all of
them. Writes bench/facade-<size>[-virtuoso]-<date>-<time>.md.

    python bench/facade.py --size 5000000 [--store virtuoso]
"""

from __future__ import annotations

import argparse
import http.client
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import machine, versions  # noqa: E402
from scale import corpus_for, start_qhfin, timed  # noqa: E402
from stores import STORES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("/", "/measures?theme=乡村振兴", "/measures?body=青海银行", "/targets", "/matrix?chapter=5",
         "/id/task/4-1-1-1-1", "/id/body/qinghai-agricultural-credit-guarantee", "/concepts", "/search?q=担保",
         "/api/measures?theme=乡村振兴", "/api/targets", "/api/concepts?q=担保", "/api/tasks/4-1-1-1-1",
         "/api/matrix?format=json&chapter=5", "/queries", "/.well-known/void", "/evaluation", "/explorer",
         "/api/impact?node=青海省农担公司")


def void_counted(base: str, started: float, limit: float) -> float | None:
    """Seconds from the start until VoID gives every figure (no ``Retry-After``: nothing still being counted)."""
    parts = urllib.parse.urlsplit(base)
    while time.monotonic() - started < limit:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=limit)
        try:
            conn.request("GET", "/.well-known/void", headers={"Accept": "text/turtle"})
            response = conn.getresponse()
            body = response.read()
            if response.status == 200 and response.getheader("Retry-After") is None and b"void:triples" in body:
                return time.monotonic() - started
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.5)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--note", default="")
    parser.add_argument("--store", choices=sorted(STORES), default="oxigraph", help="the store the facade is put in front of")
    args = parser.parse_args(argv)
    build_dir, quads = corpus_for(args.size, args.seed)
    store = STORES[args.store](build_dir / "qhfin.trig", build_dir, args.time_limit + 1800)
    rows = []
    try:
        proc, base, ready = start_qhfin(build_dir, args.time_limit, store.endpoint)
        try:
            for path in PAGES:
                status, ms, _ = timed(base, "GET", path, None, {"Accept": "text/html, application/json;q=0.9"},
                                      args.time_limit + 30)
                rows.append((path, status, ms, time.monotonic() - proc.started))
            counted = void_counted(base, proc.started, args.time_limit * 5)
        finally:
            peak = proc.stop()
    finally:
        store_peak = store.process.stop()
    now = datetime.now(UTC)
    lines = [f"# qhfin facade over the {store.name} — {quads:,} quads — {now:%Y-%m-%d %H:%M} UTC", "",
             f"- machine: {machine()}", f"- versions: {versions()}",
             f"- corpus: `python bench/synth.py --triples {args.size} --seed {args.seed}`; loaded into the {store.name} "
             f"in {store.load:.1f} s (its peak memory {store_peak / 2**20:.0f} MB)" + (f"; {store.note}" if store.note else ""),
             "- qhfin: `qhfin serve` with QHFIN_SPARQL_ENDPOINT, result cache off; each page asked once, in order; "
             "times count from qhfin's start" + (f"; {args.note}" if args.note else ""), "",
             f"**Peak memory of qhfin's process tree (PSS): {peak / 2**20:.0f} MB** (bar: 400 MB). "
             f"SPARQL answered {ready:.2f} s after the start. VoID answers at once with what is counted "
             f"(QHFIN_VOID_WAIT) and counts the rest in the background: "
             + (f"its figures were all in {counted:.1f} s after the start." if counted is not None
                else "its figures were not all in by the end of the run."), "",
             "| page | HTTP | first answer ms | answered at s from start |", "|---|---|---|---|"]
    lines += [f"| `{p}` | {s} | {ms:.0f} | {at:.1f} |" for p, s, ms, at in rows]
    size = f"{args.size // 1_000_000 or args.size}{'M' if args.size >= 1_000_000 else ''}"
    out = ROOT / "bench" / f"facade-{size}{'' if args.store == 'oxigraph' else '-' + args.store}-{now:%Y-%m-%d-%H%M}.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
