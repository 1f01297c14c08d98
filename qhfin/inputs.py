"""The build's inputs: the source of record and every hand-written data file, each read once and kept by file.

Here too is ``BuildError``, raised wherever the hand-written data contradicts the source or itself; ``file_of`` finds
the file a statement came from, so that the message can name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

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
    files: dict[Path, Graph]


def data_files(config: Config) -> list[Path]:
    return sorted(p for d in DATA_DIRS for p in (config.graph_dir / d).glob("*.ttl") if is_data_file(p))


def read_inputs(config: Config, overrides: dict[Path, str] | None = None) -> Inputs:
    """Read the source and every data file; ``overrides`` replaces a file's text (a trial build of an import)."""
    overrides = overrides or {}
    source = read_source(config.source_file)
    hand = Graph()
    files: dict[Path, Graph] = {}
    plan_overrides = (p for p in overrides if p.parent.name not in STAFF_GRAPHS)  # staff graphs: add_staff_graphs
    for path in sorted({config.ontology_file, *data_files(config), *plan_overrides}):
        g = Graph()
        try:
            if path in overrides:
                g.parse(data=overrides[path], format="turtle")
            else:
                g.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several types; all mean the file is not valid Turtle
            raise BuildError(f"{path}: {exc}") from exc
        files[path] = g
        hand += g
    return Inputs(source, hand, files)


def file_of(inputs: Inputs, subject: URIRef, prop: URIRef) -> str:
    for path, g in inputs.files.items():
        if (subject, prop, None) in g:
            return str(path)
    return "graph/"
