"""Faults (issue 6, point 4): what users see when something under the service breaks, and that it recovers.

tests/test_engine_external.py already covers an upstream that is slow (504), answers 500 or HTML (502) and a port
nobody listens on (502). Added here: an upstream that is down and then comes back on the same address, more kinds of
garbage (including XML and JSON bombs), a corrupt graph file at start, a worker killed mid-query, and a read-only or
full disk during a matrix import.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_security import BILLION_LAUGHS
from test_sparql_safety import HEAVY, SIMPLE, _error

from qhfin.config import Config

OK = b'{"head":{},"boolean":true}'
GARBAGE = {  # what the upstream sends: (content type, body)
    "truncated-json": ("application/sparql-results+json", b'{"head":{},"bool'),
    "empty": ("application/sparql-results+json", b""),
    "not-utf-8": ("application/sparql-results+json", b'{"head":{},"boolean":\xff\xfe}'),
    "json-bomb": ("application/sparql-results+json", b"[" * 200_000 + b"]" * 200_000),
    "xml-bomb": ("application/sparql-results+xml",
                 (BILLION_LAUGHS + '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                  "<boolean>&lol9;</boolean></sparql>").encode()),
    "wrong-type": ("image/png", b"\x89PNG\r\n\x1a\n"),
}


class Upstream(BaseHTTPRequestHandler):
    mode = "ok"

    def do_POST(self) -> None:  # noqa: N802 - the name http.server wants
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if Upstream.mode == "hang-up":
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        media_type, body = GARBAGE.get(Upstream.mode, ("application/sparql-results+json", OK))
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return None


def _serve(port: int = 0) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def upstream():
    server = _serve()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


def _ask(client, tag: str):
    return client.get("/sparql", query_string={"query": f"ASK {{ ?s ?p ?o }} # {tag}"})


@pytest.mark.parametrize("mode", [*GARBAGE, "hang-up"])
def test_upstream_garbage_is_a_502_with_a_message_then_recovery(app_with, upstream, mode):
    client = app_with(sparql_endpoint=upstream, time_limit=2.0, result_cache_mb=0).test_client()
    Upstream.mode = mode
    try:
        started = time.monotonic()
        response = _ask(client, mode)
        assert time.monotonic() - started < 5
        assert response.status_code == 502, response.data[:300]
        message = _error(response)["message"]
        assert "上游" in message["zh"] and "upstream" in message["en"]
    finally:
        Upstream.mode = "ok"
    recovered = _ask(client, mode)
    assert recovered.status_code == 200 and json.loads(recovered.data)["boolean"] is True


def test_upstream_down_then_back_on_the_same_address_recovers_without_restart(app_with):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = app_with(sparql_endpoint=f"http://127.0.0.1:{port}/query", time_limit=1.0, result_cache_mb=0).test_client()
    down = _ask(client, "down")
    assert down.status_code == 502 and "cannot be reached" in _error(down)["message"]["en"]
    server = _serve(port)
    try:
        back = _ask(client, "down")
        assert back.status_code == 200 and json.loads(back.data)["boolean"] is True
    finally:
        server.shutdown()
        server.server_close()
    again = _ask(client, "down-again")
    assert again.status_code == 502


# ---------------------------------------------------------------- a corrupt graph file at start

CORRUPT = [
    pytest.param(b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b <not an iri> .\n", 3, id="bad-iri"),
    pytest.param(b"@prefix ex: <http://example.org/> .\n\nex:a ex:b \"\xff\xfe\" .\n", 3, id="not-utf-8"),
    pytest.param(b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:g {\n  ex:a ex:b ex:c .\n", 5, id="truncated"),
    pytest.param(b"@prefix ex: <http://example.org/> .\nex:a ex:b \"1\"^^<http://www.w3.org/2001/XMLSchema#integer\n", 2,
                 id="no-final-dot"),
    pytest.param(b"PK\x03\x04\x00\x00binary", 1, id="binary"),
]


@pytest.mark.parametrize(("content", "line"), CORRUPT)
def test_a_corrupt_graph_file_stops_the_start_naming_file_and_line(tmp_path, content, line):
    from qhfin.serve import StartError, start

    (tmp_path / "qhfin.trig").write_bytes(content)
    with pytest.raises(StartError) as caught:  # the embedded engine's workers refuse it before anything listens
        start(Config.from_env(build_dir=str(tmp_path), sparql_endpoint="", workers=1), lambda engine: None)
    assert f"{tmp_path / 'qhfin.trig'}:{line}" in str(caught.value)


# ---------------------------------------------------------------- a worker killed mid-query


def test_a_worker_killed_mid_query_leaves_the_service_answering(app_with):
    app = app_with(sparql_endpoint="", time_limit=8, heavy_after=5, result_cache_mb=0)
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": SIMPLE + " # warm"}).status_code == 200
    pool = app.extensions["qhfin"].engine.pool
    before = {w.process.pid for w in pool._idle}  # this app's workers only: other apps' are not this test's to kill
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(r=app.test_client().get(
        "/sparql", query_string={"query": HEAVY + " # killed"})))
    thread.start()
    busy: set[int] = set()
    for _ in range(50):  # the worker that took the heavy query is the one no longer idle
        time.sleep(0.05)
        busy = before - {w.process.pid for w in pool._idle}
        if busy:
            break
    assert len(busy) >= 1
    for pid in busy:
        os.kill(pid, signal.SIGKILL)
    thread.join(15)
    killed = result["r"]
    assert killed.status_code == 503 and "worker" in _error(killed)["message"]["en"]
    for i in range(5):
        response = client.get("/sparql", query_string={"query": f"{SIMPLE} # after {i}"})
        assert response.status_code == 200 and json.loads(response.data)["boolean"] is True


def test_a_worker_that_ended_while_idle_is_replaced_and_never_fails_a_query(app_with):
    """The OOM killer (or an operator) ends an idle worker: the next query goes to a live one and answers; the
    dead one is replaced. Before, that query was sent to the dead worker and refused with 503 "the query ended its
    worker", though it had never run."""
    app = app_with(sparql_endpoint="", time_limit=8, result_cache_mb=0)
    client = app.test_client()
    assert client.get("/sparql", query_string={"query": SIMPLE + " # warm"}).status_code == 200
    pool = app.extensions["qhfin"].engine.pool
    idle = list(pool._idle)
    for worker in idle:  # every idle worker: the query cannot be lucky
        os.kill(worker.process.pid, signal.SIGKILL)
    for worker in idle:
        worker.process.join(5)
    response = client.get("/sparql", query_string={"query": SIMPLE + " # after the kill"})
    assert response.status_code == 200 and json.loads(response.data)["boolean"] is True
    assert not {w.process.pid for w in pool._idle} & {w.process.pid for w in idle}


