"""Issue 14, part 2, on an external store: Linked Data, VoID, the dumps, the explorer and the evaluation read
through a real Oxigraph server (loaded with ``qhfin load --to``, no union default graph) give the answers the whole
rdflib graph gave."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from api.details import ID_BASE, describe
from qhfin.evaluation import evaluation, evaluation_from
from qhfin.explore import Explorer

SAMPLE = ["task/4-1-1-1-1", "task/4-3-3-1-1", "theme/rural-revitalization", "body/pboc-xining",
          "target/insurance-depth-2025", "dataset/plan-figures-dsd"]


@pytest.fixture(scope="module")
def external(app_with, oxigraph_server):
    return app_with(sparql_endpoint=oxigraph_server + "/query")


@pytest.fixture(scope="module")
def client(external):
    return external.test_client()


@pytest.fixture(scope="module")
def reader(external):
    return external.extensions["qhfin"].reader


@pytest.mark.parametrize("path", SAMPLE)
def test_a_resource_is_described_as_before(client, graph, path):
    from test_reader_linked_data import comparable

    served = Graph().parse(data=client.get(f"/id/{path}?format=nt").data, format="nt")
    assert comparable(served) == comparable(describe(graph, URIRef(ID_BASE + path)))


def test_void_counts_as_before(client, graph):
    void = Graph().parse(data=client.get("/.well-known/void?format=ttl").data, format="turtle")
    ds = URIRef(ID_BASE + "dataset/qhfin")
    assert int(void.value(ds, VOID.triples)) == len(graph)
    assert int(void.value(ds, VOID.distinctSubjects)) == len(set(graph.subjects()))


@pytest.mark.parametrize(("name", "fmt"), [("qhfin.nt", ox.RdfFormat.N_TRIPLES), ("qhfin.nq", ox.RdfFormat.N_QUADS)])
def test_dumps_stream_from_the_store(client, graph, dataset, name, fmt):
    statements = list(ox.parse(client.get(f"/dumps/{name}").data, format=fmt))
    expected = len(graph) if fmt == ox.RdfFormat.N_TRIPLES else sum(len(g) for g in dataset.graphs())
    assert len(statements) == len(set(statements)) == expected


def test_the_explorer_is_the_same(reader, graph):
    read, whole = Explorer.from_reader(reader), Explorer.from_graph(graph)
    assert dict(read.net.nodes(data=True)) == dict(whole.net.nodes(data=True))
    assert sorted(read.net.edges(keys=True)) == sorted(whole.net.edges(keys=True))


def test_the_evaluation_is_the_same(reader, graph):
    from test_reader_evaluation import settled

    assert settled(evaluation_from(reader)) == settled(evaluation(graph))
