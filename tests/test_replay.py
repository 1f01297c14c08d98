"""Answers replayed before Flask (``api.replay``): the same request gets the same bytes, and nothing else does."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from api.replay import Replay

QUERY = "SELECT ?s WHERE { ?s a <https://w3id.org/qhfin/ontology#Task> } LIMIT 3"


def _whole(response) -> tuple[int, dict, bytes]:
    headers = {k: v for k, v in response.headers.items() if k != "Date"}
    return response.status_code, headers, response.get_data()


def test_a_repeated_request_gets_the_same_status_headers_and_bytes(client):
    for send in (lambda: client.get(f"/sparql?query={quote(QUERY)}", headers={"Accept": "text/csv"}),
                 lambda: client.post("/sparql", data={"query": QUERY}, headers={"Accept": "application/sparql-results+xml"}),
                 lambda: client.post("/sparql", data=QUERY.encode(), content_type="application/sparql-query")):
        first, second = _whole(send()), _whole(send())
        assert first[0] == 200 and first[2].count(b"w3id.org/qhfin") == 3  # a POSTed body still reaches the app whole
        assert first == second
        assert second[1]["Access-Control-Allow-Origin"] == "*" and second[1]["Vary"] == "Accept"


def test_what_the_answer_depends_on_is_part_of_the_key(client):
    csv = client.get(f"/sparql?query={quote(QUERY)}", headers={"Accept": "text/csv"})
    tsv = client.get(f"/sparql?query={quote(QUERY)}", headers={"Accept": "text/tab-separated-values"})
    assert csv.content_type.startswith("text/csv") and tsv.content_type.startswith("text/tab-separated-values")
    one = client.post("/sparql", data={"query": QUERY.replace("LIMIT 3", "LIMIT 1")}).get_json()
    two = client.post("/sparql", data={"query": QUERY.replace("LIMIT 3", "LIMIT 2")}).get_json()
    assert len(one["results"]["bindings"]) == 1 and len(two["results"]["bindings"]) == 2


def test_errors_and_the_service_description_always_go_through_the_app(client):
    for _ in range(2):
        bad = client.get("/sparql?query=SELEC", headers={"Accept": "application/json"})
        assert bad.status_code == 400 and bad.get_json()["error"]["message"]["zh"]
    public = client.application.config["QHFIN"].public_url
    for host in ("a.example", "b.example"):  # the description names the configured address, never the Host header
        described = client.get("/sparql", headers={"Accept": "text/turtle", "Host": host})
        assert f"{public}sparql".encode() in described.get_data() and host.encode() not in described.get_data()


def _counting_app(calls: list, body: bytes = b"x" * 100, status: str = "200 OK", rows: bool = True):
    def app(environ, start_response):
        calls.append(environ["wsgi.input"].read())
        start_response(status, [("Content-Type", "text/plain"), *([("Qhfin-Rows", "1")] if rows else [])])
        return [body]
    return app


def _call(app, path: str = "/sparql", query: str = "q=1", body: bytes = b"", method: str = "GET"):
    seen = {}
    chunks = app({"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "CONTENT_LENGTH": str(len(body)),
                  "wsgi.input": BytesIO(body)}, lambda status, headers, exc_info=None: seen.update(status=status))
    return seen["status"], b"".join(chunks)


def test_the_store_is_bounded_and_drops_the_least_recently_used():
    calls: list = []
    replay = Replay(_counting_app(calls), max_bytes=1000)
    for i in range(30):
        _call(replay, query=f"q={i}")
        assert replay.size <= 1000
    _call(replay, query="q=29")
    assert len(calls) == 30  # the newest was replayed
    _call(replay, query="q=0")
    assert len(calls) == 31  # the oldest had gone


def test_posted_bodies_are_keys_and_reach_the_app_unread():
    calls: list = []
    replay = Replay(_counting_app(calls), max_bytes=10_000)
    for body in (b"query=a", b"query=b", b"query=a"):
        _call(replay, body=body, method="POST")
    assert calls == [b"query=a", b"query=b"]


def test_only_engine_answers_on_the_listed_paths_are_kept_and_none_when_the_cache_is_off():
    for app, path, max_bytes in ((_counting_app, "/api/tasks", 10_000),
                                 (lambda c: _counting_app(c, status="400 BAD REQUEST"), "/sparql", 10_000),
                                 (lambda c: _counting_app(c, rows=False), "/sparql", 10_000),
                                 (_counting_app, "/sparql", 0)):
        calls: list = []
        replay = Replay(app(calls), max_bytes=max_bytes)
        _call(replay, path=path)
        _call(replay, path=path)
        assert len(calls) == 2, (path, max_bytes)


def test_an_answer_is_replayed_only_within_its_graph_version():
    """On an external store the graph may change: a new version (a new time bucket) is answered by the app anew."""
    calls: list = []
    version = ["v1"]
    replay = Replay(_counting_app(calls), max_bytes=10_000, version=lambda: version[0])
    _call(replay)
    _call(replay)
    assert len(calls) == 1
    version[0] = "v2"
    _call(replay)
    _call(replay)
    assert len(calls) == 2 and replay.size > 0
