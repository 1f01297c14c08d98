"""The build's inputs: the source of record and every hand-written data file, each read once and kept by file.

Here too is ``BuildError``, raised wherever the hand-written data contradicts the source or itself; ``file_of`` finds
the file a statement came from, so that the message can name it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from .atomic import is_data_file
from .config import Config
from .errors import QhfinError
from .source import read_source
from .staff_graphs import STAFF_GRAPHS

DATA_DIRS = ("vocab", "rules", "data", "curated")


class BuildError(QhfinError, ValueError):
    """The hand-written data contradicts the source or itself; the message names the file and the task."""


@dataclass
class Inputs:
    source: str
    hand: Graph  # ontology + every file under graph/
    files: dict[Path, frozenset[tuple[Node, Node]]]  # each file's (subject, property) pairs: which file said what


def data_files(config: Config) -> list[Path]:
    return sorted(p for d in DATA_DIRS for p in (config.graph_dir / d).glob("*.ttl") if is_data_file(p))


def read_inputs(config: Config, overrides: dict[Path, str] | None = None) -> Inputs:
    """Read the source and every data file; ``overrides`` replaces a file's text (a trial build of an import)."""
    overrides = overrides or {}
    source = read_source(config.source_file)
    hand = Graph()
    files: dict[Path, frozenset[tuple[Node, Node]]] = {}
    plan_overrides = (p for p in overrides if p.parent.name not in STAFF_GRAPHS)  # staff graphs: add_staff_graphs
    for path in sorted({config.ontology_file, *data_files(config), *plan_overrides}):
        text = overrides[path].encode("utf-8") if path in overrides else path.read_bytes()
        triples, files[path] = _parsed(path, text)
        hand.addN((s, p, o, hand) for s, p, o in triples)
    return Inputs(source, hand, files)


_PARSED: dict[bytes, tuple[tuple, frozenset]] = {}  # a file's bytes (their digest) → its triples and pairs
PARSED_FILES = 256  # files kept; past that the memory starts again


def _parsed(path: Path, text: bytes) -> tuple[tuple, frozenset[tuple[Node, Node]]]:
    """The triples of one Turtle file and its (subject, property) pairs, parsed once per content: the build reads
    28 files, a second of rdflib's parser and graphs, and the same files again in every build a process makes (a
    staff import builds twice, the tests hundreds of times). Keyed by the bytes themselves, so an edited file is
    parsed anew; a file's blank nodes are new ones each time it is read, as a parse would make them, so two files
    with the same text never share one."""
    key = hashlib.blake2b(text, digest_size=16).digest()
    found = _PARSED.get(key)
    if found is None:
        g = Graph()
        try:
            g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
        except Exception as exc:  # rdflib raises several types; all mean the file is not valid Turtle
            raise BuildError(f"{path}: {exc}") from exc
        triples = tuple(g)
        found = triples, frozenset((s, p) for s, p, _ in triples)
        if len(_PARSED) >= PARSED_FILES:
            _PARSED.clear()
        _PARSED[key] = found
    triples, pairs = found
    if any(isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in triples):
        fresh: dict[BNode, BNode] = {}

        def new(node: Node) -> Node:
            return fresh.setdefault(node, BNode()) if isinstance(node, BNode) else node

        triples = tuple((new(s), p, new(o)) for s, p, o in triples)
        pairs = frozenset((s, p) for s, p, _ in triples)
    return triples, pairs


def file_of(inputs: Inputs, subject: URIRef, prop: URIRef) -> str:
    for path, pairs in inputs.files.items():
        if (subject, prop) in pairs:
            return str(path)
    return "graph/"
