"""The one RDF → networkx conversion: every typed node and every link of the built graph, no more, no less,
each edge carrying the basis, role and quote its qualified node gives."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from qhfin.impact import BASIS, KINDS, LINKS, ROLE, rdf_to_networkx
from qhfin.namespaces import ELI, QHFIN

SMALL = Path(__file__).parent / "data" / "explore" / "small-plan.ttl"
EX = "https://w3id.org/qhfin/id/example/"


@pytest.fixture(scope="module")
def net(graph: Graph) -> nx.MultiDiGraph:
    return rdf_to_networkx(graph)


def _typed(graph: Graph, kind: str) -> set[str]:
    return {str(s) for c in KINDS[kind] for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "paragraph"])
def test_every_typed_thing_is_a_node_of_its_kind(graph, net, kind):
    assert {n for n, k in net.nodes(data="kind") if k == kind} == _typed(graph, kind)


def test_paragraphs_are_those_that_hold_tasks(graph, net):
    holding = {str(o) for t in _typed(graph, "task") for o in graph.objects(URIRef(t), ELI.is_part_of)
               if (o, RDF.type, QHFIN.Paragraph) in graph}
    assert {n for n, k in net.nodes(data="kind") if k == "paragraph"} == holding
    assert len(holding) > 80  # Chapters 4–7 hold about ninety paragraphs


@pytest.mark.parametrize("prop", list(LINKS), ids=list(LINKS.values()))
def test_links_agree_with_the_rdf(graph, net, prop):
    rdf = {(str(s), str(o)) for s, o in graph.subject_objects(prop) if str(s) in net and str(o) in net}
    edges = {(s, o) for s, o, p in net.edges(data="predicate") if p == LINKS[prop]}
    assert edges == rdf


def test_plan_links_are_all_there(net):
    """The plan's annotation is not lost on the way: bodies, instruments, themes and dependencies are all edges."""
    kinds = {p for _, _, p in net.edges(data="predicate")}
    assert {"responsibleBody", "usesInstrument", "supportsTheme", "targetsGroup", "dependsOn",
            "subTaskOf", "is_part_of", "broader"} <= kinds


def test_clauses_point_to_their_sentence(graph, net):
    rdf = {(str(s), str(o)) for s, o in graph.subject_objects(QHFIN.subTaskOf)}
    assert {(s, o) for s, o, p in net.edges(data="predicate") if p == "subTaskOf"} == rdf


def test_broader_links_stay_within_a_kind(graph, net):
    edges = [(s, o) for s, o, p in net.edges(data="predicate") if p == "broader"]
    assert edges and all(net.nodes[s]["kind"] == net.nodes[o]["kind"] for s, o in edges)
    assert all((URIRef(s), SKOS.broader, URIRef(o)) in graph for s, o in edges)


def test_each_body_edge_is_one_role_of_an_involvement(graph, net):
    wrong = []
    for task, body, data in net.edges(data=True):
        if data["predicate"] != "responsibleBody":
            continue
        roles = {ROLE[graph.value(n, QHFIN.role)] for n in graph.objects(URIRef(task), QHFIN.involvement)
                 if graph.value(n, QHFIN.body) == URIRef(body)}
        if data["role"] not in roles:
            wrong.append((task, body, data["role"], roles))
    assert wrong == []


def test_edge_basis_is_the_best_the_qualified_nodes_give(graph, net):
    """Stated before curated before rule; a stated edge quotes words of its task's own text."""
    order = ["stated", "curated", "rule"]
    wrong = []
    for task, obj, data in net.edges(data=True):
        if data["predicate"] not in LINKS.values():
            continue
        prop = QHFIN[data["predicate"]]
        bases = {BASIS[graph.value(n, QHFIN.basis)]
                 for n in graph.objects(URIRef(task), QHFIN.involvement if data["predicate"] == "responsibleBody"
                                        else QHFIN.qualifiedLink)
                 if graph.value(n, QHFIN.linkProperty) == prop and graph.value(n, QHFIN.linkObject) == URIRef(obj)
                 and (data.get("role") is None or ROLE.get(graph.value(n, QHFIN.role)) == data["role"])}
        if not bases or data["basis"] != min(bases, key=order.index):
            wrong.append((task, data["predicate"], obj, data["basis"], bases))
        elif data["basis"] == "stated" and data["evidence"] not in str(graph.value(URIRef(task), QHFIN.sourceText)):
            wrong.append((task, data["predicate"], obj, "evidence not in the text", data["evidence"]))
    assert wrong == []


def test_the_guarantee_company_is_mentioned_in_the_guarantee_system_task(net):
    edge = net.get_edge_data("https://w3id.org/qhfin/id/task/4-2-3-1-2",
                             "https://w3id.org/qhfin/id/body/qinghai-agricultural-credit-guarantee")
    assert edge == {"responsibleBody:mentioned": {
        "predicate": "responsibleBody", "role": "mentioned", "basis": "stated", "bases": "stated",
        "evidence": "省农担公司", "offset": edge["responsibleBody:mentioned"]["offset"], "rule": "P-MENTION",
        "via": "", "note": ""}}
    assert edge["responsibleBody:mentioned"]["offset"] > 0


def test_every_attribute_is_a_plain_value_so_it_exports(net):
    values = [v for _, d in net.nodes(data=True) for v in d.values()]
    values += [v for *_, d in net.edges(data=True) for v in d.values()]
    assert {type(v) for v in values} <= {str, int, bool}


def test_labels_are_chinese_and_english(net):
    nodes = dict(net.nodes(data=True))
    assert nodes["https://w3id.org/qhfin/id/theme/rural-revitalization"]["label"] == "乡村振兴"
    assert nodes["https://w3id.org/qhfin/id/theme/rural-revitalization"]["label_en"].lower().startswith("rural")
    task = nodes["https://w3id.org/qhfin/id/task/4-3-3-1-1.2"]
    assert (task["notation"], task["chapter"]) == ("4-3-3-1-1.2", 4) and task["text"].startswith("鼓励")


def test_the_small_plan_converts_edge_for_edge():
    graph = Graph().parse(SMALL)
    net = rdf_to_networkx(graph)
    assert sorted((s[len(EX):], o[len(EX):], k) for s, o, k in net.edges(keys=True)) == [
        ("m", "g", "broader"),
        ("t1", "T1", "contributesTo"), ("t1", "a", "responsibleBody:lead"), ("t1", "b", "responsibleBody:cooperating"),
        ("t1", "p1", "is_part_of"), ("t1", "th2", "supportsTheme"),
        ("t2", "T1", "contributesTo"), ("t2", "a", "responsibleBody:lead"), ("t2", "i1", "usesInstrument"),
        ("t2", "p1", "is_part_of"),
        ("t3", "T2", "contributesTo"), ("t3", "b", "responsibleBody:lead"), ("t3", "p1", "is_part_of"),
        ("t4", "b", "responsibleBody:lead"), ("t4", "p1", "is_part_of"), ("t4", "t3", "dependsOn"),
        ("t4", "th1", "supportsTheme"),
        ("t5", "g", "responsibleBody:addressee"), ("t5", "p1", "is_part_of"),
    ]
    assert net.edges[EX + "t2", EX + "T1", "contributesTo"]["rule"] == "R-T"
    assert net.edges[EX + "t1", EX + "T1", "contributesTo"]["note"] == "普惠贷款计入贷款余额。"
