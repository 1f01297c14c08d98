"""The external engine when the upstream store misbehaves: down → 502, slow → 504, garbage → 502, each with a
message in both languages; and the service recovers by itself once the upstream does."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from test_sparql_safety import _error


class Upstream(BaseHTTPRequestHandler):
    mode = "ok"

    def do_POST(self) -> None:  # noqa: N802 - the name http.server wants
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if Upstream.mode == "slow":
            time.sleep(3)
        body = b"<html>surprise</html>" if Upstream.mode == "garbage" else b'{"head":{},"boolean":true}'
        status = 500 if Upstream.mode == "error" else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return None


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()


@pytest.fixture()
def client(app_with, upstream):
    return app_with(sparql_endpoint=upstream, time_limit=1.0, result_cache_mb=0).test_client()


def _ask(client, text: str = "ASK { ?s ?p ?o }"):
    return client.get("/sparql", query_string={"query": text})


@pytest.mark.parametrize(("mode", "status"), [("garbage", 502), ("error", 502), ("slow", 504)])
def test_misbehaving_upstream_then_recovery(client, mode, status):
    Upstream.mode = mode
    try:
        response = _ask(client, f"ASK {{ ?s ?p ?o }} # {mode}")
        assert response.status_code == status
        message = _error(response)["message"]
        assert "上游" in message["zh"] and "upstream" in message["en"]
    finally:
        Upstream.mode = "ok"
    time.sleep(0.1)
    recovered = _ask(client, f"ASK {{ ?s ?p ?o }} # {mode}")
    assert recovered.status_code == 200 and json.loads(recovered.data)["boolean"] is True


def test_upstream_down_is_502(app_with):
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = app_with(sparql_endpoint=f"http://127.0.0.1:{port}/query", time_limit=1.0).test_client()
    response = _ask(client)
    assert response.status_code == 502
    assert f"127.0.0.1:{port}" in _error(response)["detail"]


def test_the_guard_runs_before_anything_is_forwarded(client):
    Upstream.mode = "garbage"  # were it forwarded, this would be a 502
    try:
        assert _ask(client, "CLEAR ALL").status_code == 403
        assert _ask(client, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }").status_code == 403
        assert _ask(client, "ASK {").status_code == 400
    finally:
        Upstream.mode = "ok"
