"""Issue 16, finding 1: a request's work is bounded by what its parameters mean, not by how long they are."""

from __future__ import annotations

import time

import pytest


def test_repeated_kinds_are_read_once(client):
    """``kind=theme,theme,…`` made the concepts page grow with the square of the repeats (80 repeats: 84 MB)."""
    once = client.get("/concepts?kind=theme", headers={"Accept": "text/html"})
    many = client.get("/concepts?kind=" + ",".join(["theme"] * 15), headers={"Accept": "text/html"})
    assert once.status_code == many.status_code == 200
    assert len(many.data) < len(once.data) * 1.1
    api_once = client.get("/api/concepts?kind=theme").get_json()
    api_many = client.get("/api/concepts?kind=theme,theme,theme").get_json()
    assert api_many["count"] == api_once["count"] and api_many["query"]["kind"] == ["theme"]


def test_the_probes_request_is_refused_at_once_naming_the_limit(client):
    kinds = ",".join(["theme,instrument,group,body"] * 250)
    started = time.monotonic()
    response = client.get(f"/concepts?kind={kinds}", headers={"Accept": "application/json"})
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "上限" in error["message"]["zh"] and "limit" in error["message"]["en"]


@pytest.mark.parametrize("path", ["/api/concepts", "/concepts", "/api/measures", "/measures", "/api/matrix", "/"])
def test_a_parameter_repeated_past_the_limit_is_a_400_naming_it(client, path):
    response = client.get(path + "?" + "&".join(["theme=乡村振兴"] * 9), headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "repeated-parameter"
    assert "theme" in response.get_json()["error"]["message"]["en"]


def test_too_many_distinct_parameters(client):
    response = client.get("/api/measures?" + "&".join(f"p{i}=1" for i in range(40)))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "too-many-parameters"


def test_an_overlong_value_and_query_string(client):
    assert client.get("/api/measures?q=" + "普" * 3000).status_code == 400
    response = client.get("/api/measures?" + "&".join(f"p{i}=" + "x" * 1500 for i in range(12)))
    assert response.status_code == 414
    assert "limit" in response.get_json()["error"]["message"]["en"]


def test_a_comma_list_past_its_item_limit(client):
    response = client.get("/api/scenario?remove=" + ",".join(f"n{i}" for i in range(40)))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "too-many-items"


def test_sparql_takes_long_texts_and_repeated_graph_parameters(client):
    query = "ASK {}" + " " * 20000
    assert client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"}).status_code == 200
