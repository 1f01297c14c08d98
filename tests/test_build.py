"""The build is deterministic and keeps the three kinds of basis apart."""

from __future__ import annotations

from rdflib.compare import isomorphic

from qhfin.build import build, union
from qhfin.namespaces import GRAPH_CURATED, GRAPH_DERIVED, GRAPH_STATED, QHFIN


def test_rebuilding_gives_an_isomorphic_graph(config, graph):
    assert isomorphic(union(build(config)), graph)


def test_generated_nodes_are_iris(graph):
    """Tasks, links and repairs get stable IRIs (curators and integrators can point at them)."""
    from rdflib import BNode
    from rdflib.namespace import RDF

    for cls in (QHFIN.Task, QHFIN.LinkAssertion, QHFIN.Involvement, QHFIN.SourceRepair, QHFIN.LinkRejection):
        nodes = set(graph.subjects(RDF.type, cls))
        assert not any(isinstance(n, BNode) for n in nodes)
        assert not any(isinstance(o, BNode) for n in nodes for o in graph.objects(n, None))


def test_basis_graphs_hold_only_links_of_their_basis(dataset):
    for name, basis in ((GRAPH_STATED, QHFIN.Stated), (GRAPH_DERIVED, QHFIN.RuleDerived), (GRAPH_CURATED, QHFIN.Curated)):
        g = dataset.graph(name)
        plan = dataset.graph("https://w3id.org/qhfin/id/graph/plan")
        assert len(g) > 0
        for s, p, o in list(g)[:200]:
            nodes = [n for n in plan.objects(s, QHFIN.qualifiedLink) if plan.value(n, QHFIN.linkObject) == o]
            nodes += [n for n in plan.objects(s, QHFIN.involvement) if plan.value(n, QHFIN.body) == o]
            assert any(plan.value(n, QHFIN.basis) == basis for n in nodes), (s, p, o)


def test_a_stale_build_is_rebuilt_before_it_is_used(tmp_path, config):
    """A curator edits graph/…; the next command must not answer from the old build."""
    import os
    import shutil

    from qhfin.config import Config
    from qhfin.store import load, stale

    for name in ("source", "ontology", "graph", "shapes"):
        shutil.copytree(config.root / name, tmp_path / name)
    project = Config(root=tmp_path, build_dir=tmp_path / "build")
    project.build_dir.mkdir()
    shutil.copy(config.built_graph, project.built_graph)  # a current build (newer than every input) to start from
    assert not stale(project)
    curated = tmp_path / "graph" / "curated" / "source-repairs.ttl"
    built = project.built_graph
    os.utime(built, (built.stat().st_atime, curated.stat().st_mtime - 10))  # the edit is newer than the build
    assert stale(project)
    load(project)
    assert not stale(project)


def test_inputs_read_again_are_the_files_as_they_are_now(config, tmp_path):
    """The build keeps each data file's parse by its bytes, for the next build of the same process: an edited file
    is read anew, its statements attributed to it, and two files with the same text keep blank nodes of their own
    (as two parses would), as does each build."""
    import shutil

    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import RDFS

    from qhfin.config import Config
    from qhfin.inputs import file_of, read_inputs

    for name in ("source", "ontology", "graph"):
        shutil.copytree(config.root / name, tmp_path / name)
    project = Config(root=tmp_path, build_dir=tmp_path / "build")
    note = URIRef("https://w3id.org/qhfin/id/task/test-note")
    text = '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<{}> rdfs:comment "{}" ; rdfs:seeAlso [ rdfs:label "x" ] .\n'
    first, second = tmp_path / "graph" / "data" / "zz-one.ttl", tmp_path / "graph" / "data" / "zz-two.ttl"
    first.write_text(text.format(note, "甲"), encoding="utf-8")
    before = read_inputs(project)
    assert (note, RDFS.comment, Literal("甲")) in before.hand and file_of(before, note, RDFS.comment) == str(first)

    first.write_text(text.format(note, "乙"), encoding="utf-8")
    second.write_text(text.format(note, "乙"), encoding="utf-8")
    after = read_inputs(project)
    assert (note, RDFS.comment, Literal("乙")) in after.hand and (note, RDFS.comment, Literal("甲")) not in after.hand
    blanks = set(after.hand.objects(note, RDFS.seeAlso))
    assert len(blanks) == 2 and all(isinstance(b, BNode) for b in blanks)  # one from each file
    again = read_inputs(project)
    assert not blanks & set(again.hand.objects(note, RDFS.seeAlso))
