"""Who does what, with what, for which goal — pinned against the plan's own sentences."""

from __future__ import annotations

import pytest
from rdflib.namespace import RDF, SKOS

from qhfin.measures import Query, measures
from qhfin.namespaces import BODY, INSTRUMENT, QHFIN, TASK, THEME


def notations(result: dict) -> set[str]:
    return {r["notation"] for r in result["results"]}


def roles(graph, task, body):
    return {graph.value(n, QHFIN.role) for n in graph.objects(task, QHFIN.involvement) if graph.value(n, QHFIN.body) == body}


def test_stated_lead_is_quoted(graph):
    task = TASK["7-5-0-1-4"]
    leads = [n for n in graph.objects(task, QHFIN.involvement) if graph.value(n, QHFIN.role) == QHFIN.Lead]
    assert [str(graph.value(n, QHFIN.evidence)) for n in leads if graph.value(n, QHFIN.basis) == QHFIN.Stated] == [
        "省地方金融监管局牵头"
    ]
    # "有关部门按职责分工负责" is stated, but 有关部门 is a group, never a 配合单位 by itself: the review rejected it
    # and kept the rejection with its reason (docs/review.md)
    assert not roles(graph, task, BODY["relevant-departments"]) & {QHFIN.Cooperating, QHFIN.PerDuty}
    rejected = [n for n in graph.objects(task, QHFIN.rejectedLink) if graph.value(n, QHFIN.linkObject) == BODY["relevant-departments"]]
    assert rejected and any("有关部门" in str(x) for n in rejected for x in graph.objects(n, QHFIN.curationNote))


@pytest.mark.parametrize(
    ("task", "body"),
    [
        pytest.param("4-1-1-2-3", "financial-institutions", id="鼓励金融机构增设分支机构"),
        pytest.param("4-2-2-2-2", "qinghai-bank", id="鼓励青海银行创新优化服务能力"),
        pytest.param("4-2-1-2-4", "joint-stock-commercial-banks", id="鼓励股份制商业银行"),
    ],
)
def test_addressee_pattern(graph, task, body):
    assert QHFIN.Addressee in roles(graph, TASK[task], BODY[body])


def test_what_is_set_up_is_not_an_addressee(graph):
    """支持设立民营银行、保险公司……: the companies are to be founded, not the actors."""
    task = TASK["4-2-1-1-4.1"]
    for node in graph.objects(task, QHFIN.involvement):
        assert graph.value(node, QHFIN.role) != QHFIN.Addressee


def test_every_task_has_a_lead(graph):
    missing = [t for t in graph.subjects(RDF.type, QHFIN.Task)
               if not any(graph.value(n, QHFIN.role) == QHFIN.Lead for n in graph.objects(t, QHFIN.involvement))]
    assert missing == []


def test_rule_derived_lead_names_its_rule(graph):
    task = TASK["5-4-1-1-1"]  # 发挥普惠金融再贴现、再贷款……等货币政策工具作用
    leads = [n for n in graph.objects(task, QHFIN.involvement) if graph.value(n, QHFIN.role) == QHFIN.Lead]
    assert graph.value(leads[0], QHFIN.body) == BODY["pboc-xining"]
    assert graph.value(leads[0], QHFIN.basis) == QHFIN.RuleDerived
    assert graph.value(graph.value(leads[0], QHFIN.rule), SKOS.notation) is not None


def test_rural_revitalisation_measures(graph):
    found = notations(measures(graph, Query(theme="乡村振兴")))
    section_six = {str(graph.value(t, SKOS.notation)) for t in graph.subjects(RDF.type, QHFIN.Task)
                   if str(graph.value(t, SKOS.notation)).startswith("5-6-") and "." not in str(graph.value(t, SKOS.notation))}
    assert section_six <= found, "every measure of 第五章六、精准支持乡村振兴"
    assert {"4-1-1-3-4", "4-2-2-2-4", "5-1-2-1-2", "5-4-1-1-1", "5-3-1-1-1"} <= found
    assert "6-4-2-1-1" not in found  # 大力整治金融乱象 has nothing to do with it


def test_narrower_concept_is_explained(graph):
    result = measures(graph, Query(theme="乡村振兴"))
    row = next(r for r in result["results"] if r["notation"] == "5-3-1-1-1")  # 增强服务“三农三牧”能力
    assert any(w.get("via") and w["basis"] == "rule" for w in row["why"])


@pytest.mark.parametrize(
    ("instrument", "expected"),
    [
        pytest.param("两权抵押", {"5-6-2-1-1"}, id="两权"),
        pytest.param("双基联动", {"4-1-1-3-2", "4-1-1-3-3"}, id="双基联动"),
        pytest.param("再贷款", {"5-4-1-1-1", "5-6-1-1-1"}, id="再贷款"),
    ],
)
def test_instrument_measures_exactly(graph, instrument, expected):
    assert notations(measures(graph, Query(instrument=instrument))) == expected


def test_green_credit_measures(graph):
    found = notations(measures(graph, Query(instrument="绿色信贷")))
    assert {"4-1-2-2-3", "4-1-2-3-2", "4-1-2-3-3", "4-1-2-3-5", "4-1-2-5-2"} <= found


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("青海银行", {"4-2-2-1-1", "4-2-2-2-2"}, id="青海银行"),
        pytest.param("省农担公司", {"4-2-3-1-2"}, id="省农担公司"),
    ],
)
def test_named_body_measures(graph, body, expected):
    assert expected <= notations(measures(graph, Query(body=body)))


def test_instrument_implies_theme(graph):
    task = TASK["5-6-2-1-1"]
    assert (task, QHFIN.usesInstrument, INSTRUMENT["liangquan-mortgage-loan"]) in graph
    assert (task, QHFIN.supportsTheme, THEME["rural-revitalization"]) in graph


def test_only_stated_links_are_one_graph_clause(dataset):
    q = """SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/qhfin/id/graph/stated> {
           ?t <https://w3id.org/qhfin/ontology#supportsTheme> <https://w3id.org/qhfin/id/theme/rural-revitalization> } }"""
    stated = int(next(iter(dataset.query(q)))[0])
    assert 0 < stated < len(set(dataset.graph("https://w3id.org/qhfin/id/graph/derived").subjects(
        None, THEME["rural-revitalization"])))
