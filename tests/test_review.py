"""The double review: κ arithmetic, final decisions as curated data, and the built graph saying what was decided."""

from __future__ import annotations

import shutil
from contextlib import redirect_stdout
from io import StringIO

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from qhfin.cli import main
from qhfin.config import Config
from qhfin.matrix import matrix
from qhfin.measures import Query, measures
from qhfin.namespaces import ID, QHFIN
from qhfin.review import agreement, category, cohen_kappa, final_decisions
from qhfin.review_apply import decisions, render, review_paths, roles, unreflected, unreviewed_graph
from qhfin.targets import targets
from qhfin.validate import check

BODY = "https://w3id.org/qhfin/id/body/"


# --- κ ---------------------------------------------------------------------------------------------------------------

def test_kappa_textbook_value():
    """The classic 2×2 example (Wikipedia, 'Cohen's kappa'): 50 proposals, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no:
    p_o = 0.7, p_e = 0.5·0.6 + 0.5·0.4 = 0.5, κ = 0.4."""
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    observed, kappa = cohen_kappa(pairs)
    assert observed == pytest.approx(0.7) and kappa == pytest.approx(0.4)


def test_kappa_by_hand_with_three_categories():
    # A: keep keep keep reject ; B: keep keep reject reject → p_o = 3/4; p_e = (3/4·2/4) + (1/4·2/4) = 1/2; κ = 0.5
    observed, kappa = cohen_kappa([("keep", "keep"), ("keep", "keep"), ("keep", "reject"), ("reject", "reject")])
    assert observed == 0.75 and kappa == pytest.approx(0.5)
    assert cohen_kappa([("keep", "keep")] * 4) == (1.0, None)  # one category throughout: κ undefined, not 1
    assert cohen_kappa([("keep", "keep"), ("reject", "reject")])[1] == pytest.approx(1.0)


def test_categories_replacement_object_and_not_added():
    assert category({"decision": "replace", "replacement": "body:a"}) != category({"decision": "replace", "replacement": "body:b"})
    assert category(None) == "not-added" and category({"decision": "add"}) == "add"


def test_agreement_universe_is_packet_items_plus_additions():
    a = [{"item": "t|lead|body:x", "decision": "keep"}, {"item": "t|cooperating|body:y", "decision": "add"}]
    b = [{"item": "t|lead|body:x", "decision": "keep"}]
    table = {r["kind"]: r for r in agreement(a, b, {"t|lead|body:x"})}
    assert table["lead"]["items"] == 1 and table["lead"]["agree"] == 1
    assert table["cooperating"]["items"] == 1 and table["cooperating"]["agree"] == 0  # add vs not-added
    assert table["all"]["observed"] == 0.5


def test_final_decisions_agreed_adjudicated_and_never_guessed():
    a = [{"item": "t|lead|body:x", "task": "t", "kind": "lead", "object": "body:x", "decision": "keep", "reason": "甲"},
         {"item": "t|theme|theme:z", "task": "t", "kind": "theme", "object": "theme:z", "decision": "add", "reason": "乙"}]
    b = [{**a[0], "reason": "丙"}]
    adj = [{**a[1], "decision": "not-added", "sided_with": "B", "reason": "丁"}]
    final = final_decisions(a, b, adj)
    assert set(final) == {"t|lead|body:x"} and final["t|lead|body:x"]["source"] == "agreed"
    with pytest.raises(ValueError):
        final_decisions(a, b, [])


# --- apply ------------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def final(config):
    return decisions(config)


def test_apply_is_deterministic_and_the_committed_file_is_current(config, final):
    role_of = roles(unreviewed_graph(config))
    text = render(final, role_of)
    assert text == render(final, role_of)
    assert text == review_paths(config)["out"].read_text(encoding="utf-8")


def test_apply_is_idempotent(tmp_path, config):
    for name in ("source", "ontology", "graph", "shapes"):
        shutil.copytree(config.root / name, tmp_path / name)
    project = Config(root=tmp_path, build_dir=tmp_path / "build")
    before = review_paths(project)["out"].read_bytes()
    with redirect_stdout(StringIO()):
        assert main(["--root", str(tmp_path), "review", "apply"]) == 0
        assert main(["--root", str(tmp_path), "review", "apply"]) == 0
    assert review_paths(project)["out"].read_bytes() == before


def test_every_final_decision_is_in_the_built_graph(graph, final):
    assert len(final) > 1500
    assert unreflected(graph, final) == []


def _involvements(graph: Graph, task: str, body: str) -> list[URIRef]:
    return [n for n in graph.objects(ID[f"task/{task}"], QHFIN.involvement) if graph.value(n, QHFIN.body) == URIRef(BODY + body)]


def test_a_replaced_lead_is_gone_and_its_replacement_carries_the_reason(graph, final):
    decision = final["4-1-2-3-4|lead|body:pboc-xining"]
    assert decision["decision"] == "replace" and decision["replacement"] == "body:qinghai-finance-department"
    assert not any(graph.value(n, QHFIN.role) == QHFIN.Lead for n in _involvements(graph, "4-1-2-3-4", "pboc-xining"))
    new = [n for n in _involvements(graph, "4-1-2-3-4", "qinghai-finance-department") if graph.value(n, QHFIN.role) == QHFIN.Lead]
    assert new and (new[0], QHFIN.reviewStatus, QHFIN.Reviewed) in graph
    notes = [str(x) for x in graph.objects(new[0], QHFIN.curationNote)]
    assert any(decision["reason"] in x for x in notes) and any("2026 double review" in x for x in notes)


