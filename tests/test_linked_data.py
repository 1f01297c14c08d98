"""Linked Data as a client sees it: every IRI under /id/ dereferences by content negotiation, the dataset is
described at /.well-known/void, the dumps download, and no path reaches a file."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID

from qhfin.namespaces import BASE, QB, QHFIN

RDF_FORMATS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt"}
KINDS = {  # an example of every kind of thing the graph names
    "task": QHFIN.Task, "paragraph": QHFIN.Paragraph, "section": QHFIN.Section, "chapter": QHFIN.Chapter,
    "theme": QHFIN.Theme, "instrument": QHFIN.Instrument, "group": QHFIN.TargetGroup, "body": QHFIN.Body,
    "target": QHFIN.Target, "observation": QB.Observation, "indicator": QHFIN.Indicator, "rule": QHFIN.Rule,
    "finding": QHFIN.DataQualityFinding, "repair": QHFIN.SourceRepair, "link": QHFIN.LinkAssertion,
    "involvement": QHFIN.Involvement, "unit": QHFIN.Unit,
}


@pytest.fixture(scope="module")
def examples(graph) -> dict[str, URIRef]:
    found = {}
    for kind, cls in KINDS.items():
        members = sorted(s for c in graph.transitive_subjects(RDFS.subClassOf, cls)
                         for s in graph.subjects(RDF.type, c) if str(s).startswith(BASE + "id/"))
        found[kind] = members[0] if members else None
    return found


def path_of(iri: URIRef) -> str:
    return "/" + str(iri)[len(BASE):]


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("media", sorted(RDF_FORMATS))
def test_every_kind_of_iri_gives_its_triples(client, examples, kind, media):
    iri = examples[kind]
    assert iri is not None, f"图谱中没有{kind} / the graph has no {kind}"
    response = client.get(path_of(iri), headers={"Accept": media})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    described = Graph().parse(data=response.data, format=RDF_FORMATS[media])
    assert (iri, RDF.type, None) in described


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_people_get_a_page_in_chinese(client, examples, kind):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(path_of(examples[kind]), headers={"Accept": browser})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_a_task_carries_its_links_and_their_reasons(client, graph):
    task = next(t for t in sorted(graph.subjects(QHFIN.qualifiedLink, None)))
    described = Graph().parse(data=client.get(path_of(task) + "?format=ttl").data, format="turtle")
    link = next(described.objects(task, QHFIN.qualifiedLink))
    assert (link, QHFIN.basis, None) in described, "the reason travels with the link"
    body = next(described.objects(task, QHFIN.responsibleBody), None)
    if body is not None:
        assert any(described.objects(body, RDFS.label)) or any(described.objects(body, URIRef(
            "http://www.w3.org/2004/02/skos/core#prefLabel"))), "labels come along, so one request suffices"


def test_a_concept_lists_what_points_at_it(client, graph):
    theme = next(iter(sorted(graph.subjects(RDF.type, QHFIN.Theme))))
    described = Graph().parse(data=client.get(path_of(theme) + "?format=nt").data, format="nt")
    assert set(described.subjects(QHFIN.supportsTheme, theme)) == set(graph.subjects(QHFIN.supportsTheme, theme))


@pytest.mark.parametrize(("fmt", "media"), [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                            ("nt", "application/n-triples"), ("html", "text/html"),
                                            ("json", "application/json")])
def test_format_parameter_overrides_accept(client, fmt, media):
    response = client.get(f"/id/task/4-1-1-1-1?format={fmt}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == media


@pytest.mark.parametrize("name", ["stated", "derived", "curated", "plan"])
def test_the_named_graphs_dereference_too(client, dataset, name):
    response = client.get(f"/id/graph/{name}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    described = Graph().parse(data=response.data, format="turtle")
    iri = URIRef(BASE + f"id/graph/{name}")
    named = next(g for g in dataset.graphs() if g.identifier == iri)
    assert int(described.value(iri, VOID.triples)) == len(named)


def test_the_link_header_names_the_other_representations(client):
    link = client.get("/id/task/4-1-1-1-1", headers={"Accept": "text/turtle"}).headers["Link"]
    assert 'type="application/ld+json"' in link and 'rel="alternate"' in link


@pytest.mark.parametrize("accept", ["image/png", "application/pdf", "text/csv"])
def test_unacceptable_media_types_get_406(client, accept):
    response = client.get("/id/task/4-1-1-1-1", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.get_json()["error"]["message"]["en"]


def test_no_accept_header_means_anything(client):
    assert client.get("/id/task/4-1-1-1-1").status_code == 200


@pytest.mark.parametrize("path", ["/id/task/9-9-9-9-9", "/id/theme/no-such-theme", "/id/nothing"])
def test_unknown_iris_are_404(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown-iri"


@pytest.mark.parametrize("path", [
    "/id/../../../../etc/passwd",
    "/id/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/id/..%2f..%2f..%2fetc%2fpasswd",
    "/id/task/../../../pyproject.toml",
    "/dumps/../pyproject.toml",
    "/dumps/..%2f..%2fpyproject.toml",
    "/dumps/%2e%2e/%2e%2e/etc/passwd",
    "/dumps//etc/passwd",
    "/dumps/qhfin.trig/../../build/qhfin.trig",
    "/dumps/qhfin.ttl%00.txt",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/%2e%2e/etc/passwd",
])
def test_no_path_reaches_a_file(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "root:" not in body and "[project]" not in body


def test_void_describes_the_dataset_its_dumps_and_its_parts(client, graph):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    void = Graph().parse(data=response.data, format="turtle")
    dataset = next(void.subjects(VOID.dataDump, None))
    assert (dataset, RDF.type, DCAT.Dataset) in void
    assert int(void.value(dataset, VOID.triples)) == len(graph)
    dumps = {str(d).rsplit("/", 1)[-1] for d in void.objects(dataset, VOID.dataDump)}
    assert dumps == {"qhfin.ttl", "qhfin.nt", "qhfin.trig", "qhfin.nq", "qhfin.jsonld"}
    for dist in void.objects(dataset, DCAT.distribution):
        url = void.value(dist, DCAT.downloadURL)
        if url is not None:
            assert client.head(urlsplit(str(url)).path).status_code == 200
    subsets = {str(void.value(s, RDFS.label)) for s in void.objects(dataset, VOID.subset)}
    assert {"stated", "plan"} <= subsets


def test_void_answers_at_once_and_says_which_figures_it_is_still_counting(app_with, graph):
    """On a large store the counts take seconds (10 s at 5 M quads): VoID gives what is counted when it is asked,
    says the rest is being counted, and gives it when asked again — never a page that waits for the whole count."""
    client = app_with(void_wait=0.0).test_client()
    first = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert first.status_code == 200
    assert first.headers["Retry-After"] and first.headers["Cache-Control"] == "no-store"  # not to be kept
    void = Graph().parse(data=first.data, format="turtle")
    dataset = URIRef(BASE + "id/dataset/qhfin")
    assert void.value(dataset, VOID.triples) is None and void.value(dataset, VOID.subset) is None
    description = next(void.subjects(FOAF.primaryTopic, dataset))
    assert (description, RDF.type, VOID.DatasetDescription) in void
    assert {c.language for c in void.objects(description, RDFS.comment) if "计数" in c or "counted" in c} == {"zh", "en"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the count went on after the answer
        later = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
        void = Graph().parse(data=later.data, format="turtle")
        if void.value(dataset, VOID.triples) is not None and "Retry-After" not in later.headers:
            break
        time.sleep(0.05)
    assert int(void.value(dataset, VOID.triples)) == len(graph)
    assert void.value(dataset, VOID.subset) is not None and "Cache-Control" not in later.headers
    assert not list(void.objects(description, RDFS.comment))
    counted_at = void.value(description, DCTERMS.modified).toPython()
    assert abs(counted_at.timestamp() - time.time()) < 120


@pytest.mark.parametrize(("name", "fmt"), [("qhfin.ttl", "TURTLE"), ("qhfin.nt", "N_TRIPLES"), ("qhfin.jsonld", "JSON_LD")])
def test_dumps_hold_the_whole_graph(client, graph, name, fmt):
    import pyoxigraph as ox

    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    assert f'filename="{name}"' in response.headers["Content-Disposition"]
    assert len(set(ox.parse(response.data, format=getattr(ox.RdfFormat, fmt)))) == len(graph)


@pytest.mark.parametrize(("name", "fmt"), [("qhfin.trig", "TRIG"), ("qhfin.nq", "N_QUADS")])
def test_quad_dumps_keep_the_named_graphs(client, dataset, name, fmt):
    import pyoxigraph as ox

    quads = list(ox.parse(client.get(f"/dumps/{name}").data, format=getattr(ox.RdfFormat, fmt)))
    names = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert {BASE + "id/graph/plan", BASE + "id/graph/stated"} <= names
    assert len(quads) == sum(len(g) for g in dataset.graphs())


@pytest.mark.slow
@pytest.mark.parametrize(("name", "fmt"), [("qhfin.ttl", "turtle"), ("qhfin.jsonld", "json-ld")])
def test_rdflib_reads_the_dumps_too(client, graph, name, fmt):
    assert len(Graph().parse(data=client.get(f"/dumps/{name}").data, format=fmt)) == len(graph)


def test_a_dump_is_not_sent_again_when_unchanged(client):
    first = client.get("/dumps/qhfin.nt")
    again = client.get("/dumps/qhfin.nt", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
