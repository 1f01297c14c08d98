"""One build of the real graph per test session; tests read it, none changes it."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph
from werkzeug.serving import make_server

from qhfin.build import build, union
from qhfin.config import Config
from qhfin.source import parse, read_source

EXAMPLES = Path(__file__).parent / "examples"


class _BufferedClient(FlaskClient):
    """Every test response read whole and its iterable closed (a static file's handle too), as a server does."""

    def open(self, *args, buffered: bool = True, **kwargs):  # type: ignore[override]
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = _BufferedClient


@pytest.fixture(scope="session")
def config() -> Config:
    return Config.from_env()


@pytest.fixture(scope="session")
def source(config: Config) -> str:
    return read_source(config.source_file)


@pytest.fixture(scope="session")
def dataset(config: Config) -> Dataset:
    return build(config)


@pytest.fixture(scope="session")
def graph(dataset: Dataset) -> Graph:
    return union(dataset)


@pytest.fixture(scope="session")
def plan(source: str, graph: Graph):
    from qhfin.namespaces import QHFIN

    run_in = [str(graph.value(r, QHFIN.originalText)) for r in graph.subjects(QHFIN.repairKind, QHFIN.RunInParagraph)]
    return parse(source, run_in)


@pytest.fixture(scope="session")
def app(dataset: Dataset, tmp_path_factory):
    """The web application over this session's build, saved to a private build directory so that a stale
    build/qhfin.trig is never what the tests see (the engine reads that file; the app holds no graph of its own).
    With QHFIN_SPARQL_ENDPOINT set it reads that store, loaded by CI with the same build."""
    from api import create_app
    from qhfin.store import save

    # base_url: the test client's own host, so that its redirects stay inside the app it drives
    config = Config.from_env(build_dir=str(tmp_path_factory.mktemp("app-build")), base_url="http://localhost/")
    save(dataset, config)
    return create_app(config)


@pytest.fixture()
def client(app):
    return app.test_client()


# ---------------------------------------------------------------- SPARQL: both engines (embedded and a real Oxigraph)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oxigraph_server(app):
    """A real Oxigraph server (PyPI ``oxigraph``) on loopback, in memory, loaded with ``qhfin load --to``.
    Without the union default graph: the external engine must get the union by itself."""
    import shutil
    import subprocess
    import time
    import urllib.request

    from qhfin.cli import main

    venv = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "oxigraph"
    binary = shutil.which("oxigraph") or (str(venv) if venv.exists() else None)
    if binary is None:  # installed with the test extras (PyPI oxigraph); CI requires it, a partial set-up skips
        if os.environ.get("CI") or os.environ.get("QHFIN_REQUIRE_BROWSER"):
            pytest.fail("the Oxigraph server (PyPI oxigraph, in the test extras) is not installed")
        pytest.skip("the Oxigraph server is not installed: pip install -e '.[test]' (or make test) brings it")
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    config = app.config["QHFIN"]
    saved = os.environ.get("QHFIN_BUILD_DIR")
    os.environ["QHFIN_BUILD_DIR"] = str(config.build_dir)
    try:
        assert main(["load", "--to", base + "/store"]) == 0
    finally:
        if saved is None:
            del os.environ["QHFIN_BUILD_DIR"]
        else:
            os.environ["QHFIN_BUILD_DIR"] = saved
    yield base
    process.terminate()
    process.wait(10)


def _app_with(app, **changes):
    """A second app over the same build with other settings."""
    import dataclasses

    from api import create_app

    return create_app(dataclasses.replace(app.extensions["qhfin"].config, **changes))


@pytest.fixture(scope="session")
def app_with(app):
    """Make apps with other settings; their engines are closed at the end of the session."""
    made = []

    def make(**changes):
        made.append(_app_with(app, **changes))
        return made[-1]

    yield make
    for other in made:
        other.extensions["qhfin"].close()


@pytest.fixture(scope="session", params=["embedded", "oxigraph"])
def sparql_app(request, app, app_with):
    """The app on each engine: the embedded one, and an external Oxigraph server."""
    if request.param == "embedded":
        return app
    return app_with(sparql_endpoint=request.getfixturevalue("oxigraph_server") + "/query")


@pytest.fixture()
def sparql_client(sparql_app):
    return sparql_app.test_client()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread, for the whole session."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="qhfin-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture()
def listener():
    """A loopback listener that keeps the first bytes of every connection made to it: the URL to put in a query
    that would reach outside, and what reached it (a test asserts it stays empty)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", hits
    stop.set()
    thread.join(2)
    server.close()
