"""What VoID and the Linked Data pages say about the dataset as a whole: its named graphs and their sizes, how many
triples, entities, subjects and classes it holds, and the triples a resource has as subject.

Each is one named query through the engine (``queries/graph-sizes.rq``, ``dataset-counts.rq``, ``properties.rq``),
so the numbers are the store's own, not a copy's; counting the whole dataset is the one expensive read here, so the
counts are remembered per graph version (``Reader.remember``) and cost one query per build, or per
``QHFIN_CACHE_SECONDS`` on an external store.
"""

from __future__ import annotations

from rdflib import URIRef
from rdflib.term import Node

from .reader import Reader

COUNTS = ("triples", "entities", "subjects", "classes")


def graph_sizes(reader: Reader) -> dict[URIRef, int]:
    """Each non-empty named graph of the dataset and its number of triples, in IRI order."""
    def make() -> dict[URIRef, int]:
        return {row["graph"]: int(row["triples"]) for row in reader.rows("graph-sizes")  # type: ignore[misc]
                if isinstance(row.get("graph"), URIRef)}

    return reader.remember(("void", "graph-sizes"), make)


def counts(reader: Reader) -> dict[str, int]:
    """Triples of the union (each once), entities under /id/, distinct subjects and classes."""
    def make() -> dict[str, int]:
        [row] = reader.rows("dataset-counts")
        return {name: int(row[name]) for name in COUNTS}  # type: ignore[call-overload]

    return reader.remember(("void", "counts"), make)


def properties(reader: Reader, iri: URIRef) -> list[tuple[Node, Node]]:
    """The (property, value) pairs of the triples whose subject is ``iri``; empty when the graph does not name it."""
    return reader.remember(("void", "properties", str(iri)),
                           lambda: [(row["property"], row["value"]) for row in reader.rows("properties", resource=iri)])


__all__ = ["COUNTS", "counts", "graph_sizes", "properties"]
