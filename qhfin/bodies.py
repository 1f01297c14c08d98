"""Who answers for a body's tasks: the body itself, the bodies it succeeded, and — one step — the groups it belongs to.

A policy officer asking for 国家金融监督管理总局青海监管局 in 2026 means the tasks the plan (2021) gave its predecessor,
青海银保监局; asking for 青海银行 she also means the tasks the plan addresses to 地方法人银行, a group the bank belongs
to. Membership is one step (a body's direct ``skos:broader`` groups): climbing on, every guarantee company would end
up answering for every local financial organisation. Successions follow ``org:ChangeEvent`` (``org:resultedFrom`` /
``org:originalOrganization``) and keep their certainty: an unconfirmed reform is said to be unconfirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from .namespaces import ORG, QHFIN
from .resolve import label

HOW = {"direct": ("本单位", "itself"), "succeeds": ("承继", "succeeds"), "via": ("经由", "via")}


@dataclass(frozen=True)
class Concern:
    """A body whose tasks concern the asked one, and how: itself, a predecessor it succeeds, or a group it is in."""

    iri: URIRef
    how: str  # direct | succeeds | via
    certain: bool = True


def _is_body(graph: Graph, iri: object) -> bool:
    return any((iri, RDF.type, c) in graph for c in (QHFIN.Body, QHFIN.BodyGroup))


def change(graph: Graph, body: URIRef, direction: str) -> list[tuple[URIRef, URIRef]]:
    """(other body, event) for the bodies this one became ("after") or came from ("before"), one reform step."""
    found = []
    if direction == "after":
        for event in graph.objects(body, ORG.changedBy):
            found += [(o, event) for o in graph.objects(event, ORG.resultingOrganization)]
        for event in graph.subjects(ORG.originalOrganization, body):
            found += [(o, event) for o in graph.objects(event, ORG.resultingOrganization)]
    else:
        for event in graph.objects(body, ORG.resultedFrom):
            found += [(o, event) for o in graph.objects(event, ORG.originalOrganization)]
        for event in graph.subjects(ORG.resultingOrganization, body):
            found += [(o, event) for o in graph.objects(event, ORG.originalOrganization)]
    return sorted(set(found))


def _certain(graph: Graph, event: URIRef) -> bool:
    return graph.value(event, QHFIN.certainty) != QHFIN.Unconfirmed


def groups(graph: Graph, body: URIRef) -> list[URIRef]:
    """The groups a body belongs to directly (one step), in label order."""
    return sorted((g for g in graph.objects(body, SKOS.broader) if _is_body(graph, g)), key=lambda g: label(graph, g))


def concerns(graph: Graph, body: URIRef, direct: bool = False) -> list[Concern]:
    """The bodies whose tasks answer a question about ``body``, best first: itself, every body it succeeded (and
    theirs), then its groups unless ``direct``."""
    found = [Concern(body, "direct")]
    frontier, certain = [(body, True)], {body: True}
    while frontier:
        current, sure = frontier.pop(0)
        for before, event in change(graph, current, "before"):
            if before not in certain:
                certain[before] = sure and _certain(graph, event)
                found.append(Concern(before, "succeeds", certain[before]))
                frontier.append((before, certain[before]))
    if not direct:
        seen = {c.iri for c in found}
        found += [Concern(g, "via") for g in groups(graph, body) if g not in seen]
    return found


def status(graph: Graph, body: URIRef) -> dict:
    """What the body is now: its successors after the reforms (with date and certainty) and its predecessors."""
    def ref(iri: URIRef, event: URIRef) -> dict:
        date = graph.value(event, DCTERMS.date)
        return {"id": str(iri), "label": label(graph, iri), "label_en": label(graph, iri, "en"),
                "date": str(date) if isinstance(date, Literal) else None, "certain": _certain(graph, event),
                "event": str(event), "event_label": label(graph, event), "event_label_en": label(graph, event, "en")}

    return {"now": [ref(o, e) for o, e in change(graph, body, "after")],
            "before": [ref(o, e) for o, e in change(graph, body, "before")],
            "groups": [{"id": str(g), "label": label(graph, g), "label_en": label(graph, g, "en")} for g in groups(graph, body)]}


def short_label(graph: Graph, iri: URIRef) -> str:
    """The shortest Chinese name that still reads as a name (青海银保监局 rather than the full title)."""
    names = [str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(iri, p)
             if isinstance(v, Literal) and v.language == "zh" and len(str(v)) >= 4]
    return min(names, key=lambda n: (len(n), n)) if names else label(graph, iri)


def how_text(graph: Graph, concern: Concern) -> tuple[str, str]:
    """“承继 青海银保监局” / “succeeds …”, “经由 政府性融资担保机构” / “via …”; empty for the body itself."""
    if concern.how == "direct":
        return "", ""
    zh, en = HOW[concern.how]
    unsure_zh, unsure_en = ("（未经证实）", " (unconfirmed)") if not concern.certain else ("", "")
    return (f"{zh} {short_label(graph, concern.iri)}{unsure_zh}", f"{en} {label(graph, concern.iri, 'en')}{unsure_en}")
