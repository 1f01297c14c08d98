"""Issue 14, part 2: Linked Data, VoID and the dumps read through the engine (named queries), with the same answers
the whole-graph rdflib copy gave — compared here, for a sample of every kind of resource, against that copy."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, VOID

from api.details import ID_BASE, describe
from qhfin.namespaces import QB, QHFIN

KINDS = {  # kind → its class; the first and the last member of each (in IRI order) are described
    "task": QHFIN.Task, "paragraph": QHFIN.Paragraph, "section": QHFIN.Section, "chapter": QHFIN.Chapter,
    "theme": QHFIN.Theme, "instrument": QHFIN.Instrument, "group": QHFIN.TargetGroup, "body": QHFIN.Body,
    "body-group": QHFIN.BodyGroup, "target": QHFIN.Target, "indicator": QHFIN.Indicator,
    "observation": QB.Observation, "actual-figure": QHFIN.ActualFigure, "unit": QHFIN.Unit, "rule": QHFIN.Rule,
    "finding": QHFIN.DataQualityFinding, "repair": QHFIN.SourceRepair, "link": QHFIN.LinkAssertion,
    "involvement": QHFIN.Involvement,
}
FIXED = {  # resources whose description is special: blank nodes, the dataset itself, a concept scheme
    "dsd-with-blank-nodes": ID_BASE + "dataset/plan-figures-dsd",
    "dataset": ID_BASE + "dataset/qhfin",
    "task-with-clauses": ID_BASE + "task/4-3-3-1-1",
    "theme-rural-revitalization": ID_BASE + "theme/rural-revitalization",
}


def members(graph: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for c in graph.transitive_subjects(RDFS.subClassOf, cls) for s in graph.subjects(RDF.type, c)
                  if isinstance(s, URIRef) and str(s).startswith(ID_BASE))


def comparable(graph: Graph) -> set[tuple]:
    """The triples, each blank node replaced by what it says (the engine names blank nodes its own way)."""
    def term(node: object) -> object:
        if isinstance(node, BNode):
            return frozenset((p, o) for p, o in graph.predicate_objects(node) if not isinstance(o, BNode))
        return node

    return {(term(s), p, term(o)) for s, p, o in graph}


def samples() -> list:
    params = [pytest.param(kind, end, id=f"{kind}-{end}") for kind in KINDS for end in ("first", "last")]
    return params + [pytest.param(name, None, id=name) for name in FIXED]


@pytest.fixture()
def reader(app):
    return app.extensions["qhfin"].reader


@pytest.mark.parametrize(("kind", "end"), samples())
def test_a_resource_is_described_as_the_whole_graph_described_it(client, graph, kind, end):
    if end is None:
        iri = URIRef(FIXED[kind])
    else:
        found = members(graph, KINDS[kind])
        assert found, f"图谱中没有{kind} / the graph has no {kind}"
        iri = found[0] if end == "first" else found[-1]
    response = client.get("/" + str(iri)[len("https://w3id.org/qhfin/"):], headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    served = Graph().parse(data=response.data, format="nt")
    expected = describe(graph, iri)
    assert len(served) == len(expected) and comparable(served) == comparable(expected)


def test_turtle_keeps_the_prefixes_it_had(client, graph):
    text = client.get("/id/task/4-1-1-1-1?format=ttl").get_data(as_text=True)
    assert "PREFIX qhfin:" in text or "@prefix qhfin:" in text


@pytest.mark.parametrize("name", ["plan", "stated", "derived", "curated"])  # the others are described as subjects
def test_a_named_graph_counts_its_triples_in_the_store(client, dataset, name):
    iri = URIRef(ID_BASE + f"graph/{name}")
    described = Graph().parse(data=client.get(f"/id/graph/{name}?format=nt").data, format="nt")
    assert int(described.value(iri, VOID.triples)) == len(dataset.graph(iri))


def test_void_gives_the_numbers_the_whole_graph_gave(client, graph, dataset):
    void = Graph().parse(data=client.get("/.well-known/void?format=ttl").data, format="turtle")
    ds = URIRef(ID_BASE + "dataset/qhfin")
    subjects = set(graph.subjects())
    assert int(void.value(ds, VOID.triples)) == len(graph)
    assert int(void.value(ds, VOID.distinctSubjects)) == len(subjects)
    assert int(void.value(ds, VOID.entities)) == len({s for s in subjects if isinstance(s, URIRef) and str(s).startswith(ID_BASE)})
    assert int(void.value(ds, VOID.classes)) == len(set(graph.objects(None, RDF.type)))
    assert set(graph.predicate_objects(ds)) <= set(void.predicate_objects(ds))
    sizes = {str(void.value(s, RDFS.label)): int(void.value(s, VOID.triples)) for s in void.objects(ds, VOID.subset)}
    assert sizes == {str(g.identifier).rsplit("/", 1)[-1]: len(g) for g in dataset.graphs() if len(g)}
    assert set(void.objects(ds, VOID.exampleResource)) == {URIRef(ID_BASE + "task/4-1-1-1-1"),
                                                           URIRef(ID_BASE + "theme/rural-revitalization")}


def test_the_counts_are_read_once_per_graph_version(reader, monkeypatch):
    from qhfin import void

    void.counts(reader)
    calls = []
    monkeypatch.setattr(reader, "rows", lambda *a, **k: calls.append(a) or [])
    assert void.counts(reader)["triples"] > 0 and not calls


@pytest.mark.parametrize("name", ["qhfin.nt", "qhfin.ttl", "qhfin.jsonld"])
def test_a_triple_dump_is_the_union_each_triple_once(client, graph, name):
    import pyoxigraph as ox

    response = client.get(f"/dumps/{name}", buffered=False)  # as a server sends it: written as it is read
    assert response.is_streamed
    fmt = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[name.rsplit(".", 1)[1]]
    try:
        triples = list(ox.parse(response.data, format=fmt))
    finally:
        response.close()
    assert len(triples) == len(set(triples)) == len(graph)


def test_a_quad_dump_is_every_graph_as_it_is(client, dataset):
    import pyoxigraph as ox

    quads = {(q.graph_name.value, str(q.subject), str(q.predicate), str(q.object))
             for q in ox.parse(client.get("/dumps/qhfin.nq").data, format=ox.RdfFormat.N_QUADS)}
    expected = {(str(g.identifier), s.n3(), p.n3(), o.n3()) for g in dataset.graphs() for s, p, o in g}
    assert len(quads) == len(expected) == sum(len(g) for g in dataset.graphs())


def test_a_dump_streams_in_pieces_and_stops_when_abandoned(reader):
    import threading

    from qhfin.dumps import dump

    pieces = dump(reader, "nt")
    first = next(pieces)
    assert first and next(pieces)  # more than one piece: it is written as it is read, not all at once
    pieces.close()  # the client went away
    for thread in threading.enumerate():
        if thread.name == "qhfin-dump":
            thread.join(5)
            assert not thread.is_alive(), "the serializer stops once nobody reads"


@pytest.mark.parametrize("path", ["/.well-known/void", "/id/task/4-1-1-1-1?format=ttl", "/api/evaluation",
                                  "/api/impact?node=乡村振兴", "/dumps/qhfin.nt"])
def test_an_engine_that_refuses_a_read_is_a_503_not_a_bug(app_with, monkeypatch, path):
    from qhfin.reader import Reader
    from qhfin.sparql import Busy

    def busy(*args, **kwargs):
        raise Busy("服务繁忙", "The service is busy", "test")

    monkeypatch.setattr(Reader, "_answer", busy)
    response = app_with(result_cache_mb=3).test_client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == Busy.code
