"""What the task page and the resource pages show, composed from ``qhfin`` functions (no Flask here).

A task page needs more than ``qhfin.measures.summary``: the paragraph with the sentence located in it, the reason for
every link, and the dependencies in both directions. A resource page needs the triples about one IRI.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from qhfin.measures import summary, why
from qhfin.namespaces import BASE, ELI, PREFIXES, QHFIN
from qhfin.resolve import KINDS, label

ID_BASE = BASE + "id/"
CONCEPT_LINKS = (("themes", QHFIN.supportsTheme), ("instruments", QHFIN.usesInstrument),
                 ("groups", QHFIN.targetsGroup), ("targets", QHFIN.contributesTo))
# nodes that belong to the resource pointing at them: described with it, as a concise bounded description would
OWNED = (QHFIN.qualifiedLink, QHFIN.involvement, QHFIN.repair, QHFIN.rejectedLink)
LABELS = (SKOS.prefLabel, RDFS.label)


def local_href(iri: str) -> str | None:
    """The path under which this service answers for an IRI of ours; None for IRIs elsewhere."""
    return "/" + iri[len(BASE):] if iri.startswith(ID_BASE) else None


def kind_of(graph: Graph, iri: URIRef) -> str:
    """theme / instrument / group / body / target / task, or the local name of its first class."""
    for kind, classes in KINDS.items():
        if any((iri, RDF.type, c) in graph for c in classes):
            return kind
    cls = graph.value(iri, RDF.type)
    return str(cls).rsplit("#", 1)[-1].rsplit("/", 1)[-1] if cls is not None else "resource"


def ref(graph: Graph, iri: URIRef) -> dict:
    """An IRI as pages show it: its labels and where to click."""
    notation = graph.value(iri, SKOS.notation)
    return {"id": str(iri), "label": label(graph, iri), "label_en": label(graph, iri, "en"),
            "notation": str(notation) if notation is not None else None, "href": local_href(str(iri))}


def paragraph_of(graph: Graph, task: URIRef) -> URIRef | None:
    node = graph.value(task, ELI.is_part_of)
    while node is not None and (node, RDF.type, QHFIN.Task) in graph:
        node = graph.value(node, ELI.is_part_of)
    return node


def locate(paragraph: str, sentence: str, near: int) -> int:
    """Where the sentence starts in its paragraph; of several occurrences, the one nearest ``near``; -1 if absent."""
    found, start = [], paragraph.find(sentence)
    while start >= 0:
        found.append(start)
        start = paragraph.find(sentence, start + 1)
    return min(found, key=lambda s: abs(s - near)) if found else -1


def highlighted(graph: Graph, task: URIRef) -> dict | None:
    """The paragraph split around the task's sentence, so that a page can mark it."""
    para = paragraph_of(graph, task)
    text = graph.value(para, QHFIN.sourceText) if para is not None else None
    if text is None:
        return None
    text, sentence = str(text), str(graph.value(task, QHFIN.sourceText))
    near = int(graph.value(task, QHFIN.startOffset) or 0) - int(graph.value(para, QHFIN.startOffset) or 0)
    at = locate(text, sentence, near)
    if at < 0:
        return {**ref(graph, para), "text": text, "before": text, "highlight": "", "after": ""}
    return {**ref(graph, para), "text": text, "before": text[:at], "highlight": sentence,
            "after": text[at + len(sentence):]}


def _tasks(graph: Graph, nodes: object) -> list[dict]:
    """Tasks in the order the plan prints them."""
    return sorted((ref(graph, t) for t in nodes), key=lambda r: int(graph.value(URIRef(r["id"]), QHFIN.startOffset) or 0))


