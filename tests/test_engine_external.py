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


def test_a_store_that_is_down_is_said_and_picked_up_again_without_a_restart(app):
    """On an external engine every page reads the store as it is asked: a store that is down gets a 502 with a
    message in both languages (pages and SPARQL alike), and the next request after it is back is answered."""
    import dataclasses

    from api import create_app

    server = ThreadingHTTPServer(("127.0.0.1", 0), Store)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Store.union, Store.down = True, True
    config = dataclasses.replace(app.config["QHFIN"], sparql_endpoint=f"http://127.0.0.1:{server.server_address[1]}/query",
                                 result_cache_mb=0, time_limit=2)
    other = create_app(config)
    try:
        client = other.test_client()
        response = client.get("/api/tasks/4-1-1-1-1", headers={"Accept": "application/json"})
        assert response.status_code == 502 and _error(response)["message"]["zh"] and _error(response)["message"]["en"]
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 502
        Store.down = False
        assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
        # the fake store holds two triples and no task: the page now says so, read from the store as it is
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


def test_a_change_made_in_the_store_shows_within_the_cache_period(app, oxigraph_server):
    """The facade keeps no copy: a name added in the store (by SPARQL Update, as a curator's tool would) is found
    by the pages once QHFIN_CACHE_SECONDS has passed, and gone again once removed — no restart, no reload."""
    import dataclasses
    import time
    import urllib.parse
    import urllib.request

    from api import create_app

    triple = ('<https://w3id.org/qhfin/id/theme/rural-revitalization> '
              '<http://www.w3.org/2004/02/skos/core#altLabel> "测试用新名称"@zh')
    graph = "https://w3id.org/qhfin/id/graph/plan"

    def update(operation: str) -> None:
        body = urllib.parse.urlencode({"update": f"{operation} DATA {{ GRAPH <{graph}> {{ {triple} }} }}"}).encode()
        urllib.request.urlopen(urllib.request.Request(oxigraph_server + "/update", body), timeout=30).read()

    def found() -> list[str]:
        response = client.get("/api/concepts", query_string={"q": "测试用新名称"}, headers={"Accept": "application/json"})
        assert response.status_code == 200
        return [r["id"] for r in response.get_json()["results"]]

    config = dataclasses.replace(app.config["QHFIN"], sparql_endpoint=oxigraph_server + "/query", cache_seconds=1.0)
    other = create_app(config)
    client = other.test_client()
    try:
        assert found() == []
        update("INSERT")
        time.sleep(1.1)
        assert found() == ["https://w3id.org/qhfin/id/theme/rural-revitalization"]
        update("DELETE")
        time.sleep(1.1)
        assert found() == []
    finally:
        update("DELETE")
        other.extensions["qhfin"].close()
