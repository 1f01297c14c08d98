"""GET /api/targets, /api/concepts and /api/tasks/<id>: the rest of the JSON API."""

from __future__ import annotations

from urllib.parse import quote

import pytest


def test_targets_carry_value_unit_year_baseline_and_tasks(client):
    data = client.get("/api/targets").get_json()
    assert data["results"]
    for target in data["results"]:
        assert {"id", "label", "value", "unit", "year", "baseline", "tasks"} <= set(target)
        assert target["year"] == 2025
    deposits = next(t for t in data["results"] if t["id"].endswith("/deposit-loan-balance-total-2025"))
    assert deposits["value"] == 15000 and deposits["baseline"]["year"] == 2020
    assert deposits["required_annual_growth_percent"] > 0


def test_some_target_is_driven_by_tasks(client):
    assert any(t["tasks"] for t in client.get("/api/targets").get_json()["results"])


@pytest.mark.parametrize(("q", "kind", "label"), [
    pytest.param("乡村振兴", "theme", "乡村振兴", id="theme"),
    pytest.param("两权", "instrument", None, id="instrument-by-part-of-an-alias"),
    pytest.param("省农担公司", "body", "青海省农牧业信贷担保有限责任公司", id="body-by-short-name"),
])
def test_concepts_are_found_by_any_of_their_names(client, q, kind, label):
    data = client.get(f"/api/concepts?q={quote(q)}").get_json()
    found = [c for c in data["results"] if c["kind"] == kind]
    assert found
    if label:
        assert label in {c["label"] for c in found}
    measures = client.get(found[0]["measures"]).get_json()
    assert "results" in measures


def test_concepts_without_a_query_list_every_kind_asked_for(client):
    data = client.get("/api/concepts?kind=theme,instrument").get_json()
    assert {c["kind"] for c in data["results"]} == {"theme", "instrument"}
    assert data["count"] == len(data["results"]) > 5


def test_concepts_refuse_an_unknown_kind(client):
    response = client.get("/api/concepts?kind=planet")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad-kind"


TASK = "https://w3id.org/qhfin/id/task/4-1-1-1-2"


@pytest.mark.parametrize("ident", [
    pytest.param("4-1-1-1-2", id="notation"),
    pytest.param(TASK, id="iri"),
    pytest.param(quote(TASK, safe=""), id="iri-percent-encoded"),
])
def test_a_task_by_notation_or_iri(client, ident):
    response = client.get(f"/api/tasks/{ident}")
    assert response.status_code == 200, response.get_data(as_text=True)
    task = response.get_json()
    assert task["id"] == TASK and task["notation"] == "4-1-1-1-2"
    assert task["paragraph"]["highlight"] == task["text"]
    assert task["paragraph"]["before"] + task["text"] + task["paragraph"]["after"] == task["paragraph"]["text"]
    assert {"depends_on", "depended_on_by", "bodies", "themes", "instruments", "targets"} <= set(task)


def test_a_task_shows_both_directions_of_its_dependencies(client, graph):
    from qhfin.namespaces import QHFIN

    source, _p, target = next(iter(graph.triples((None, QHFIN.dependsOn, None))))
    upstream = client.get(f"/api/tasks/{quote(str(source), safe='')}").get_json()
    downstream = client.get(f"/api/tasks/{quote(str(target), safe='')}").get_json()
    assert str(target) in {d["id"] for d in upstream["depends_on"]}
    assert str(source) in {d["id"] for d in downstream["depended_on_by"]}
    assert all(d["why"] for d in upstream["depends_on"])


@pytest.mark.parametrize("ident", ["9-9-9-9-9", "https://w3id.org/qhfin/id/theme/nothing", "乡村振兴"])
def test_an_unknown_task_is_404(client, ident):
    response = client.get(f"/api/tasks/{quote(ident, safe='')}")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]["zh"]
