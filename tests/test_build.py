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
