"""The one place that knows where the built graph lives and how to get it into memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .atomic import clean_project, replace_all, stale
from .build import build, union
from .config import Config
from .errors import QhfinError
from .namespaces import PREFIXES
from .rdfterms import to_oxigraph, to_rdflib


class GateError(QhfinError, RuntimeError):
    """The graph violates the shapes; nothing was saved. ``findings`` lists every finding, warnings included."""

    def __init__(self, findings: list, graph: Graph) -> None:
        self.findings, self.graph = findings, graph
        first = next(f for f in findings if f.severity == "Violation")
        super().__init__(f"图谱未通过SHACL校验，未保存（qhfin validate 列出全部）/ the graph violates the shapes and was "
                         f"not saved (qhfin validate lists them all): {first.line()}")


def gate(config: Config) -> tuple[Dataset, list]:
    """The one way a build reaches ``build/qhfin.trig``: build → SHACL shapes → violation queries → save, nothing
    saved on a violation (GateError). ``qhfin build``, ``qhfin serve`` and ``load`` of a missing or stale build all
    come through here, so no command ever answers from a graph the gate has not passed."""
    from .validate import check, exit_code  # pyshacl: a second of imports, only when a build is made

    clean_project(config.graph_dir, config.build_dir)
    ds = build(config)
    graph = union(ds)
    findings = check(graph, config.shapes_dir)
    if exit_code(findings):
        raise GateError(findings, graph)
    save(ds, config)
    return ds, findings


def load(config: Config, *, rebuild: bool = False) -> Dataset:
    """The built dataset: read from ``build/qhfin.trig``, made through the gate first when missing, stale (a curator
    edited graph/…) or asked for."""
    path = config.built_graph
    if rebuild or not path.exists() or stale(config):
        return gate(config)[0]
    ds = Dataset()
    ds.parse(path, format="trig")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    return ds



def save(ds: Dataset, config: Config) -> None:
    """Written beside ``build/qhfin.trig`` under a hidden name and renamed over it once every byte is on disk
    (``qhfin.atomic``). Written in place, a build stopped while saving (Ctrl-C, a kill, a full disk) left part of a
    file where the last good build had been: a TriG cut after a statement still parses, and a service would have
    loaded it as the whole graph, newer than every input, so not even stale."""
    replace_all([(config.built_graph, lambda handle: write_build(ds, handle))])


def write_build(ds: Dataset, handle: BinaryIO) -> None:
    """``ds`` as the built graph's TriG, written by pyoxigraph: 3.2 s with rdflib's TriG writer for the plan's
    69,000 quads, under a second here, paid by every build and every staff or matrix import. Sorted by graph,
    subject, predicate and object, so that each subject is written once, with its prefixed names, and two builds of
    the same data give the same file but for the labels of its few blank nodes."""
    terms: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}
    blanks: dict = {}

    def term(node: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = terms.get(node)
        if found is None:  # an IRI recurs thousands of times: converted (and checked) once
            found = terms[node] = to_oxigraph(node, blanks)
        return found

    quads = []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):  # graph by graph: ds.quads() is 5× slower
        name = ox.DefaultGraph() if graph.identifier == DATASET_DEFAULT_GRAPH_ID else term(graph.identifier)
        triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
        quads += [ox.Quad(term(s), term(p), term(o), name) for s, p, o in triples]  # type: ignore[arg-type]
    ox.serialize(quads, handle, format=ox.RdfFormat.TRIG, prefixes={k: str(v) for k, v in PREFIXES.items()})


def load_with_union(config: Config) -> tuple[Dataset, Graph]:
    """The dataset and the union of its graphs, parsed once by Oxigraph's parser (4× faster than rdflib's).

    A missing build is built first, exactly as ``load`` does.
    """
    if not config.built_graph.exists() or stale(config):
        ds = load(config)
        return ds, union(ds)
    return from_quads(ox.parse(path=str(config.built_graph), format=ox.RdfFormat.TRIG))


def from_quads(quads: Iterable[ox.Quad]) -> tuple[Dataset, Graph]:
    """An rdflib dataset and the union of its graphs from pyoxigraph quads (a file's, or an external store's)."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    merged = Graph()
    for prefix, ns in PREFIXES.items():
        merged.bind(prefix, ns)
    graphs: dict[str, Graph] = {}
    rows = []
    for quad in quads:
        triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if name not in graphs:
            graphs[name] = ds.graph(URIRef(name)) if name else ds.default_graph
        rows.append((*triple, graphs[name]))
    ds.addN(rows)
    merged.addN((s, p, o, merged) for s, p, o, _ in rows)
    return ds, merged
