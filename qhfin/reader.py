"""The graph as the pages, the REST API and the exports read it: named queries run by the engine, nothing held.

The service keeps no copy of the whole graph. Every page asks the engine — embedded or an external store — for
what it shows, through a named query (``queries/*.rq``; values go in as bindings, never into the text): a SELECT
gives rows, a CONSTRUCT gives the small graph a domain function (``qhfin.measures``, ``qhfin.targets`` …) walks.
What is built from an answer is remembered per *graph version* (``qhfin.version``): the built file's identity on
the embedded engine, which cannot change under a running service; on an external store, which can, a time bucket
of ``QHFIN_CACHE_SECONDS``, so that a change made in the store shows within that time.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from typing import TypeVar

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .config import Config
from .engine import Engine, open_engine
from .namespaces import PLAN_IRI
from .queries import NamedQuery, load_queries
from .rdfterms import to_rdflib
from .request import Request
from .serialize import Formats
from .sparql import Binding, SparqlError, with_bindings
from .tally import Count, Tally
from .version import graph_version

T = TypeVar("T")
# the pages' reads are not cut at the public row limit: an answer past this many rows is an error, never half shown
READ_ROW_LIMIT = 5_000_000
# a SELECT's, fewer: the engines ask the store for one row more than the limit (``sparql.capped``), and Virtuoso
# refuses to sort more rows than its MaxSortedTopRows, which docs/replicas.md asks to be set to a million: a
# sorted view read with LIMIT 5000001 was a 502
SELECT_ROW_LIMIT = 999_999


class Truncated(SparqlError):
    """A read for a page came back cut: the page would show part of the graph as if it were all of it."""

    status, code = 503, "read-truncated"


Value = URIRef | Literal | str | int


def binding(value: Value) -> Binding:
    """A Python value as the engine's binding: an IRI for URIRef, a typed literal otherwise."""
    if isinstance(value, URIRef):
        return ("iri", str(value), "")
    if isinstance(value, Literal):
        extra = f"@{value.language}" if value.language else str(value.datatype or "")
        return ("literal", str(value), extra)
    if isinstance(value, int):
        return ("literal", str(value), "http://www.w3.org/2001/XMLSchema#integer")
    return ("literal", str(value), "")


def _term(cell: dict) -> Node:
    """A SPARQL JSON results cell as an rdflib term."""
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    return Literal(value, lang=cell.get("xml:lang"), datatype=cell.get("datatype"))


class Memo:
    """Built answers by key, for one graph version at a time, least recently used out first.

    One build per key at a time: requests that ask for an answer being built wait for it rather than build it again
    (sixteen users opening the matrix at once would otherwise build sixteen copies of its view, in memory and on the
    CPU, each starving the cheap requests of the interpreter)."""

    def __init__(self, size: int = 256) -> None:
        self.size, self.version = size, ""
        self._items: OrderedDict[object, object] = OrderedDict()
        self._building: dict[object, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, version: str, key: object, make: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if version != self.version:
                    self._items.clear()
                    self.version = version
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]  # type: ignore[return-value]
                building = self._building.get(key)
                if building is None:
                    building = self._building[key] = threading.Event()
                    break
            building.wait()  # then the answer is in (or its build failed: this request builds it)
        try:
            value = make()
            with self._lock:
                if version == self.version:
                    self._items[key] = value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._building.pop(key, None)
            building.set()


