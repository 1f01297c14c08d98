"""The one conversion from the RDF graph to a typed networkx graph; every question in ``qhfin.explore`` and every
export in ``qhfin.exports`` starts from what this returns.

Shaped after rdflib's ``extras/external_graph_libs.py`` (``rdflib_to_networkx_multidigraph(graph, edge_attrs=…)``):
one pass over the triples of a fixed set of predicates, nodes keyed by IRI, edges keyed by predicate. Unlike
rdflib's generic version it keeps only the typed things of the plan (tasks, paragraphs, bodies, instruments,
themes, target groups, targets) and reads each link's qualified node, so that every edge carries its basis
(stated / rule / curated), the quoted evidence and, for bodies, the role. Edges point the way the RDF triples do
(task → body, task → target, task → the task it depends on, clause → sentence, narrower → broader concept).

Every attribute is a string, an int or a bool, so the graph writes to GraphML and GEXF unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .namespaces import ELI, QHFIN
from .resolve import label
from .terms import BASES, BASIS_NAME, ROLE_NAME, Labels

if TYPE_CHECKING:  # networkx is imported where it is used: the service starts without it
    import networkx as nx

KINDS: dict[str, tuple[URIRef, ...]] = {  # node kind → the classes whose members are nodes of that kind
    "task": (QHFIN.Task,),
    "paragraph": (QHFIN.Paragraph,),
    "body": (QHFIN.Body, QHFIN.BodyGroup),
    "instrument": (QHFIN.Instrument,),
    "theme": (QHFIN.Theme,),
    "group": (QHFIN.TargetGroup,),
    "target": (QHFIN.Target,),
}

LINKS = {  # the task links that have a qualified node beside them
    QHFIN.responsibleBody: "responsibleBody",
    QHFIN.usesInstrument: "usesInstrument",
    QHFIN.supportsTheme: "supportsTheme",
    QHFIN.targetsGroup: "targetsGroup",
    QHFIN.contributesTo: "contributesTo",
    QHFIN.dependsOn: "dependsOn",
}
STRUCTURE = {  # links of the document and the vocabularies: no qualified node, their basis is the structure itself
    ELI.is_part_of: "is_part_of",  # task → paragraph
    QHFIN.subTaskOf: "subTaskOf",  # clause → sentence (the RDF also says eli:is_part_of; one edge is enough)
    SKOS.broader: "broader",  # narrower → broader concept of the same kind
}
PREDICATE_IRI = {name: iri for iri, name in (LINKS | STRUCTURE).items()}
PREDICATE_ZH = {"responsibleBody": "责任单位", "usesInstrument": "使用工具", "supportsTheme": "服务主题",
                "targetsGroup": "服务对象", "contributesTo": "推动目标", "dependsOn": "依赖",
                "is_part_of": "属于段落", "subTaskOf": "分句属于", "broader": "上位概念"}

BASIS = BASIS_NAME
# the words from the ontology (qhfin.terms); "structure" names no basis there: the edge is the document's or a vocabulary's
BASIS_ZH = Labels(BASES, extra={"structure": ("文档与词表结构", "document and vocabulary structure")})
BASIS_RANK = {"stated": 0, "curated": 1, "rule": 2}
ROLE = ROLE_NAME
ROLE_RANK = {"lead": 0, "per-duty": 1, "addressee": 2, "cooperating": 3, "mentioned": 4}


@dataclass(frozen=True)
class Qualification:
    """What one qualified node says about one direct triple."""

    role: str | None
    basis: str
    evidence: str
    offset: int
    rule: str
    via: str
    note: str

    def rank(self) -> tuple[int, int]:
        return BASIS_RANK.get(self.basis, 9), -bool(self.evidence)


def _kinds(graph: Graph) -> dict[URIRef, str]:
    kinds: dict[URIRef, str] = {}
    for kind, classes in KINDS.items():
        for cls in classes:
            for node in graph.subjects(RDF.type, cls):
                if isinstance(node, URIRef):
                    kinds.setdefault(node, kind)
    return kinds


def _text(graph: Graph, node: URIRef, prop: URIRef) -> str:
    value = graph.value(node, prop)
    return str(value) if value is not None else ""


def _chapter(notation: str) -> int:
    head = notation.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def _paragraph_notation(iri: URIRef) -> str:
    """``…/ch4/s2/ss3/p1`` → ``4-2-3-1``: the same numbering the task notations use."""
    parts = str(iri).split("/qh-fin-14fyp/", 1)[-1].split("/")
    return "-".join("".join(ch for ch in part if ch.isdigit()) for part in parts)


def _node_attrs(graph: Graph, node: URIRef, kind: str) -> dict[str, object]:
    attrs: dict[str, object] = {"kind": kind, "label": label(graph, node), "label_en": label(graph, node, "en")}
    if kind == "task":
        notation = _text(graph, node, SKOS.notation) or str(node).rsplit("/", 1)[-1]
        text = _text(graph, node, QHFIN.sourceText)
        if attrs["label"] == notation:  # no curated label yet: the opening words of the text stand in
            attrs["label"] = text[:24] + ("…" if len(text) > 24 else "")
        attrs.update(notation=notation, chapter=_chapter(notation), text=text,
                     order=int(graph.value(node, QHFIN.order) or 0))
    elif kind == "paragraph":
        notation = _paragraph_notation(node)
        attrs.update(notation=notation, chapter=_chapter(notation), text=_text(graph, node, QHFIN.sourceText))
    else:
        attrs["notation"] = str(node).rsplit("/", 1)[-1]
    if kind == "body":
        attrs["body_group"] = (node, RDF.type, QHFIN.BodyGroup) in graph
        attrs["named_in_plan"] = graph.value(node, QHFIN.namedInPlan) != Literal(False)
    return attrs


def qualifications(graph: Graph, task: URIRef, prop: URIRef, obj: URIRef) -> list[Qualification]:
    """Every qualified node of one direct triple, best first (stated, then curated, then rule)."""
    found = []
    for node in graph.objects(task, QHFIN.involvement if prop == QHFIN.responsibleBody else QHFIN.qualifiedLink):
        if graph.value(node, QHFIN.linkProperty) != prop or graph.value(node, QHFIN.linkObject) != obj:
            continue
        rule = graph.value(node, QHFIN.rule)
        notes = sorted((n for n in graph.objects(node, QHFIN.curationNote) if isinstance(n, Literal)),
                       key=lambda n: (n.language != "zh", str(n)))
        offset = graph.value(node, QHFIN.evidenceOffset)
        found.append(Qualification(
            role=ROLE.get(graph.value(node, QHFIN.role)),
            basis=BASIS.get(graph.value(node, QHFIN.basis), "unknown"),
            evidence=_text(graph, node, QHFIN.evidence),
            offset=int(offset) if offset is not None else -1,
            rule=str(graph.value(rule, SKOS.notation) or str(rule).rsplit("/", 1)[-1]) if rule is not None else "",
            via=str(graph.value(node, QHFIN.viaConcept) or ""),
            note=str(notes[0]) if notes else "",
        ))
    # best first; ties in a fixed order, not the store's, so the edges come out the same however the graph was read
    return sorted(found, key=lambda q: (q.rank(), q.role or "", q.offset, q.evidence, q.rule, q.via, q.note))


def _link_edges(graph: Graph, task: URIRef, prop: URIRef, obj: URIRef) -> list[tuple[str, dict[str, object]]]:
    """One edge per role for bodies (a body can lead one clause and be mentioned in it), one edge otherwise."""
    name = LINKS[prop]
    quals = qualifications(graph, task, prop, obj)
    groups: dict[str | None, list[Qualification]] = {}
    for q in quals:
        groups.setdefault(q.role if prop == QHFIN.responsibleBody else None, []).append(q)
    if not groups:  # a direct triple with no qualified node: kept, and says so
        groups[None] = [Qualification(None, "unknown", "", -1, "", "", "")]
    edges = []
    for role, qs in groups.items():
        best = qs[0]
        attrs: dict[str, object] = {"predicate": name, "basis": best.basis,
                                    "bases": "+".join(sorted({q.basis for q in qs}, key=BASIS_RANK.get)),
                                    "evidence": best.evidence, "offset": best.offset, "rule": best.rule,
                                    "via": best.via, "note": best.note}
        if role is not None:
            attrs["role"] = role
        edges.append((f"{name}:{role}" if role else name, attrs))
    return edges


def rdf_to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """The typed graph: nodes keyed by IRI with ``kind``/``label``/``label_en``; edges keyed by predicate
    (``responsibleBody:lead`` for bodies) with ``predicate``, ``basis``, ``evidence`` and the rest."""
    import networkx as nx
    kinds = _kinds(graph)
    paragraphs = {o for t, k in kinds.items() if k == "task" for o in graph.objects(t, ELI.is_part_of)
                  if kinds.get(o) == "paragraph"}  # only the paragraphs that hold tasks (Chapters 4–7)
    net = nx.MultiDiGraph(name="qhfin")
    for node, kind in sorted(kinds.items()):
        if kind != "paragraph" or node in paragraphs:
            net.add_node(str(node), **_node_attrs(graph, node, kind))
    # edges in IRI order, not the store's: the exports come out the same however the graph was read
    for prop in LINKS:
        for task, obj in sorted(graph.subject_objects(prop)):
            if str(task) in net and str(obj) in net:
                for key, attrs in _link_edges(graph, task, prop, obj):
                    net.add_edge(str(task), str(obj), key=key, **attrs)
    for prop, name in STRUCTURE.items():
        for s, o in sorted(graph.subject_objects(prop)):
            if str(s) not in net or str(o) not in net:
                continue
            if name == "is_part_of" and kinds.get(o) != "paragraph":
                continue  # clause → sentence is the subTaskOf edge
            if name == "broader" and kinds.get(s) != kinds.get(o):
                continue
            net.add_edge(str(s), str(o), key=name, predicate=name, basis="structure", bases="structure",
                         evidence="", offset=-1, rule="", via="", note="")
    return net


__all__ = ["KINDS", "LINKS", "STRUCTURE", "Qualification", "qualifications", "rdf_to_networkx"]
