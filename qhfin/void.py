"""What VoID and the Linked Data pages say about the dataset as a whole: its named graphs and their sizes, how many
triples, entities, subjects and classes it holds, and the triples a resource has as subject.

Each is one named query through the engine (``queries/graph-sizes.rq``, ``dataset-counts.rq``, ``properties.rq``),
so the numbers are the store's own, not a copy's. Counting the whole dataset is the one expensive read here — a
tenth of a second on the plan's graph, ten seconds on a store of 5 M quads — so the sizes and the counts are
tallies (``qhfin.tally``): counted in the background once per graph version, and a page that cannot wait for them
(VoID) gives what is counted and says what is not yet.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

from rdflib import URIRef
from rdflib.term import Node

from .reader import Reader
from .tally import Count

COUNTS = ("triples", "entities", "subjects", "classes")


def _graph_sizes(reader: Reader) -> dict[URIRef, int]:
    return {row["graph"]: int(row["triples"]) for row in reader.rows("graph-sizes")  # type: ignore[misc]
            if isinstance(row.get("graph"), URIRef)}


def _counts(reader: Reader) -> dict[str, int]:
    [row] = reader.rows("dataset-counts")
    return {name: int(row[name]) for name in COUNTS}  # type: ignore[call-overload]


ASKS = {"counts": _counts, "graph-sizes": _graph_sizes}  # the two tallies, by name


def _tallied(reader: Reader, name: str, wait: float | None) -> Count | None:
    return reader.counted(("void", name), partial(ASKS[name], reader), wait)


def graph_sizes(reader: Reader) -> dict[URIRef, int]:
    """Each non-empty named graph of the dataset and its number of triples, in IRI order (waiting for the count)."""
    return _tallied(reader, "graph-sizes", None).value  # type: ignore[union-attr]


def counts(reader: Reader) -> dict[str, int]:
    """Triples of the union (each once), entities under /id/, distinct subjects and classes (waiting for the
    count)."""
    return _tallied(reader, "counts", None).value  # type: ignore[union-attr]


@dataclass(frozen=True)
class Statistics:
    """The counts and the graph sizes as far as they were counted in time; what is still being counted (or counted
    again: a figure of an earlier graph version is given meanwhile) and what could not be (the store refused, or the
    count ran past the time limit); and when the figures given were counted."""

    counts: dict[str, int]
    graphs: dict[URIRef, int]
    pending: tuple[str, ...]
    failed: tuple[str, ...]
    as_of: float | None


def statistics(reader: Reader, wait: float) -> Statistics:
    """The dataset's counts and graph sizes, waiting at most ``wait`` seconds for both (counted side by side)."""
    deadline = time.monotonic() + wait
    for name in ASKS:  # both begun before either is waited for
        _tallied(reader, name, 0)
    tallies = {name: _tallied(reader, name, max(0.0, deadline - time.monotonic())) for name in ASKS}
    version = reader.version()
    failed = tuple(name for name in ASKS if reader.tally.failed(("void", name), version))
    return Statistics(tallies["counts"].value if tallies["counts"] else {},
                      tallies["graph-sizes"].value if tallies["graph-sizes"] else {},
                      tuple(name for name, t in tallies.items()
                            if name not in failed and (t is None or t.version != version)),
                      failed, min((t.at for t in tallies.values() if t is not None), default=None))


def properties(reader: Reader, iri: URIRef) -> list[tuple[Node, Node]]:
    """The (property, value) pairs of the triples whose subject is ``iri``; empty when the graph does not name it."""
    return reader.remember(("void", "properties", str(iri)),
                           lambda: [(row["property"], row["value"]) for row in reader.rows("properties", resource=iri)])


__all__ = ["COUNTS", "Statistics", "counts", "graph_sizes", "properties", "statistics"]
