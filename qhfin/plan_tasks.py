"""The plan's tasks as the graph holds them: in the plan's order, at sentence or clause level, each with its notation
and the document units above it. What the matrix, the measures, the targets, the review and the evaluation all walk.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .namespaces import ELI, QHFIN


def sentence_tasks(graph: Graph) -> list[URIRef]:
    """Sentence-level tasks in plan order."""
    return sorted(
        (t for t in graph.subjects(RDF.type, QHFIN.Task) if graph.value(t, QHFIN.subTaskOf) is None),
        key=lambda t: int(graph.value(t, QHFIN.order)),
    )


def leaf_tasks(graph: Graph) -> list[URIRef]:
    """Tasks in plan order; a sentence split into clauses is represented by its clauses."""
    result = []
    for sentence in sentence_tasks(graph):
        subs = sorted(graph.subjects(QHFIN.subTaskOf, sentence), key=lambda t: int(graph.value(t, QHFIN.startOffset)))
        result.extend(subs or [sentence])
    return result


def notation(graph: Graph, task: URIRef) -> str:
    """4-1-1-1-2, or 4-3-3-1-1.2 for a clause."""
    return str(graph.value(task, SKOS.notation))


def doc_path(graph: Graph, task: URIRef) -> list[URIRef]:
    """Document units from the chapter down to the paragraph holding the task."""
    units, node = [], graph.value(task, ELI.is_part_of)
    while node is not None and (node, RDF.type, QHFIN.Task) in graph:
        node = graph.value(node, ELI.is_part_of)
    while node is not None and (node, RDF.type, QHFIN.Plan) not in graph:
        units.insert(0, node)
        node = graph.value(node, ELI.is_part_of)
    return units
