"""The last step of every staff import (actual figures, progress reports): trial build, shapes, then the files.

Like the matrix import: the new content of one staff graph is swapped into a build of everything else, the whole
graph must pass the SHACL shapes, and only then are the data file and the built graph replaced — written in full
outside graph/ first and renamed into place (``qhfin.sheets.commit``), so the build never reads a partial file.
"""

from __future__ import annotations

from rdflib import Dataset, Graph

from .build import BuildError, build, union
from .config import Config
from .sheets import ImportRefused, commit
from .staff_graphs import StaffDataError, add_staff_graphs
from .validate import check


def baseline(config: Config) -> Dataset:
    """The graph as the files make it now; an import is checked against it and applied to it."""
    try:
        return build(config)
    except (BuildError, StaffDataError) as exc:
        raise ImportRefused([f"图谱现有数据无法构建 / the graph as it stands does not build: {exc}"]) from exc


def render(graph: Graph, header: str) -> bytes:
    """One serializer for generated data files (longturtle: sorted, stable diffs), under a comment saying what wrote it."""
    return (header + graph.serialize(format="longturtle")).encode("utf-8")


def trial_and_commit(config: Config, name: str, filename: str, ds: Dataset, graph: Graph, header: str) -> None:
    """Put ``graph`` in place of staff graph ``name`` in ``ds``; if the whole passes the shapes, write it out."""
    data = render(graph, header)
    add_staff_graphs(ds, config, {name: Graph().parse(data=data, format="turtle")})
    violations = [f for f in check(union(ds), config.shapes_dir) if f.severity == "Violation"]
    if violations:
        raise ImportRefused([f"{f.focus}: {f.message_zh} / {f.message_en}" for f in violations[:20]])
    built = ds.serialize(format="trig").encode("utf-8")
    commit([(config.graph_dir / name / filename, data), (config.built_graph, built)], config.build_dir / "import")
