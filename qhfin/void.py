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

COUNTS = ("triples", "entities", "subjects", "classes")


def _graph_sizes(reader: Reader) -> dict[URIRef, int]:
    return {row["graph"]: int(row["triples"]) for row in reader.rows("graph-sizes")  # type: ignore[misc]
            if isinstance(row.get("graph"), URIRef)}


def _counts(reader: Reader) -> dict[str, int]:
    [row] = reader.rows("dataset-counts")
    return {name: int(row[name]) for name in COUNTS}  # type: ignore[call-overload]


def graph_sizes(reader: Reader, wait: float | None = None) -> dict[URIRef, int]:
    """Each non-empty named graph of the dataset and its number of triples, in IRI order; with ``wait``, empty
    when they are not counted within that many seconds."""
    counted = reader.counted(("void", "graph-sizes"), partial(_graph_sizes, reader), wait)
    return counted.value if counted else {}


def counts(reader: Reader, wait: float | None = None) -> dict[str, int]:
    """Triples of the union (each once), entities under /id/, distinct subjects and classes; with ``wait``, empty
    when they are not counted within that many seconds."""
    counted = reader.counted(("void", "counts"), partial(_counts, reader), wait)
    return counted.value if counted else {}


@dataclass(frozen=True)
class Statistics:
    """The counts and the graph sizes as far as they were counted in time, what is still being counted and what
    could not be (the store refused, or the count ran past the time limit), and when the figures given were counted (the store as it was then; an earlier graph version's when ``current`` is
    false)."""

    counts: dict[str, int]
    graphs: dict[URIRef, int]
    pending: tuple[str, ...]
    failed: tuple[str, ...]
    as_of: float | None
    current: bool


def statistics(reader: Reader, wait: float) -> Statistics:
    """The dataset's counts and graph sizes, waiting at most ``wait`` seconds for both (counted side by side)."""
    deadline = time.monotonic() + wait
    asks = {"counts": _counts, "graph-sizes": _graph_sizes}
    for name, count in asks.items():  # both begun before either is waited for
        reader.counted(("void", name), partial(count, reader), 0)
    tallies = {name: reader.counted(("void", name), partial(count, reader), max(0.0, deadline - time.monotonic()))
               for name, count in asks.items()}
    given = [t for t in tallies.values() if t is not None]
    version = reader.version()
    failed = tuple(name for name in asks if reader.tally.failed(("void", name), version))
    return Statistics(tallies["counts"].value if tallies["counts"] else {},
                      tallies["graph-sizes"].value if tallies["graph-sizes"] else {},
                      tuple(name for name, t in tallies.items()
                            if name not in failed and (t is None or t.version != version)),
                      failed, min((t.at for t in given), default=None), all(t.version == version for t in given))


def properties(reader: Reader, iri: URIRef) -> list[tuple[Node, Node]]:
    """The (property, value) pairs of the triples whose subject is ``iri``; empty when the graph does not name it."""
    return reader.remember(("void", "properties", str(iri)),
                           lambda: [(row["property"], row["value"]) for row in reader.rows("properties", resource=iri)])


__all__ = ["COUNTS", "Statistics", "counts", "graph_sizes", "properties", "statistics"]
