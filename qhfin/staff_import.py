"""The last step of every staff import (actual figures, progress reports): trial build, shapes, then the files.

Like the matrix import: the new content of one staff graph is swapped into a build of everything else, it must pass
the SHACL shapes that bear on it (``staff_check``), and only then are the data file and the built graph replaced — written in full
beside their places under hidden names and renamed into place (``qhfin.atomic.replace_all``), so the build never reads a partial file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, SH

from .atomic import replace_all
from .build import BuildError, build
from .config import Config
from .sheets import ImportRefused
from .staff_graphs import STAFF_GRAPHS, StaffDataError, add_staff_graphs
from .store import write_build
from .validate import Finding, shapes_graph, validate


def baseline(config: Config) -> Dataset:
    """The graph as the files make it now; an import is checked against it and applied to it."""
    try:
        return build(config)
    except (BuildError, StaffDataError) as exc:
        raise ImportRefused([f"图谱现有数据无法构建 / the graph as it stands does not build: {exc}"]) from exc


def render(graph: Graph, header: str) -> bytes:
    """One serializer for generated data files (longturtle: sorted, stable diffs), under a comment saying what wrote it."""
    return (header + graph.serialize(format="longturtle")).encode("utf-8")


def staff_check(ds: Dataset, name: str, shapes_dir: Path) -> list[Finding]:
    """The shapes that target what a staff graph holds (observations, actual figures, progress reports), run over
    that graph and the type of every node it points at.

    The rest of the graph is what the last build validated, and no shape on it looks at staff data, so this gives
    the whole gate's verdict on the import in a second, where SHACL over the full graph takes fifteen.
    """
    staff = ds.graph(STAFF_GRAPHS[name])
    classes = set(staff.objects(None, RDF.type))
    shapes, chosen = shapes_graph(shapes_dir), Graph()
    for shape in set(shapes.subjects(SH.targetClass, None)):
        if set(shapes.objects(shape, SH.targetClass)) & classes:
            _describe(shapes, shape, chosen)
    data = Graph()
    data += staff
    pointed = {o for o in staff.objects() if isinstance(o, URIRef)}
    for graph in ds.graphs():
        for node in pointed:
            for triple in graph.triples((node, RDF.type, None)):
                data.add(triple)
    return validate(data, chosen)


def _describe(source: Graph, node: object, into: Graph) -> None:
    """The node's triples and, recursively, those of the blank nodes it uses (its property shapes, lists)."""
    for triple in source.triples((node, None, None)):
        into.add(triple)
        if isinstance(triple[2], BNode):
            _describe(source, triple[2], into)


def trial_and_commit(config: Config, name: str, filename: str, ds: Dataset, graph: Graph, header: str) -> None:
    """Put ``graph`` in place of staff graph ``name`` in ``ds``; if the whole passes the shapes, write it out."""
    data = render(graph, header)
    add_staff_graphs(ds, config, {name: Graph().parse(data=data, format="turtle")})
    violations = [f for f in staff_check(ds, name, config.shapes_dir) if f.severity == "Violation"]
    if violations:
        raise ImportRefused([f"{f.focus}: {f.message_zh} / {f.message_en}" for f in violations[:20]])
    replace_all([(config.graph_dir / name / filename, lambda handle: handle.write(data)),
                 (config.built_graph, lambda handle: write_build(ds, handle))])
