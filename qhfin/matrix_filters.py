"""Which tasks the matrix shows: by chapter, theme, instrument and body, the names read by the resolver.

A clause inherits its sentence's theme and instrument, never its bodies; with a body the answer says how the task
concerns it (its own, a predecessor's, or its group's: ``qhfin.bodies``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, URIRef

from .bodies import Concern, concerns
from .errors import QhfinError
from .namespaces import QHFIN
from .plan_tasks import notation
from .resolve import Resolver


@dataclass(frozen=True)
class Filters:
    chapter: str | None = None  # "4" or "4-1" or "4-1-2"
    theme: str | None = None
    body: str | None = None
    instrument: str | None = None
    direct: bool = False  # with body: leave out the tasks addressed to the groups it belongs to


class MatrixError(QhfinError, ValueError):
    """A filter that names nothing; the message is in Chinese and English."""


def _matches(graph: Graph, task: URIRef, prop: URIRef, iri: URIRef) -> bool:
    parent = graph.value(task, QHFIN.subTaskOf)
    return (task, prop, iri) in graph or (parent is not None and (parent, prop, iri) in graph and prop != QHFIN.responsibleBody)


def selected(graph: Graph, task: URIRef, filters: Filters, resolver: Resolver) -> Concern | bool:
    """False, or True — or, with a body filter, how the task concerns the body (itself, succeeded, via a group)."""
    if filters.chapter:
        wanted = filters.chapter.split("-")
        have = notation(graph, task).split(".")[0].split("-")
        if have[: len(wanted)] != wanted:
            return False
    for kind, value, prop in (("theme", filters.theme, QHFIN.supportsTheme),
                              ("instrument", filters.instrument, QHFIN.usesInstrument)):
        if value and not _matches(graph, task, prop, _resolve(resolver, kind, value)):
            return False
    if filters.body:
        body = _resolve(resolver, "body", filters.body)
        return next((c for c in concerns(graph, body, filters.direct) if (task, QHFIN.responsibleBody, c.iri) in graph),
                    False)
    return True


def _resolve(resolver: Resolver, kind: str, value: str) -> URIRef:
    try:
        return resolver.resolve(kind, value)
    except LookupError as exc:
        raise MatrixError(str(exc)) from exc
