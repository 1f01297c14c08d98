"""What every step of annotation shares: a task's text, a link with its basis, a label found in a text.

These types sit below the vocabulary, the body-role patterns, the concept links, the rule engine and the build, so
that each of those imports them and none of them imports another to reach a type (no cycle: ``Vocabulary`` compiles
rules, the rules make ``Link``s).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef


@dataclass(frozen=True)
class TaskText:
    """What annotation needs of a task: its IRI, text, where each character came from, and where it sits."""

    iri: URIRef
    text: str
    offsets: tuple[int, ...]
    units: frozenset[URIRef]  # every document unit above the task
    parent: URIRef | None = None

    def source_offset(self, start: int | None) -> int | None:
        """Where the character at ``start`` of the text stands in the source (None when there is no such character)."""
        return self.offsets[start] if start is not None and start < len(self.offsets) else None


@dataclass(frozen=True)
class Link:
    task: URIRef
    prop: URIRef
    obj: URIRef
    basis: URIRef
    evidence: str | None = None
    offset: int | None = None
    via: URIRef | None = None
    rule: URIRef | None = None
    role: URIRef | None = None
    order: int | None = None
    notes: tuple[Literal, ...] = ()
    reviewed: bool = False  # judged by the 2026 double review (graph/curated/review.ttl): kept, replaced or added

    @property
    def key(self) -> tuple[URIRef, URIRef, URIRef | None]:
        return (self.prop, self.obj, self.role)


@dataclass(frozen=True)
class Match:
    concept: URIRef
    start: int
    end: int
    label: str
