"""The whole dataset as a download, streamed: read from the engine one named graph at a time and written out by
pyoxigraph's serializer as it is read, so that no copy of the whole graph is ever held (at 5 M quads an rdflib
copy costs gigabytes, and a serialized one hundreds of megabytes).

The quad formats (TriG, N-Quads) take each named graph as it is (``queries/graph-triples.rq``); the triple formats
(N-Triples, Turtle, JSON-LD) are the union, in which a triple stated in several graphs appears once: each graph
gives only the triples no graph before it holds (``queries/union-triples.rq``), so nothing needs remembering here.
Each graph's answer is one engine read; the largest graph's answer is what a download holds at most.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import URIRef

from .namespaces import PREFIXES
from .reader import Reader
from .void import graph_sizes

OX_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "turtle": ox.RdfFormat.TURTLE,
              "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
QUAD_FORMATS = ("trig", "nquads")
PREFIX_FORMATS = ("trig", "turtle", "jsonld")
_END = object()


def statements(reader: Reader, fmt: str, graphs: Iterable[URIRef]) -> Iterator[ox.Quad | ox.Triple]:
    """The quads of ``graphs`` (for TriG and N-Quads) or the triples they add to the union, each once (for the
    others), graph by graph."""
    for graph in graphs:
        if fmt in QUAD_FORMATS:
            name = ox.NamedNode(str(graph))
            for t in reader.triples("graph-triples", graph=graph):
                yield ox.Quad(t.subject, t.predicate, t.object, name)
        else:
            yield from reader.triples("union-triples", graph=graph)


class _Pipe:
    """A file for pyoxigraph's serializer to write to, read by the response a chunk at a time: a bounded queue, so
    the serializer waits for a slow client rather than piling up the dump; closed by the reader, it refuses."""

    def __init__(self, depth: int = 16) -> None:
        self.chunks: queue.Queue[object] = queue.Queue(depth)
        self.cancelled = threading.Event()

    def put(self, item: object) -> None:
        while not self.cancelled.is_set():
            try:
                self.chunks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue
        raise BrokenPipeError("the download was abandoned")

    def write(self, data: bytes) -> int:
        self.put(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def serialized(items: Iterable[ox.Quad | ox.Triple], fmt: str) -> Iterator[bytes]:
    """``items`` written in ``fmt`` by pyoxigraph, chunk by chunk, as a response body streams them.

    The serializer pulls ``items`` and writes in a thread of its own (pyoxigraph writes to a file, it does not
    yield); this generator hands on what it writes. An error while reading is raised here, cutting the download
    rather than ending it as if whole; a client that goes away stops the serializer at its next write."""
    pipe = _Pipe()

    def run() -> None:
        try:
            ox.serialize(items, pipe, OX_FORMATS[fmt],
                         prefixes={p: str(ns) for p, ns in PREFIXES.items()} if fmt in PREFIX_FORMATS else None)
        except BaseException as exc:  # noqa: BLE001 — handed to the reading side, which raises it
            if not pipe.cancelled.is_set():
                pipe.put(exc)
            return
        pipe.put(_END)

    thread = threading.Thread(target=run, name="qhfin-dump", daemon=True)
    thread.start()
    try:
        while (chunk := pipe.chunks.get()) is not _END:
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk  # type: ignore[misc]
    finally:
        pipe.cancelled.set()


def dump(reader: Reader, fmt: str) -> Iterator[bytes]:
    """The dataset in ``fmt`` (a name of ``qhfin.media.FORMATS``), streamed, its graphs in IRI order. The list of
    graphs is read at once, before any byte is sent: an engine that refuses is an error status, not an empty file."""
    return serialized(statements(reader, fmt, list(graph_sizes(reader))), fmt)


def etag(reader: Reader, fmt: str) -> str:
    """Names the dump without writing it: the same graph version gives the same bytes."""
    return hashlib.sha256(f"{reader.version()}\0{fmt}".encode()).hexdigest()[:32]


__all__ = ["OX_FORMATS", "dump", "etag", "serialized", "statements"]