def test_a_kept_rule_link_is_marked_reviewed_and_an_unjudged_one_a_proposal(graph):
    kept = _involvements(graph, "4-1-1-1-1", "pboc-xining")
    assert kept and all((n, QHFIN.reviewStatus, QHFIN.Reviewed) in graph for n in kept)
    assert all(graph.value(n, QHFIN.basis) == QHFIN.RuleDerived for n in kept)
    proposals = set(graph.subjects(QHFIN.reviewStatus, QHFIN.Proposal))
    assert proposals and all(graph.value(n, QHFIN.basis) == QHFIN.RuleDerived for n in proposals)


# --- the matrix, the 2023 era, the answers ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rows(graph):
    return matrix(graph)["rows"]


def test_every_row_has_exactly_one_lead_and_no_group_leads_or_cooperates(graph, rows):
    groups = {str(g) for g in graph.subjects(RDF.type, QHFIN.BodyGroup)}
    assert [r["id"] for r in rows if len(r["lead_ids"]) != 1] == []
    assert [r["id"] for r in rows if groups & set(r["lead_ids"] + r["cooperating_ids"])] == []


def test_every_row_says_how_its_links_came_about(rows):
    assert all(r["review_status"].startswith("牵头：") for r in rows)
    assert {r["lead_basis"] for r in rows} <= {"原文", "审定", "规则·已审定", "规则·未审定"}


def test_era_2023_moves_consumer_protection_to_the_financial_regulator(graph):
    row = next(r for r in matrix(graph, era="2023")["rows"] if r["id"] == "4-1-3-5-2.1")
    assert row["lead"] == ["国家金融监督管理总局青海监管局（2023年改革承接金融消费者保护职责，推导）"]
    assert row["lead_ids"] == [BODY + "nfra-qinghai"]
    old = next(r for r in matrix(graph)["rows"] if r["id"] == "4-1-3-5-2.1")
    assert old["lead_ids"] == [BODY + "pboc-xining"]


def test_era_2023_marks_an_unconfirmed_move_and_does_not_apply_it(graph):
    row = next(r for r in matrix(graph, era="2023")["rows"] if r["id"] == "7-1-0-1-2")
    assert row["lead_ids"] == [BODY + "qinghai-organisation-department"]
    assert "未经证实，未改动" in row["lead"][0]


def test_every_rural_measure_answers_rural_revitalisation(graph):
    found = {r["notation"] for r in measures(graph, Query(theme="乡村振兴"))["results"]}
    for sentence in ("4-1-3-1-1", "4-2-2-2-3", "4-2-2-2-4", "4-2-2-2-5", "4-2-2-2-6"):
        assert sentence in found, sentence  # 信用户/村/乡/县, 农信社改革, 农商行, 村镇银行
    assert "4-2-3-1-1" not in found  # 担保机构行业整合和重组: not a rural measure by itself


def test_a_target_no_task_moves_directly_says_so(graph):
    by_id = {t["id"]: t for t in targets(graph)["results"]}
    gva = by_id[str(ID["target/financial-gva-share-gdp-2025"])]
    assert gva["tasks"] == [] and gva["no_direct_task"]["zh"]
    premium = by_id[str(ID["target/premium-income-2025"])]
    assert premium["moved_directly"] and all(t["reason_zh"] for t in premium["tasks"])


# --- the gate ----------------------------------------------------------------------------------------------------------

def test_shapes_cover_new_bodies_and_review_marks(config):
    g = Graph()
    body = URIRef(BODY + "qinghai-higher-court")
    g.add((body, RDF.type, QHFIN.Body))
    g.add((body, SKOS.prefLabel, Literal("青海省高级人民法院", lang="zh")))
    g.add((body, SKOS.inScheme, URIRef("https://w3id.org/qhfin/id/scheme/bodies")))
    task, node = ID["task/x"], ID["task/x/link/1"]
    g.add((task, QHFIN.involvement, node))
    g.add((node, QHFIN.basis, QHFIN.RuleDerived))
    g.add((node, QHFIN.reviewStatus, QHFIN.Reviewed))
    shapes = {f.shape.rsplit("#", 1)[-1] for f in check(g, config.shapes_dir) if f.severity == "Violation"}
    assert {"BodyKindGiven", "ReviewedLinkReason", "ConceptLabels"} <= shapes


def test_the_new_bodies_are_in_the_vocabulary(graph):
    for name in ("qinghai-organisation-department", "qinghai-higher-court", "safe-qinghai",
                 "qinghai-party-financial-commission-office", "qinghai-rural-revitalisation-bureau"):
        iri = URIRef(BODY + name)
        assert (iri, RDF.type, QHFIN.Body) in graph and graph.value(iri, QHFIN.bodyKind) is not None


# --- the commands ------------------------------------------------------------------------------------------------------

def _run(*argv: str) -> str:
    out = StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def test_kappa_command_prints_every_kind():
    text = _run("review", "kappa")
    for kind in ("| lead |", "| cooperating |", "| target |", "| theme |", "| all |"):
        assert kind in text
    assert "κ" in text


def test_precision_command_flags_rules_under_90_percent():
    text = _run("review", "precision")
    before = text.split("## 现行规则")[0]
    assert "rule:T-FINANCIAL-INDUSTRY | 42 | 0 | 42 |" in before and "**< 90 %**" in before
    assert "T-FINANCIAL-INDUSTRY" not in text.split("## 现行规则")[1]  # dropped
