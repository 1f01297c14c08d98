"""A public endpoint meets hostile queries: it stays read-only, reaches nothing outside its dataset, keeps to its
time, row and size limits, and keeps answering simple queries while heavy ones run."""

from __future__ import annotations

import csv
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SIMPLE = "ASK { ?s ?p ?o }"


def _error(response) -> dict:
    return json.loads(response.data)["error"]


@pytest.mark.parametrize("text", [
    pytest.param("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }", id="insert"),
    pytest.param("DELETE WHERE { ?s ?p ?o }", id="delete"),
    pytest.param("CLEAR ALL", id="clear"),
    pytest.param("LOAD <file:///etc/passwd>", id="load-file"),
    pytest.param("DROP ALL", id="drop"),
])
def test_updates_are_refused_with_403(sparql_client, text):
    for response in (sparql_client.get("/sparql", query_string={"query": text}),
                     sparql_client.post("/sparql", data=text, content_type="application/sparql-update"),
                     sparql_client.post("/sparql", data={"update": text})):
        assert response.status_code == 403
        assert "只读" in _error(response)["message"]["zh"] and "read-only" in _error(response)["message"]["en"]
    assert sparql_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200


@pytest.mark.parametrize("template", [
    pytest.param("SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}", id="service"),
    pytest.param("SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}", id="service-silent"),
    pytest.param("SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SELECT * WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }} }} }} LIMIT 1", id="service-nested"),
    pytest.param("SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}", id="from"),
    pytest.param("SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", id="from-named"),
    pytest.param("LOAD <{url}/data.ttl>", id="load"),
])
def test_nothing_outside_is_ever_contacted(sparql_client, listener, template):
    url, hits = listener
    response = sparql_client.get("/sparql", query_string={"query": template.format(url=url)})
    assert response.status_code == 403
    time.sleep(0.3)
    assert hits == []


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
def test_protocol_dataset_outside_is_refused(sparql_client, listener, param):
    url, hits = listener
    response = sparql_client.get(f"/sparql?query={quote('SELECT * WHERE { ?s ?p ?o } LIMIT 1')}&{param}={quote(url)}")
    assert response.status_code == 403
    time.sleep(0.3)
    assert hits == []


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
])
def test_local_files_are_never_read(sparql_client, query):
    response = sparql_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403
    assert b"root:" not in response.data
    assert "file:///etc/passwd" in _error(response).get("detail", "") or "SERVICE" in _error(response)["message"]["en"]


def test_time_limit_is_enforced_and_named(app_with):
    client = app_with(sparql_endpoint="", time_limit=0.5, result_cache_mb=0).test_client()  # the embedded engine
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": HEAVY})
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    error = _error(response)
    assert "QHFIN_TIME_LIMIT" in error["message"]["zh"] and "QHFIN_TIME_LIMIT" in error["message"]["en"]
    assert client.get("/sparql", query_string={"query": SIMPLE}).status_code == 200  # a fresh worker took over


SRX = "http://www.w3.org/2005/sparql-results#"


def test_row_cap_is_explicit(app_with):
    client = app_with(row_limit=5).test_client()
    cut = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(json.loads(cut.data)["results"]["bindings"]) == 5
    assert json.loads(cut.data)["truncated"] is True and cut.headers["Qhfin-Truncated"] == "true"
    whole = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert json.loads(whole.data)["truncated"] is False and whole.headers["Qhfin-Truncated"] == "false"
    rows = {"text/csv": lambda body: len(list(csv.reader(io.StringIO(body.decode(), newline="")))) - 1,
            "text/tab-separated-values": lambda body: body.count(b"\n") - 1,
            "application/sparql-results+xml": lambda body: len(ElementTree.fromstring(body).findall(f"{{{SRX}}}results/{{{SRX}}}result"))}
    for accept, count in rows.items():  # each format counted and cut the same way; within the limit, nothing cut
        cut = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": accept})
        assert count(cut.data) == 5 and cut.headers["Qhfin-Truncated"] == "true", accept
        whole = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 4"}, headers={"Accept": accept})
        assert count(whole.data) == 4 and whole.headers["Qhfin-Truncated"] == "false" and whole.headers["Qhfin-Rows"] == "4"
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/n-triples"})
    assert len(graph.data.strip().splitlines()) == 5 and graph.headers["Qhfin-Truncated"] == "true"
    graph = client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 4"},
                       headers={"Accept": "application/n-triples"})  # within the limit: pyoxigraph's own writer, counted
    assert len(graph.data.strip().splitlines()) == 4 == int(graph.headers["Qhfin-Rows"])
    assert graph.headers["Qhfin-Truncated"] == "false"


def test_request_body_over_the_body_limit_is_413(sparql_client):
    body = "ASK {} #" + "x" * (5 * 1024 * 1024)
    assert sparql_client.post("/sparql", data=body, content_type="application/sparql-query").status_code == 413


def test_query_text_over_the_limit_is_413_and_names_it(sparql_client):
    text = "ASK {} #" + "x" * (1024 * 1024 + 10)
    response = sparql_client.post("/sparql", data={"query": text})
    assert response.status_code == 413
    assert "QHFIN_QUERY_SIZE_LIMIT" in _error(response)["message"]["en"]


def test_a_140_kb_values_list_is_answered(sparql_client):
    """Integrators' VALUES lists run past the old 64 KB limit (issue 14: a 140 KB query was refused)."""
    values = " ".join(f"<https://w3id.org/qhfin/id/task/x-{i:06d}>" for i in range(3500))
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?t {{ {values} }} }}"
    assert len(text) > 140_000
    response = sparql_client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data[:300]
    assert response.get_json()["results"]["bindings"][0]["n"]["value"] == "3500"


def test_simple_queries_are_answered_during_a_burst_of_heavy_ones(app_with):
    """Eight different heavy queries at once: each leaves the fast lane after heavy_after, the heavy lane takes one,
    the others are ended; meanwhile the simple queries the site runs all the time (known to be quick, so served
    first) keep being answered. The result cache is off, so every answer is computed."""
    client_app = app_with(sparql_endpoint="", time_limit=4, heavy_after=0.3, heavy_workers=1, workers=2, result_cache_mb=0)
    for i in range(5):
        assert client_app.test_client().get("/sparql", query_string={"query": SIMPLE + f" # {i}"}).status_code == 200

    def heavy(i: int) -> int:
        return client_app.test_client().get("/sparql", query_string={"query": HEAVY + f" # {i}"}).status_code

    with ThreadPoolExecutor(8) as pool:
        burst = [pool.submit(heavy, i) for i in range(8)]
        time.sleep(0.5)
        latencies = []
        for i in range(5):
            started = time.monotonic()
            response = client_app.test_client().get("/sparql", query_string={"query": SIMPLE + f" # {i}"})
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
        statuses = [f.result() for f in burst]
    assert max(latencies) < 3.0, latencies
    assert set(statuses) <= {503} and len(statuses) == 8
