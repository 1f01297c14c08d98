"""GET /api/measures as an integrator calls it: names, aliases and IRIs all work; every result says why it matched."""

from __future__ import annotations

from urllib.parse import quote

import pytest

CONTRACT = {"id", "label", "text", "path", "bodies", "instruments", "themes", "why"}


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    return response.get_json()


@pytest.mark.parametrize("query", [
    pytest.param("theme=乡村振兴", id="theme-by-label"),
    pytest.param("instrument=两权抵押", id="instrument-by-alias"),
    pytest.param("body=省农担公司", id="body-by-short-name"),
    pytest.param("target=insurance-depth-2025", id="target-by-local-name"),
])
def test_a_name_finds_measures_with_the_issues_contract(client, query):
    data = get(client, f"/api/measures?{query}")
    assert set(data) >= {"query", "count", "results"}
    assert data["count"] == len(data["results"]) > 0
    for result in data["results"]:
        assert set(result) >= CONTRACT
        assert result["why"], f"{result['id']} has no reason"
        assert all({"id", "label", "role"} <= set(b) for b in result["bodies"])


def test_the_text_is_the_plans_words_and_the_path_leads_to_them(client, graph):
    from rdflib import URIRef

    from qhfin.namespaces import QHFIN

    result = get(client, "/api/measures?body=省农担公司")["results"][0]
    assert result["text"] == str(graph.value(URIRef(result["id"]), QHFIN.sourceText))
    assert "省农担公司" in result["text"]
    assert result["path"][0]["label"].startswith("第")


def test_label_alias_and_iri_give_the_same_answer(client, graph):
    from qhfin.resolve import Resolver

    iri = Resolver(graph).resolve("theme", "乡村振兴")
    by_label = get(client, "/api/measures?theme=乡村振兴")
    by_iri = get(client, f"/api/measures?theme={quote(str(iri), safe='')}")
    assert [r["id"] for r in by_label["results"]] == [r["id"] for r in by_iri["results"]]


def test_why_says_stated_with_the_quoted_words(client):
    results = get(client, "/api/measures?body=省农担公司")["results"]
    stated = [w for r in results for w in r["why"] if w["basis"] == "stated"]
    assert stated and all(w["evidence"] in r["text"] for r in results for w in r["why"] if w["basis"] == "stated")
    assert all("zh" in w and "en" in w for r in results for w in r["why"])


def test_a_theme_is_also_reached_through_narrower_concepts_or_instruments(client):
    whys = [w for r in get(client, "/api/measures?theme=乡村振兴")["results"] for w in r["why"]]
    assert {w["basis"] for w in whys} & {"stated"}, "the plan names 乡村振兴 itself somewhere"
    assert any("via" in w for w in whys), "some measures serve 乡村振兴 through a narrower concept or an instrument"


def test_filters_combine(client):
    theme = get(client, "/api/measures?theme=乡村振兴")["count"]
    both = get(client, "/api/measures?theme=乡村振兴&chapter=5")
    assert 0 < both["count"] <= theme
    assert all(r["notation"].startswith("5-") for r in both["results"])


def test_text_search_matches_the_source_text(client):
    data = get(client, "/api/measures?q=信用")
    assert data["count"] > 0
    assert all("信用" in r["text"] or "信用" in r["label"] for r in data["results"])
    assert all(w["basis"] == "text" for r in data["results"] for w in r["why"])


def test_role_narrows_a_body_to_what_it_leads(client):
    every = get(client, "/api/measures?body=人民银行西宁中心支行")
    leads = get(client, "/api/measures?body=人民银行西宁中心支行&role=lead")
    assert 0 < leads["count"] <= every["count"]
    for result in leads["results"]:
        assert any(b["role"] == "lead" and b["label"].startswith("中国人民银行西宁") for b in result["bodies"])


@pytest.mark.parametrize(("query", "status", "code"), [
    pytest.param("theme=不存在的主题", 404, "unknown-name", id="unknown-theme"),
    pytest.param("instrument=nothing", 404, "unknown-name", id="unknown-instrument"),
    pytest.param("body=火星银行", 404, "unknown-name", id="unknown-body"),
    pytest.param("target=nothing", 404, "unknown-name", id="unknown-target"),
    pytest.param("body=省农担公司&role=boss", 400, "bad-role", id="unknown-role"),
    pytest.param("role=lead", 400, "role-without-body", id="role-without-body"),
    pytest.param("chapter=9", 400, "bad-chapter", id="chapter-outside-4-to-7"),
])
def test_bad_names_get_the_one_error_shape_in_both_languages(client, query, status, code):
    error = get(client, f"/api/measures?{query}", status)["error"]
    assert error["status"] == status and error["code"] == code
    assert error["message"]["zh"] and error["message"]["en"]
    assert error["message"]["zh"] != error["message"]["en"]