# ---------------------------------------------------------------- read-only or full disk during a matrix import


@pytest.fixture(scope="module")
def project(tmp_path_factory, config, graph):
    """A private copy of the data and an export of its matrix to re-import with one changed lead."""
    from openpyxl import load_workbook

    from qhfin.matrix import matrix
    from qhfin.writers import SHEET, WRITERS

    root = tmp_path_factory.mktemp("faults-project")
    for name in ("source", "ontology", "graph", "shapes"):
        shutil.copytree(config.root / name, root / name)
    project = Config(root=root, build_dir=root / "build")
    path = root / "m.xlsx"
    path.write_bytes(WRITERS["xlsx"](matrix(graph)))
    wb = load_workbook(path)
    wb[SHEET]["F2"] = "青海银行"  # a real change: it would be applied if the disk let it
    wb.save(path)
    return project, path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _disk_full_after(limit: int):
    """Make every file write of this process stop at ``limit`` bytes with EFBIG, as on a full disk."""
    import resource

    saved = resource.getrlimit(resource.RLIMIT_FSIZE), signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, saved[0][1]))
    return lambda: (resource.setrlimit(resource.RLIMIT_FSIZE, saved[0]), signal.signal(signal.SIGXFSZ, saved[1]))


@pytest.mark.slow  # about 40 s: a whole trial build under a file-size limit; run by `make test-slow`
def test_matrix_import_on_a_full_disk_applies_nothing_and_says_why(project, capsys, monkeypatch):
    """The curation file is small and would fit; the rebuilt graph is large and does not: nothing may change."""
    from qhfin.cli import main

    config, path = project
    (config.build_dir).mkdir(exist_ok=True)
    (config.build_dir / "qhfin.trig").write_text("# the build before the import\n", encoding="utf-8")
    before = _snapshot(config.root)
    monkeypatch.setenv("QHFIN_BUILD_DIR", str(config.build_dir))
    monkeypatch.setenv("QHFIN_ROOT", str(config.root))
    import qhfin.curate as curate

    real_build = curate.build

    def build_then_fill_the_disk(*args, **kwargs):
        dataset = real_build(*args, **kwargs)
        if not restore:  # the disk fills up while the import runs
            restore.append(_disk_full_after(64 * 1024))
        return dataset

    restore: list = []
    monkeypatch.setattr(curate, "build", build_then_fill_the_disk)
    try:
        code = main(["matrix", "import", str(path)])
    finally:
        for undo in reversed(restore):
            undo()
    assert code == 1
    err = capsys.readouterr().err
    assert "未作任何修改" in err and "nothing changed" in err and "File too large" in err
    assert _snapshot(config.root) == before


@pytest.mark.slow
def test_matrix_import_on_a_read_only_disk_applies_nothing_and_says_why(project, capsys, monkeypatch):
    from qhfin.cli import main

    config, path = project
    before = _snapshot(config.root)

    def read_only(*args, **kwargs):  # root ignores file modes, so the refusal a read-only mount gives is made here
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(config.graph_dir / "curated"))

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    monkeypatch.setenv("QHFIN_BUILD_DIR", str(config.build_dir))
    monkeypatch.setenv("QHFIN_ROOT", str(config.root))
    assert main(["matrix", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "nothing changed" in err and "Read-only file system" in err
    assert _snapshot(config.root) == before
