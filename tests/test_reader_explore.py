"""Issue 14, part 2: the explorer's typed graph built from one named query through the engine
(``queries/explorer-graph.rq``) is the one the whole rdflib graph gave — nodes, edges, answers and exports."""

from __future__ import annotations

import pytest
from rdflib import Graph

from qhfin import exports
from qhfin.checks import checks
from qhfin.explore import Explorer, impact, path
from qhfin.rank import rank, workload
from qhfin.resolve import Resolver
from qhfin.scenario import scenario

ID = "https://w3id.org/qhfin/id/"
NODES = [  # one of every kind, and the names people type
    pytest.param("4-2-3-1-2", id="task"), pytest.param("省农担公司", id="body-alias"),
    pytest.param("两权抵押", id="instrument-alias"), pytest.param("乡村振兴", id="theme"),
    pytest.param("保险深度3.8%", id="target-by-value"), pytest.param("小微企业", id="group"),
    pytest.param(ID + "body/pboc-xining", id="body-iri"),
]


@pytest.fixture(scope="module")
def whole(graph: Graph) -> Explorer:
    return Explorer.from_graph(graph)


@pytest.fixture(scope="module")
def read(app) -> Explorer:
    """Built from the engine's answer alone, its resolver too: what the CLI does."""
    return Explorer.from_reader(app.extensions["qhfin"].reader)


def test_the_same_nodes_with_the_same_attributes(whole, read):
    assert dict(read.net.nodes(data=True)) == dict(whole.net.nodes(data=True))


def test_the_same_edges_with_the_same_reasons(whole, read):
    def edges(ex: Explorer) -> list:
        return sorted((s, o, k, sorted(d.items())) for s, o, k, d in ex.net.edges(keys=True, data=True))

    assert edges(read) == edges(whole) and read.down == whole.down and read.up == whole.up


@pytest.mark.parametrize("name", NODES)
@pytest.mark.parametrize("direction", ["downstream", "upstream"])
def test_impact_is_the_same(whole, read, name, direction):
    assert impact(read, name, direction) == impact(whole, name, direction)


def test_names_resolve_the_same_from_the_engines_answer(graph, read):
    whole = Resolver(graph)
    for name in ("省农担公司", "两权抵押", "乡村振兴", "绿色金融", "青海银行", "保险深度", "4-2-3-1-2", "担保"):
        assert read.resolver.search(name, ("task", "target", "body", "instrument", "theme", "group")) == \
            whole.search(name, ("task", "target", "body", "instrument", "theme", "group"))


def test_paths_scenarios_and_whole_graph_answers_are_the_same(whole, read):
    assert path(read, "省农担公司", "保险深度") == path(whole, "省农担公司", "保险深度")
    assert scenario(read, ["省农担公司", "两权抵押"]) == scenario(whole, ["省农担公司", "两权抵押"])
    assert rank(read, 20) == rank(whole, 20) and workload(read, 20) == workload(whole, 20)
    assert checks(read) == checks(whole)


@pytest.mark.parametrize("fmt", exports.GRAPH_FORMATS)
def test_exports_are_byte_for_byte_the_same(whole, read, fmt):
    assert exports.export(read, fmt) == exports.export(whole, fmt)


def test_the_service_builds_it_once_per_graph_version(app, monkeypatch):
    from api import explorer as blueprint

    with app.app_context():
        first = blueprint.explorer()
        monkeypatch.setattr(Explorer, "from_reader", classmethod(lambda cls, *a, **k: pytest.fail("built again")))
        assert blueprint.explorer() is first
