"""The SHACL gate: the shipped graph conforms, every broken example is caught by exactly its shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph

from qhfin.validate import check, exit_code, shapes_graph, violation_queries

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.ttl"))
SHAPES = "https://w3id.org/qhfin/shapes#"


def expected(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()


def test_examples_are_collected():
    assert len(EXAMPLES) == 14


def test_shipped_graph_conforms(graph, config):
    findings = check(graph, config.shapes_dir)
    violations = [f.line() for f in findings if f.severity == "Violation"]
    assert violations == []


def test_shapes_pass_shacl_for_shacl(config):
    conforms, _report, text = shacl_validate(
        Graph(), shacl_graph=shapes_graph(config.shapes_dir), meta_shacl=True, advanced=True
    )
    assert conforms, text


def test_violation_queries_load_with_their_messages(config):
    queries = violation_queries(config.shapes_dir)
    assert {q.name for q in queries} == {"StatedLinkEvidence", "DerivedLinkRule", "CuratedLinkNote",
                                          "TaskDirectLinkQualified", "DependsOnAcyclic", "ReviewedLinkReason",
                                          "RuleLinkReviewStatus", "ReviewedRowNoGroup"}
    assert all(q.message_zh and q.message_en for q in queries)


def test_a_violation_query_that_does_not_parse_is_an_error(tmp_path):
    from qhfin.validate import ShapesError

    (tmp_path / "sparql").mkdir()
    (tmp_path / "sparql" / "Broken.rq").write_text(
        "#+ severity: Violation\n#+ message_zh: 坏\n#+ message_en: bad\nSELECT ?this WHERE { ?this", encoding="utf-8")
    with pytest.raises(ShapesError, match="Broken.rq"):
        violation_queries(tmp_path)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_is_caught_by_exactly_its_shape(path, config):
    data = Graph().parse(path).parse(config.ontology_file)
    findings = check(data, config.shapes_dir)
    fired = {f.shape.removeprefix(SHAPES) for f in findings if f.severity == "Violation"}
    want = expected(path)
    if want == "conforms":
        assert fired == set() and exit_code(findings) == 0
    else:
        assert fired == {want} and exit_code(findings) == 1


def test_a_finding_reads_with_short_names_labels_and_both_languages(graph):
    """Issue 14: `qhfin build` printed findings as raw IRIs; a person reads the node's short name and label."""
    from qhfin.validate import Finding

    finding = Finding("Warning", "https://w3id.org/qhfin/id/task/4-1-1-1-1", "https://w3id.org/qhfin/ontology#supportsTheme",
                      "该任务未关联任何主题", "The task serves no theme", "https://w3id.org/qhfin/shapes#TaskTheme")
    text = finding.readable(graph)
    assert text.startswith("警告 Warning · task:4-1-1-1-1「") and "qhfin:supportsTheme" in text
    assert "该任务未关联任何主题 / The task serves no theme" in text and "https://" not in text


RULE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:inferred ; sh:object ex:o ] .
"""


@pytest.mark.parametrize("with_rule", [False, True])
def test_validation_never_writes_into_the_graph_it_checks(with_rule):
    """The gate validates the build in place (pyshacl's copy of it cost a second) only while no shape carries a
    SHACL rule; a rule added to the shapes writes into the copy, never into the build that is then saved."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, RDFS

    from qhfin.validate import validate

    ex = "https://example.org/"
    data = Graph()
    data.add((URIRef(ex + "a"), RDF.type, URIRef(ex + "C")))
    data.add((URIRef(ex + "a"), RDFS.label, Literal("甲")))
    shapes = Graph().parse(data=RULE_SHAPES if with_rule else RULE_SHAPES.split("sh:rule")[0] + ".", format="turtle")
    before = set(data)
    validate(data, shapes)
    assert set(data) == before
