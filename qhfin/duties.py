"""Duties the 2023–24 reforms moved between bodies (graph/vocab/duty-transfers.ttl), as the 2023 era applies them.

The reform did not only rename regulators: financial consumer protection left the PBoC for the new financial regulator,
enterprise-bond review left the DRC for the securities regulator, and so on. A row's lead or cooperating body is
reassigned only where the row's duty matches the transfer — its text contains one of the transfer's phrases, or it
serves one of its themes by a stated or reviewed link — and only where the move is attested. An unconfirmed move is
shown beside the old owner and never applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from .namespaces import QHFIN
from .resolve import label
from .status import node_status


@dataclass(frozen=True)
class Transfer:
    iri: URIRef
    duty: str  # the duty's Chinese name
    source: URIRef  # the body that held it in 2021
    target: URIRef | None  # the body that holds it after the reform; None: abolished, no known local successor
    phrases: tuple[str, ...]
    themes: frozenset[URIRef]
    whole: bool
    attested: bool
    evidence: str | None  # dcterms:source


def transfers(graph: Graph) -> list[Transfer]:
    found = []
    for t in sorted(graph.subjects(RDF.type, QHFIN.DutyTransfer)):
        duty = next((str(x) for x in graph.objects(t, RDFS.label) if isinstance(x, Literal) and x.language == "zh"), str(t))
        src = graph.value(t, DCTERMS.source)
        found.append(Transfer(t, duty, graph.value(t, QHFIN.dutyFrom), graph.value(t, QHFIN.dutyTo),
                              tuple(sorted(str(p) for p in graph.objects(t, QHFIN.dutyPhrase))),
                              frozenset(graph.objects(t, QHFIN.dutyTheme)),
                              bool(graph.value(t, QHFIN.wholeBody)) and str(graph.value(t, QHFIN.wholeBody)) == "true",
                              graph.value(t, QHFIN.certainty) == QHFIN.Attested, str(src) if src is not None else None))
    return found


def _themes(graph: Graph, task: URIRef) -> set[URIRef]:
    """Themes the task serves by the plan's words or the review's judgement (a rule's proposal is not enough)."""
    found = set()
    for node in graph.objects(task, QHFIN.qualifiedLink):
        if graph.value(node, QHFIN.linkProperty) == QHFIN.supportsTheme and node_status(graph, node) != "rule-proposal":
            found.add(graph.value(node, QHFIN.linkObject))
    return found


def matches(graph: Graph, task: URIRef, transfer: Transfer) -> bool:
    if transfer.whole:
        return True
    text = str(graph.value(task, QHFIN.sourceText) or "")
    return any(p in text for p in transfer.phrases) or bool(transfer.themes & _themes(graph, task))


def moved(graph: Graph, task: URIRef, body: URIRef) -> Transfer | None:
    for transfer in transfers(graph):
        if transfer.source == body and matches(graph, task, transfer):
            return transfer
    return None


def moved_name(graph: Graph, task: URIRef, body: URIRef) -> tuple[str, str | None] | None:
    """(the cell text, the new owner's IRI when the move applies) for a body whose duty in this row the reform moved;
    None when the reform moved nothing here."""
    t = moved(graph, task, body)
    if t is None:
        return None
    if t.target is not None and t.attested:
        return f"{label(graph, t.target)}（2023年改革承接{t.duty}职责，推导）", str(t.target)
    if t.target is not None:
        return f"{label(graph, body)}（2023—2024年改革后{t.duty}职责拟由{label(graph, t.target)}承接，未经证实，未改动）", None
    return f"{label(graph, body)}（2023年改革撤销，地方承接单位未经证实，未改动）", None


def moved_duties(graph: Graph) -> list[dict]:
    """Every transfer as data (for docs and the API)."""
    return [{"id": str(t.iri), "duty": t.duty, "from": str(t.source), "to": str(t.target) if t.target else None,
             "attested": t.attested, "phrases": list(t.phrases), "themes": sorted(str(x) for x in t.themes),
             "source": t.evidence} for t in transfers(graph)]
