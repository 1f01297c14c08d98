"""The SPARQL 1.1 Protocol at /sparql, on both engines (embedded and a real Oxigraph server).

The first group adapts the query-side tests of the W3C SPARQL 1.1 Protocol test suite
(w3c/rdf-tests sparql/sparql11/protocol/manifest.ttl) to this read-only endpoint: the test graphs
(kasei.us/…/data1.rdf …) become this dataset's named graphs, and the update tests expect 403 instead of 2xx.
"""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote, unquote_to_bytes

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from api.protocol import unquote

PLAN = "https://w3id.org/qhfin/id/graph/plan"
STATED = "https://w3id.org/qhfin/id/graph/stated"
CURATED = "https://w3id.org/qhfin/id/graph/curated"
Q = "PREFIX qhfin: <https://w3id.org/qhfin/ontology#> "
# a Task type sits in graph/plan, a responsibleBody triple in graph/stated: the answer shows which graphs were used
BOTH_DEFAULT = Q + "ASK { ?t a qhfin:Task ; qhfin:responsibleBody ?b }"
BOTH_NAMED = Q + "ASK { GRAPH ?g1 { ?t a qhfin:Task } GRAPH ?g2 { ?t qhfin:responsibleBody ?b } }"
FULL = Q + "ASK { ?t qhfin:responsibleBody ?b GRAPH ?g1 { ?t a qhfin:Task } }"
MULTIPLE = Q + f"ASK FROM <{CURATED}> {{ GRAPH ?g1 {{ ?t a qhfin:Task }} GRAPH ?g2 {{ ?t qhfin:responsibleBody ?b }} }}"


def g(name: str, *graphs: str) -> str:
    return "&".join(f"{name}={quote(x, safe='')}" for x in graphs)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update"}

