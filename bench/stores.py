"""The SPARQL stores that the scale bench (bench/scale.py) puts qhfin in front of, each a private server on loopback
holding one synthetic corpus: the Oxigraph server, and Debian's Virtuoso 7 (``make virtuoso`` installs it).

What every store shares lives here once, so that the two set-ups differ only in what really differs between the
two servers (how they are started and how a corpus gets in): a process whose memory is sampled while it runs
(``Process``, ``Peak``), the wait until its SPARQL endpoint answers, and the load, timed. ``STORES`` maps the names
that ``scale.py --stores`` takes to their set-ups.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from run import BIN, free_port

T = TypeVar("T")


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
        self.peak = max(self.peak, rss_tree(self.pid))
        self._stop.set()
        self._thread.join()
        return self.peak


class Process:
    """A server the bench started, its memory sampled from its first moment (a load's peak counts too)."""

    def __init__(self, argv: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=cwd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.memory = Peak(self.process.pid)

    def stop(self) -> int:
        """Ends the server (TERM, which Virtuoso answers with a quick shutdown; KILL after 15 s) and returns its peak memory."""
        peak = self.memory.stop()
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        return peak


@dataclass
class Store:
    """A loaded store: ``name`` heads its row in the report ("oxigraph server"), ``short`` names the qhfin set-ups
    in front of it ("qhfin → oxigraph"), ``endpoint`` is its SPARQL query URL, ``load`` the seconds its load took,
    ``note`` what the report should say about how it was set up."""

    name: str
    short: str
    process: Process
    endpoint: str
    load: float
    note: str = ""


def wait_up(endpoint: str, proc: Process, limit: float) -> None:
    """Until the endpoint answers ``ASK {}`` (its store may still be empty, so no ASK could say true); a server that
    exits or stays silent past ``limit`` seconds is an error, not a hang."""
    query = endpoint + "?query=ASK%7B%7D"
    while time.monotonic() - proc.started < limit:
        if proc.process.poll() is not None:
            raise RuntimeError(f"{endpoint}: the server exited ({proc.process.returncode})")
        try:
            urllib.request.urlopen(urllib.request.Request(query, headers={"Accept": "application/sparql-results+json"}),
                                   timeout=2).read()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{endpoint} not up after {limit} s")


def or_stop(proc: Process, load: Callable[[], T]) -> T:
    """``load()``, stopping the server if it fails: a set-up that fails half-way leaves no server behind."""
    try:
        return load()
    except BaseException:
        proc.stop()
        raise


def start_oxigraph(corpus: Path, work: Path, limit: float) -> Store:
    """``oxigraph serve`` in memory, its default graph the union of the named graphs; the corpus POSTed whole to
    /store as TriG (the server's bulk path)."""
    port = free_port()
    binary = shutil.which("oxigraph") or str(BIN / "oxigraph")
    proc = Process([binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"])
    base = f"http://127.0.0.1:{port}"

    def load() -> float:
        wait_up(base + "/query", proc, limit)
        started = time.monotonic()
        with corpus.open("rb") as data:
            request = urllib.request.Request(base + "/store", data, {"Content-Type": "application/trig",
                                                                      "Content-Length": str(corpus.stat().st_size)},
                                             method="POST")
            urllib.request.urlopen(request, timeout=limit).read()
        return time.monotonic() - started

    return Store("oxigraph server", "oxigraph", proc, base + "/query", or_stop(proc, load),
                 "in memory, `--union-default-graph`; corpus POSTed to /store as TriG")


# A private instance: its own database under build/, loopback ports, the load directory the only one it may read.
# Memory: 170,000 8 KB buffers (about 1.3 GB) is Virtuoso's own suggestion for a machine that gives it 2 GB —
# modest on a 24 GB machine and far above what a 5 M-quad corpus needs. MaxSortedTopRows: the facade asks for
# QHFIN_ROW_LIMIT + 1 rows (10,001 by default) to tell a cut answer, and Virtuoso's default (10,000) refuses an ORDER
# BY with such a LIMIT (SR353). ResultSetMaxRows: the default (10,000) would silently cut both an answer and the
# facade's per-graph CONSTRUCTs. MaxQueryExecutionTime 0: with a limit Virtuoso answers an "anytime" partial result
# with HTTP 200, which no client can tell from a whole one; the facade's own time limit stops waiting instead.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {home}/virtuoso.db
ErrorLogFile = {home}/virtuoso.log
LockFile = {home}/virtuoso.lck
TransactionFile = {home}/virtuoso.trx
xa_persistent_file = {home}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {home}/virtuoso-temp.db
TransactionFile = {home}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {load_dir}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
ThreadsPerQuery = 2
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
MaxSortedTopRows = 1000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 100000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
"""


def isql(sql_port: int, password: str, statements: str, limit: float) -> str:
    """Runs ``statements`` through ``isql-vt`` as dba and returns what it printed; an SQL error is an exception
    (isql-vt prints ``*** Error`` and carries on, so its exit status alone would not tell)."""
    done = subprocess.run(["isql-vt", f"127.0.0.1:{sql_port}", "dba", password, f"exec={statements}"],
                          capture_output=True, text=True, timeout=limit)
    if done.returncode or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql-vt: {statements[:80]}…: {(done.stdout + done.stderr)[-800:]}")
    return done.stdout


def start_virtuoso(corpus: Path, work: Path, limit: float) -> Store:
    """Virtuoso 7 (Debian's ``virtuoso-t``) on a fresh database in ``work``/virtuoso, loaded with the bulk loader:
    the TriG corpus written as N-Quads by pyoxigraph (Virtuoso's TriG reader is the weaker path), then ``ld_dir`` and
    ``rdf_loader_run`` and a checkpoint, all timed as the load. The new database's dba password (``dba``) is replaced
    by a random one first: the SQL port is on loopback, but the machine is shared."""
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        raise SystemExit("virtuoso-t / isql-vt missing: `make virtuoso` installs Debian's virtuoso-opensource")
    home = (work / "virtuoso").resolve()  # Virtuoso reads the paths of its ini from its working directory
    shutil.rmtree(home, ignore_errors=True)
    (home / "load").mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    (home / "virtuoso.ini").write_text(VIRTUOSO_INI.format(home=home, sql_port=sql_port, http_port=http_port,
                                                           load_dir=home / "load"), encoding="utf-8")
    proc = Process(["virtuoso-t", "+foreground", "+configfile", str(home / "virtuoso.ini")], cwd=home)
    load, converted = or_stop(proc, lambda: _load_virtuoso(proc, corpus, home, sql_port,
                                                           f"http://127.0.0.1:{http_port}/sparql", limit))
    return Store("virtuoso server", "virtuoso", proc, f"http://127.0.0.1:{http_port}/sparql", load,
                 f"Virtuoso {virtuoso_version()}, private database under build/, 170,000 buffers; load = TriG → "
                 f"N-Quads ({converted:.1f} s) + `ld_dir` / `rdf_loader_run` / `checkpoint`")


def _load_virtuoso(proc: Process, corpus: Path, home: Path, sql_port: int, endpoint: str,
                   limit: float) -> tuple[float, float]:
    """Waits for the fresh instance, gives dba a random password, loads the corpus; returns the seconds of the load
    (conversion included) and of the conversion alone."""
    wait_up(endpoint, proc, limit)
    password = "qh" + secrets.token_hex(12)  # an SQL identifier: it must not start with a digit
    isql(sql_port, "dba", f"SET PASSWORD dba {password};", 60)
    started = time.monotonic()
    import pyoxigraph as ox

    ox.serialize(ox.parse(path=str(corpus), format=ox.RdfFormat.TRIG), output=str(home / "load" / "corpus.nq"),
                 format=ox.RdfFormat.N_QUADS)
    converted = time.monotonic() - started
    isql(sql_port, password, f"ld_dir('{home / 'load'}', '*.nq', 'urn:qhfin:bench:no-graph'); rdf_loader_run(); "
                             "checkpoint;", limit)
    failed = isql(sql_port, password, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;", 60)
    if "0 Rows." not in failed:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {failed[-800:]}")
    return time.monotonic() - started, converted


def virtuoso_version() -> str:
    """``07.20.3229`` and the like, from the server's own banner."""
    done = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True, timeout=30)
    for line in (done.stdout + done.stderr).splitlines():
        if line.startswith("Version "):
            return line.split()[1]
    return "?"


STORES: dict[str, Callable[[Path, Path, float], Store]] = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}
