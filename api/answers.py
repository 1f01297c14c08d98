"""The data behind both the JSON API and the pages, one dict per question (one data function, many renderers):
measures, the matrix, concepts, computed from bounded views through the engine (``qhfin.views``). Blueprints share
these through this module, never through each other."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from qhfin import views
from qhfin.matrix_filters import Filters
from qhfin.measures import Query
from qhfin.resolve import KINDS, label

from .details import local_href
from .limits import listed
from .params import state

CONCEPT_KINDS = ("theme", "instrument", "group", "body", "target")


def measures_of(query: Query) -> dict:
    """``qhfin.measures.measures`` for this query, from the measures view, once per graph version (read-only)."""
    return views.measures(state().reader, query)


def matrix_of(filters: Filters, level: str, era: str) -> dict:
    """``qhfin.matrix.matrix`` for these filters, from the tasks view, once per graph version (read-only)."""
    return views.matrix(state().reader, filters, level, era)


def names() -> Graph:
    """The names view: every named thing's class and names (labels, kinds and links of concepts and tasks)."""
    return views.names(state().reader)


def concept_list(q: str, kinds: tuple[str, ...]) -> dict:
    """Concepts any of whose names contains ``q`` (all of them when ``q`` is empty)."""
    graph = names()
    found = state().resolver.search(q, kinds) if q else [
        (kind, iri) for kind in kinds for iri in sorted({s for c in KINDS[kind] for s in graph.subjects(RDF.type, c)})]
    results = []
    for kind, iri in found:
        results.append({
            "id": str(iri), "kind": kind, "label": label(graph, iri), "label_en": label(graph, iri, "en"),
            "alt_labels": sorted(str(a) for a in graph.objects(iri, SKOS.altLabel)),
            "names": state().resolver.names(iri),
            "href": local_href(str(iri)),
            "measures": f"/api/measures?{kind}={quote(str(iri), safe='')}",
        })
    return {"query": {"q": q, "kind": list(kinds)}, "count": len(results), "results": results}


def concept_kinds() -> tuple[str, ...]:
    """The kinds asked for, each once (``kind=theme,theme`` is one kind: repeats must not multiply the work)."""
    return listed("kind", CONCEPT_KINDS, CONCEPT_KINDS[:4])
