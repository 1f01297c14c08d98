"""The answers the pages, the REST API and the CLI give, each computed from a bounded view read through the engine.

The domain functions (``measures``, ``matrix``, ``targets``, ``bodies.profile``, ``Resolver``) walk an rdflib graph;
here each is handed the small graph a CONSTRUCT named query returns for its question (``queries/view-*.rq``), never
a copy of the whole graph — so that a service on an external store of millions of quads holds only what it shows,
and shows what the store holds now. ``tests/test_views.py`` proves each view complete: the function on the view
equals the function on the whole graph, for every task, theme, instrument, body and target.
"""

from __future__ import annotations

import logging

from rdflib import Graph, URIRef

from .bodies import profile as body_profile
from .matrix import matrix as build_matrix
from .matrix_filters import Filters
from .measures import FILTERS, Query
from .measures import measures as find_measures
from .reader import Reader
from .resolve import Resolver
from .sparql import TimeLimit
from .targets import targets as all_targets

log = logging.getLogger(__name__)
# a measures question is anchored at its most selective filter: the view holds the measures linked to it
ANCHOR_ORDER = ("target", "instrument", "group", "theme")


def linked(reader: Reader) -> dict[URIRef, int]:
    """How many tasks link to each concept (the resolver's fallback suggestions), counted by the engine."""
    return {URIRef(r["concept"]): int(r["tasks"]) for r in reader.rows("view-linked")}


def resolver(reader: Reader) -> Resolver:
    """Every name of every named thing, from the names view; built once per graph version."""
    return reader.remember("resolver", lambda: Resolver(reader.graph("view-names"), lambda: linked(reader)))


def names(reader: Reader) -> Graph:
    """The names view itself: classes and names of the named things (for labels and kinds on the pages)."""
    return resolver(reader).graph


def _merged(first: Graph, *others: Graph, fresh: bool = False) -> Graph:
    """The union of graphs; ``fresh``: ``first`` was just read and is nobody else's, so it takes the others in."""
    out = first if fresh else _merged(Graph(store="SimpleMemory"), first, fresh=True)
    for graph in others:
        for triple in graph:
            out.add(triple)
    return out


def reforms(reader: Reader) -> Graph:
    return reader.remember("view-reforms", lambda: reader.graph("view-reforms"))


def _anchored(reader: Reader, anchor: URIRef, *more: Graph) -> Graph:
    """A fresh graph: the measures reached from ``anchor``, the reforms and ``more``."""
    try:
        return _merged(reader.graph("view-tasks", anchor=anchor), reforms(reader), *more, fresh=True)
    except TimeLimit:  # a body half the plan names, on a busy engine: every measure, section by section
        log.warning("the view of %s ran past the time limit; reading every measure instead", anchor)
        return _merged(tasks(reader), *more)


def tasks(reader: Reader, anchor: URIRef | None = None) -> Graph:
    """The measures reached from ``anchor`` (the plan: all of them; a task: its measure; a concept or body: those
    linking to it), with their clauses and everything read about them, and the reforms (for bodies' names).
    The whole plan is read section by section (``queries/view-parts.rq``): one read of every measure is the one
    read that could run past the time limit on a busy machine; two dozen small ones do not."""
    def make() -> Graph:
        if anchor is not None and anchor != reader.plan:
            return _anchored(reader, anchor)
        parts = [reader.graph("view-tasks", anchor=row["part"]) for row in reader.rows("view-parts")]
        return _merged(*parts, reforms(reader), fresh=True)

    return make()  # not kept: the answers made from it are (``measures``, ``matrix``); a view may be the whole plan


def body(reader: Reader, iri: URIRef) -> Graph:
    """A body, its groups, members and predecessors, and their part in each task."""
    return _merged(reader.graph("view-body", body=iri), reforms(reader), fresh=True)


def for_body(reader: Reader, iri: URIRef) -> Graph:
    """The measures a body is concerned by, with the body's own view (its groups and predecessors): what a
    measures or matrix question with a body filter reads."""
    return _anchored(reader, iri, body(reader, iri))


def _resolved(names_: Resolver, kind: str, value: str | None) -> URIRef | None:
    return names_.resolve(kind, value) if value else None


def measures(reader: Reader, query: Query) -> dict:
    """``qhfin.measures.measures`` on the measures the query's most selective filter reaches (a text query reads
    every measure: whether its text occurs at all decides between phrase and words)."""
    names_ = resolver(reader)

    def make() -> dict:
        found = {name: _resolved(names_, name, getattr(query, name)) for name, _prop in FILTERS}
        if found["body"] is not None:  # with text: every measure (see above), and the body's own view
            graph = for_body(reader, found["body"]) if not query.q else _merged(tasks(reader), body(reader, found["body"]))
        else:
            anchor = next((found[k] for k in ANCHOR_ORDER if found[k] is not None and not query.q), None)
            graph = tasks(reader, anchor)
        return find_measures(graph, query, names_)

    return reader.remember(("measures", query), make)


def matrix(reader: Reader, filters: Filters, level: str = "task", era: str = "2021") -> dict:
    """``qhfin.matrix.matrix`` on the measures its theme, instrument or body filter reaches."""
    names_ = resolver(reader)

    def make() -> dict:
        found = {k: _resolved(names_, k, getattr(filters, k)) for k in ("instrument", "theme", "body")}
        if found["body"] is not None:
            graph = for_body(reader, found["body"])
        else:
            graph = tasks(reader, next((v for v in found.values() if v is not None), None) or _chapter(reader, filters))
        return build_matrix(graph, filters, level, era, names_)

    return reader.remember(("matrix", filters, level, era), make)


def _chapter(reader: Reader, filters: Filters) -> URIRef:
    """A chapter filter's chapter (``4-1`` is in chapter 4: the matrix keeps the finer filter), so that a chapter's
    matrix reads that chapter's measures, not the plan's; no chapter filter: the plan."""
    first = (filters.chapter or "").split("-")[0]
    return URIRef(f"{reader.plan}/ch{first}") if first.isdigit() else reader.plan


def targets(reader: Reader) -> dict:
    return reader.remember("targets", lambda: all_targets(reader.graph("view-targets")))


def profile(reader: Reader, iri: URIRef) -> dict:
    return reader.remember(("profile", iri), lambda: body_profile(body(reader, iri), iri))


def counts(reader: Reader) -> dict[str, int]:
    """Tasks (clauses included), measures (sentence-level tasks), bodies, themes, instruments, targets."""
    return reader.remember("counts", lambda: {str(r["kind"]): int(r["count"]) for r in reader.rows("view-counts")})