# (id, method, path, body, headers, expected status class, expected boolean or None)
W3C = [
    ("query_post_form", "POST", "/sparql?" + g("default-graph-uri", PLAN), "query=ASK%20%7B%7D", FORM, 2, True),
    ("query_dataset_default_graphs_get", "GET", f"/sparql?query={quote(BOTH_DEFAULT)}&" + g("default-graph-uri", PLAN, STATED), None, {}, 2, True),
    ("query_dataset_default_graphs_post", "POST", "/sparql?" + g("default-graph-uri", PLAN, STATED), BOTH_DEFAULT, DIRECT, 2, True),
    ("query_dataset_named_graphs_post", "POST", "/sparql?" + g("named-graph-uri", PLAN, STATED), BOTH_NAMED, DIRECT, 2, True),
    ("query_dataset_named_graphs_get", "GET", f"/sparql?query={quote(BOTH_NAMED)}&" + g("named-graph-uri", PLAN, STATED), None, {}, 2, True),
    ("query_dataset_full", "POST", "/sparql?" + g("default-graph-uri", STATED) + "&" + g("named-graph-uri", PLAN), FULL, DIRECT, 2, True),
    ("query_multiple_dataset", "POST", "/sparql?" + g("named-graph-uri", PLAN, STATED), MULTIPLE, DIRECT, 2, True),
    ("query_get", "GET", "/sparql?query=ASK%20%7B%7D&" + g("default-graph-uri", PLAN), None, {}, 2, True),
    ("query_post_direct", "POST", "/sparql", "ASK {}", DIRECT, 2, True),
    # the update tests, adapted: this endpoint is read-only, so every update is refused
    ("update_dataset_default_graph", "POST", "/sparql?using-graph-uri=" + quote(PLAN), "CLEAR ALL", UPDATE, 4, None),
    ("update_post_form", "POST", "/sparql", "update=CLEAR+ALL", FORM, 4, None),
    ("update_post_direct", "POST", "/sparql", "CLEAR ALL", UPDATE, 4, None),
    ("update_base_uri", "POST", "/sparql", "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> <test> } }", UPDATE, 4, None),
    ("bad_query_method", "PUT", "/sparql?query=ASK%20%7B%7D", "", FORM, 4, None),
    ("bad_multiple_queries", "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, {}, 4, None),
    ("bad_query_wrong_media_type", "POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"}, 4, None),
    ("bad_query_missing_form_type", "POST", "/sparql", "query=ASK%20%7B%7D", {}, 4, None),
    ("bad_query_missing_direct_type", "POST", "/sparql", "ASK {}", {}, 4, None),
    ("bad_query_non_utf8", "POST", "/sparql", "ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}, 4, None),
    ("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", None, {}, 4, None),
    ("bad_update_get", "GET", "/sparql?update=CLEAR%20ALL", None, {}, 4, None),
    ("bad_multiple_updates", "POST", "/sparql", "update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, 4, None),
    ("bad_update_wrong_media_type", "POST", "/sparql", "CLEAR NAMED", {"Content-Type": "text/plain"}, 4, None),
    ("bad_update_missing_form_type", "POST", "/sparql", "update=CLEAR%20NAMED", {}, 4, None),
    ("bad_update_non_utf8", "POST", "/sparql", "CLEAR NAMED".encode("utf-16"), {"Content-Type": "application/sparql-update; charset=UTF-16"}, 4, None),
    ("bad_update_syntax", "POST", "/sparql", "update=CLEAR%20XYZ", FORM, 4, None),
    ("bad_update_dataset_conflict", "POST", "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", "WITH <http://example/addresses> DELETE { ?p <http://xmlns.com/foaf/0.1/givenName> 'Bill' } WHERE { ?p <http://xmlns.com/foaf/0.1/givenName> 'Bill' }", UPDATE, 4, None),
]


def test_every_query_side_w3c_test_is_here():
    """The manifest has 34 entries; the 4 content-type tests are below, the other 30 in W3C (update_dataset_* as one)."""
    assert len(W3C) == 27


def _boolean(response) -> bool:
    if "xml" in response.content_type:
        return b"<boolean>true</boolean>" in response.data
    return json.loads(response.data)["boolean"]


@pytest.mark.parametrize(("method", "path", "body", "headers", "status", "expected"),
                         [pytest.param(*case[1:], id=case[0]) for case in W3C])
def test_w3c_protocol(sparql_client, method, path, body, headers, status, expected):
    response = sparql_client.open(path, method=method, data=body, headers=headers)
    assert response.status_code // 100 == status, response.data[:300]
    if expected is not None:
        assert _boolean(response) is expected
    if status == 4:
        assert "error" in json.loads(response.data)


@pytest.mark.parametrize(("query", "types"), [
    pytest.param("SELECT (1 AS ?value) {}", ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"), id="query_content_type_select"),
    pytest.param("ASK {}", ("application/sparql-results+json", "application/sparql-results+xml"), id="query_content_type_ask"),
    pytest.param("DESCRIBE <http://example.org/>", ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"), id="query_content_type_describe"),
    pytest.param("CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}", ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"), id="query_content_type_construct"),
])
def test_w3c_content_type(sparql_client, query, types):
    response = sparql_client.post("/sparql", data=query, headers=DIRECT)
    assert response.status_code == 200
    assert response.mimetype in types


def test_dataset_of_the_protocol_is_the_one_used(sparql_client):
    """With only graph/plan as default graph the stated links are not there: the protocol's dataset is honoured."""
    response = sparql_client.get(f"/sparql?query={quote(BOTH_DEFAULT)}&" + g("default-graph-uri", PLAN))
    assert _boolean(response) is False


def test_default_graph_is_the_union(sparql_client):
    assert _boolean(sparql_client.get(f"/sparql?query={quote(BOTH_DEFAULT)}")) is True


SELECT = Q + "SELECT ?t ?text WHERE { ?t a qhfin:Task ; qhfin:sourceText ?text } ORDER BY ?t LIMIT 3"
RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                  "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                  "text/csv": None, "text/tab-separated-values": ox.QueryResultsFormat.TSV}


@pytest.mark.parametrize("media_type", list(RESULT_FORMATS))
def test_select_in_every_result_format(sparql_client, media_type):
    response = sparql_client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    if media_type == "text/csv":  # lossy by design: read as plain CSV
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8"))))[1:]
    else:
        rows = list(ox.parse_query_results(response.data, format=RESULT_FORMATS[media_type]))
    assert len(rows) == 3
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.data.decode("utf-8"))  # Chinese text, intact


GRAPH_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld",
                 "application/rdf+xml": "xml"}
CONSTRUCT = Q + "CONSTRUCT { ?t qhfin:sourceText ?text } WHERE { ?t a qhfin:Task ; qhfin:sourceText ?text } LIMIT 5"


@pytest.mark.parametrize("media_type", list(GRAPH_FORMATS))
def test_construct_in_every_rdf_format(sparql_client, media_type):
    response = sparql_client.post("/sparql", data={"query": CONSTRUCT}, headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    assert len(Graph().parse(data=response.data, format=GRAPH_FORMATS[media_type])) == 5


@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/tab-separated-values, */*;q=0.1", "text/tab-separated-values"),
])
def test_accept_is_negotiated_by_quality(sparql_client, accept, expected):
    response = sparql_client.get("/sparql", query_string={"query": "SELECT (1 AS ?x) {}"}, headers={"Accept": accept})
    assert response.mimetype == expected


def test_unacceptable_format_is_406(sparql_client):
    response = sparql_client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in json.loads(response.data)["error"]["detail"]


def test_syntax_error_carries_the_parsers_message(sparql_client):
    body = json.loads(sparql_client.get("/sparql?query=SELECT%20%3Fx%20WHERE%20%7B").data)["error"]
    assert body["status"] == 400 and body["message"]["zh"] and body["message"]["en"]
    assert body["detail"].startswith("error at 1:")  # pyoxigraph's message: where the text stopped parsing


def test_non_utf8_form_value_is_400(sparql_client):
    response = sparql_client.post("/sparql", data=b"query=ASK%20%7B%7D%FF", headers=FORM)
    assert response.status_code == 400


def test_query_and_update_together_is_400(sparql_client):
    assert sparql_client.post("/sparql", data="query=ASK%7B%7D&update=CLEAR%20ALL", headers=FORM).status_code == 400


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                             ("application/rdf+xml", "xml"), (None, "turtle")])
def test_service_description_without_query(sparql_client, accept, fmt):
    response = sparql_client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    sd = Graph().parse(data=response.data, format=fmt)
    SD = "http://www.w3.org/ns/sparql-service-description#"
    assert sd.query(f"ASK {{ ?s a <{SD}Service> ; <{SD}endpoint> ?e ; <{SD}supportedLanguage> <{SD}SPARQL11Query> ; "
                    f"<{SD}feature> <{SD}UnionDefaultGraph> ; <{SD}defaultDataset>/<{SD}namedGraph>/<{SD}name> <{STATED}> }}").askAnswer


def test_cors_is_on(sparql_client):
    response = sparql_client.get("/sparql?query=ASK%7B%7D", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = sparql_client.options("/sparql", headers={"Origin": "https://example.org",
                                                          "Access-Control-Request-Method": "POST",
                                                          "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code in (200, 204)
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


def test_editor_page_for_browsers_lists_the_named_queries(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.data.decode()
    assert "支持某一主题的措施" in html and "任务分工表" in html
    assert "connect-src 'self'" in response.headers["Content-Security-Policy"]
    assert 'src="http' not in html and "href=\"http" not in html.split("<main>")[0]  # nothing from elsewhere


@pytest.mark.parametrize("text", ["", "   ", "# only a comment", "PREFIX ex: <http://example.org/>"])
def test_an_empty_query_is_a_400_not_an_update_refusal(sparql_client, text):
    response = sparql_client.get("/sparql", query_string={"query": text})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query-syntax"


def test_head_answers_as_get_does_for_a_browser(sparql_client):
    get = sparql_client.get("/sparql", headers={"Accept": "text/html"})
    head = sparql_client.head("/sparql", headers={"Accept": "text/html"})
    assert get.status_code == head.status_code == 200 and head.headers["Content-Type"] == get.headers["Content-Type"]


@pytest.mark.parametrize("data", [{}, {"other": "1"}])
def test_a_post_with_neither_query_nor_update_is_400(sparql_client, data):
    response = sparql_client.post("/sparql", data=data)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "missing-query"


def test_relative_iris_resolve_against_the_services_base(sparql_client):
    """W3C protocol tests send relative IRIs; they resolve against https://w3id.org/qhfin/id/."""
    response = sparql_client.get("/sparql", query_string={"query": "ASK { <task/4-1-1-1-1> ?p ?o }"},
                                 headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.get_json()["boolean"] is True
    own = sparql_client.get("/sparql", query_string={"query": "BASE <http://example.org/> ASK { <task/4-1-1-1-1> ?p ?o }"},
                            headers={"Accept": "application/sparql-results+json"})
    assert own.status_code == 200 and own.get_json()["boolean"] is False  # the query's own BASE wins


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["%", "%2", "%zz", "%41", "%e4%B8%ad", "%0A", "%%", "%4g", "\\", "\\x41", "\\\\", "\\n",
                                 "+", "a", "'", '"', "中", "=", "&"]) | st.text(), max_size=12))
def test_form_values_are_decoded_exactly_as_the_standard_library_does(pieces):
    """The fast decoder of form-encoded parameters gives the bytes ``urllib.parse.unquote_to_bytes`` gives, for
    valid and broken escapes, backslashes and text of any kind: a query is never read differently."""
    raw = "".join(pieces).encode("utf-8")
    assert unquote(raw) == unquote_to_bytes(raw)
