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
    server.server_close()


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


class Store(BaseHTTPRequestHandler):
    """A store of two named graphs answering like a SPARQL endpoint; its default graph is their union or empty."""

    union = True
    down = False
    seen: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 - the name http.server wants
        from urllib.parse import parse_qs

        import pyoxigraph as ox

        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        Store.seen.append(form)
        store = ox.Store()
        for g in ("https://w3id.org/qhfin/id/graph/stated", "https://w3id.org/qhfin/id/graph/plan"):
            store.add(ox.Quad(ox.NamedNode("http://example.org/" + g[-4:]), ox.NamedNode("http://example.org/in"),
                              ox.Literal(g), ox.NamedNode(g)))
        options: dict = {}
        if "default-graph-uri" in form:
            options = {"default_graph": [ox.NamedNode(g) for g in form["default-graph-uri"]],
                       "named_graphs": [ox.NamedNode(g) for g in form.get("named-graph-uri", [])]}
        elif Store.union:
            options = {"use_default_graph_as_union": True}
        if Store.down:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        result = store.query(form["query"][0], **options)
        if isinstance(result, ox.QueryTriples):
            body, media = result.serialize(format=ox.RdfFormat.N_TRIPLES), "application/n-triples"
        else:
            body, media = result.serialize(format=ox.QueryResultsFormat.JSON), "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        return None


@pytest.mark.parametrize("union", [True, False])
def test_the_union_default_graph_is_used_when_the_upstream_has_one(app_with, union):
    """Both ways the same answer; naming every graph (slower on Oxigraph) only when the store's default graph is
    not already their union."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Store.union, Store.seen = union, []
    try:
        client = app_with(sparql_endpoint=f"http://127.0.0.1:{server.server_address[1]}/query",
                          result_cache_mb=0).test_client()
        response = client.get("/sparql", query_string={"query": "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"})
        assert [b["o"]["value"] for b in json.loads(response.data)["results"]["bindings"]] == [
            "https://w3id.org/qhfin/id/graph/plan", "https://w3id.org/qhfin/id/graph/stated"]
        assert ("default-graph-uri" in Store.seen[-1]) is not union
        forced = app_with(sparql_endpoint=f"http://127.0.0.1:{server.server_address[1]}/query", result_cache_mb=0,
                          upstream_union="no").test_client()
        assert forced.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        assert "default-graph-uri" in Store.seen[-1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow  # a minute of a store going down and coming back: `make test-slow`
def test_the_pages_read_the_external_store_and_wait_for_it_when_it_is_down(app):
    """On an external engine the pages' graph comes from that store, not from a local build; a store that is down
    at start gets a 503 with a message for the pages (SPARQL: 502), and the service picks the data up without a
    restart once the store answers."""
    import dataclasses

    from api import create_app

    server = ThreadingHTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Store.union, Store.down = True, True
    config = dataclasses.replace(app.config["QHFIN"], sparql_endpoint=f"http://127.0.0.1:{server.server_address[1]}/query",
                                 result_cache_mb=0, time_limit=0.5)
    other = create_app(config)
    try:
        client = other.test_client()
        response = client.get("/api/tasks/4-1-1-1-1", headers={"Accept": "application/json"})
        assert response.status_code == 503 and "尚未载入" in _error(response)["message"]["zh"]
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 502
        Store.down = False
        assert other.extensions["qhfin"].wait(30)
        graph = other.extensions["qhfin"].graph
        assert len(graph) == 2 and {str(o) for o in graph.objects()} == {
            "https://w3id.org/qhfin/id/graph/stated", "https://w3id.org/qhfin/id/graph/plan"}
        assert client.get("/api/tasks/4-1-1-1-1", headers={"Accept": "application/json"}).status_code == 404
    finally:
        Store.down = False
        other.extensions["qhfin"].close()
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("limit", [0, 2, 3, 10])
def test_an_upstream_document_is_cut_the_same_however_it_is_laid_out(indent, limit):
    """An Oxigraph server's compact JSON is cut where a row opens; another store's pretty-printed JSON is written
    anew: both give the same rows, the same count and the same ``truncated``, and literals that look like JSON
    structure do not fool either."""
    from qhfin.serialize import select_json

    rows = [{"s": {"type": "uri", "value": f"http://example.org/{i}"},
             "o": {"type": "literal", "value": f'x,{{"y":{i}}}]}}'}} for i in range(3)]
    document = {"head": {"vars": ["s", "o"]}, "results": {"bindings": rows}}
    text = json.dumps(document, indent=indent, separators=None if indent else (",", ":"), ensure_ascii=False)
    answer = select_json(text.encode("utf-8"), limit)
    out = json.loads(answer.body)
    assert out["results"]["bindings"] == rows[:limit] and out["head"] == document["head"]
    assert answer.rows == min(3, limit) and out["truncated"] is answer.truncated is (limit < 3)