def task_detail(graph: Graph, task: URIRef) -> dict:
    """A task with the reason for each of its links, its paragraph and its dependencies."""
    detail = summary(graph, task)
    for key, prop in CONCEPT_LINKS:
        for concept in detail[key]:
            concept["href"] = local_href(concept["id"])
            concept["why"] = why(graph, task, prop, URIRef(concept["id"]))
    for body in detail["bodies"]:
        body["href"] = local_href(body["id"])
        body["why"] = [r for r in why(graph, task, QHFIN.responsibleBody, URIRef(body["id"])) if r.get("role") == body["role"]]
    depends_on = []
    for other in graph.objects(task, QHFIN.dependsOn):
        depends_on.append({**ref(graph, other), "why": why(graph, task, QHFIN.dependsOn, other)})
    parent = graph.value(task, QHFIN.subTaskOf)
    detail.update({
        "href": local_href(str(task)),
        "paragraph": highlighted(graph, task),
        "depends_on": sorted(depends_on, key=lambda r: r["notation"] or ""),
        "depended_on_by": _tasks(graph, graph.subjects(QHFIN.dependsOn, task)),
        "part_of": ref(graph, parent) if parent is not None else None,
        "clauses": _tasks(graph, graph.subjects(QHFIN.subTaskOf, task)),
        "deadline_basis": str(graph.value(task, QHFIN.deadlineBasis) or "").rsplit("#", 1)[-1] or None,
        "needs_curation": [str(n) for n in graph.objects(task, QHFIN.needsCuration)
                           if isinstance(n, Literal) and n.language in ("zh", None)],
    })
    return detail


def describe(graph: Graph, iri: URIRef) -> Graph:
    """The triples that say what ``iri`` is: its own, those of the nodes it owns, the links pointing at it, and the
    labels of everything mentioned, so that a client needs no second request to show it. Empty when unknown."""
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    if (iri, None, None) not in graph:
        return out
    for p, o in graph.predicate_objects(iri):
        out.add((iri, p, o))
        if p in OWNED:
            for p2, o2 in graph.predicate_objects(o):
                out.add((o, p2, o2))
    for s, p in graph.subject_predicates(iri):
        out.add((s, p, iri))
    for node in {n for t in list(out) for n in (t[0], t[2]) if isinstance(n, URIRef) and n != iri}:
        for prop in LABELS:
            for value in graph.objects(node, prop):
                out.add((node, prop, value))
    return out


def curie(graph: Graph, iri: URIRef) -> str:
    try:
        return graph.namespace_manager.curie(iri, generate=False)
    except (ValueError, KeyError):
        return str(iri)


def _value(graph: Graph, node: object) -> dict:
    if isinstance(node, Literal):
        return {"literal": str(node), "lang": node.language,
                "datatype": str(node.datatype).rsplit("#", 1)[-1] if node.datatype else None}
    iri = URIRef(str(node))
    return {**ref(graph, iri), "curie": curie(graph, iri)}


def resource_view(graph: Graph, iri: URIRef) -> dict:
    """A resource as its page shows it: properties out and links in, grouped by property, labelled."""
    def prop(p: URIRef) -> dict:
        return {"id": str(p), "curie": curie(graph, p), "label": label(graph, p) if (p, RDFS.label, None) in graph
                else curie(graph, p), "label_en": label(graph, p, "en") if (p, RDFS.label, None) in graph else curie(graph, p)}

    out: dict[URIRef, list] = {}
    for p, o in sorted(graph.predicate_objects(iri)):
        out.setdefault(p, []).append(_value(graph, o))
    incoming: dict[URIRef, list] = {}
    for s, p in sorted(graph.subject_predicates(iri)):
        incoming.setdefault(p, []).append(_value(graph, s))
    return {
        **ref(graph, iri),
        "kind": kind_of(graph, iri),
        "types": [_value(graph, c) for c in sorted(graph.objects(iri, RDF.type))],
        "properties": [{"property": prop(p), "values": v} for p, v in out.items() if p != RDF.type],
        "incoming": [{"property": prop(p), "values": v} for p, v in incoming.items()],
    }