class Reader:
    """Named queries through the engine, their answers as rows or small rdflib graphs, memoised per version."""

    def __init__(self, engine: Engine, queries: Mapping[str, NamedQuery], version: Callable[[], str],
                 plan: URIRef = PLAN_IRI) -> None:
        self.engine, self.queries, self._version = engine, queries, version
        # what every view is anchored at (``QHFIN_PLAN``): a store may hold many plans, the service shows one, and a
        # view's answer (and the memory it takes) grows with that plan, not with the store
        self.plan = plan
        self.memo = Memo()
        self.tally = Tally()  # counts of the whole store, counted in the background (``qhfin.tally``)

    def version(self) -> str:
        return self._version()

    def remember(self, key: object, make: Callable[[], T]) -> T:
        """``make()``, built once per graph version and key."""
        return self.memo.get(self.version(), key, make)

    def counted(self, key: Hashable, count: Callable[[], T], wait: float | None = None) -> Count[T] | None:
        """``count()`` of the whole store, counted in the background once per graph version: the count if it is
        in within ``wait`` seconds (None: as long as it takes), else the last one counted, else None."""
        return self.tally.get(key, self.version(), count, wait)

    def _answer(self, name: str, fmt: Formats, bindings: dict[str, Value],
                limit: int | None = None) -> tuple[NamedQuery, bytes]:
        limit = limit or READ_ROW_LIMIT
        query = self.queries[name]
        if "plan" not in bindings and any(p.name == "plan" for p in query.params):
            bindings = {**bindings, "plan": self.plan}
        # the values written into the text (``sparql.with_bindings``), not as the embedded engine's substitutions:
        # Oxigraph plans a query before it sees substitutions, so a view that starts from its anchor
        # (queries/view-tasks.rq) would be planned as if for every anchor — 24 s, not 0.06 s
        text = with_bindings(query.text, {k: binding(v) for k, v in sorted(bindings.items())})
        request = Request(text, fmt, row_limit=limit)
        answer = self.engine.query(request)
        if answer.truncated:
            raise Truncated("页面所需的数据超出读取上限", "The data a page needs is past the read limit",
                            f"{name}: more than {limit} rows")
        return query, answer.body

    def rows(self, name: str, **bindings: Value) -> list[dict[str, Node]]:
        """A SELECT named query's solutions, each a dict of rdflib terms (unbound variables left out)."""
        _, body = self._answer(name, Formats(select="json", ask="json"), bindings, SELECT_ROW_LIMIT)
        data = json.loads(body)
        return [{k: _term(v) for k, v in row.items()} for row in data["results"]["bindings"]]

    def ask(self, name: str, **bindings: Value) -> bool:
        _, body = self._answer(name, Formats(select="json", ask="json"), bindings)
        return bool(json.loads(body)["boolean"])

    def triples(self, name: str, **bindings: Value) -> Iterator[ox.Triple]:
        """A CONSTRUCT named query's triples as pyoxigraph parses them from the answer, one by one: for a writer
        that streams them on (a dump), with no rdflib term made."""
        _, body = self._answer(name, Formats(graph="nt"), bindings)
        return ox.parse(body, format=ox.RdfFormat.N_TRIPLES)

    def graph(self, name: str, **bindings: Value) -> Graph:
        """A CONSTRUCT named query's triples as an rdflib graph (for a domain function to walk)."""
        graph = Graph(store="SimpleMemory")  # no contexts to keep: a third faster to fill, three times to walk
        add, terms = graph.store.add, {}  # type: ignore[var-annotated]

        def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
            made = terms.get(node)
            if made is None:
                made = terms[node] = to_rdflib(node)
            return made

        # the store's own add, each term made once: the explorer's and the evaluation's graphs (50 000 triples,
        # 17 000 terms) in 1.3 s instead of 1.7 s
        for t in self.triples(name, **bindings):
            add((term(t.subject), term(t.predicate), term(t.object)), graph, False)  # type: ignore[arg-type]
        return graph


def reader_for(config: Config, engine: Engine) -> Reader:
    """The named queries through ``engine``, remembered per graph version (``qhfin.version``)."""
    return Reader(engine, load_queries(config.queries_dir, cache=config.query_cache), graph_version(config),
                  URIRef(config.plan))


@contextlib.contextmanager
def opened(config: Config) -> Iterator[Reader]:
    """A reader over an engine of its own, closed on leaving: for a one-shot command, which reads what the service
    reads — the build through the embedded engine (made first through the gate when missing or stale, as ``qhfin
    serve`` does), or the external store."""
    if not config.sparql_endpoint:
        from .atomic import stale

        if not config.built_graph.exists() or stale(config):
            from .store import gate

            gate(config)
    engine = open_engine(config)
    try:
        yield reader_for(config, engine)
    finally:
        engine.close()
