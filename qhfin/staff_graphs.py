"""The staff-entered data of the final evaluation, each kind in its own named graph, never mixed with the plan's.

``graph/actuals/*.ttl`` (actual figures from other publications) goes to ``…/graph/actuals`` and
``graph/progress/*.ttl`` (the lead units' progress reports) to ``…/graph/progress``; each graph is described with
PROV (what it was derived from) and Dublin Core, so "only the plan" and "only what staff entered" stay one
``GRAPH`` clause apart. The build calls ``add_staff_graphs``; an import calls ``trial_and_commit`` to swap one graph
in a trial build, validate it and only then replace the file.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from .atomic import is_data_file
from .config import Config
from .errors import QhfinError
from .namespaces import GRAPH_ACTUALS, GRAPH_PROGRESS, PLAN_IRI

STAFF_GRAPHS = {"actuals": GRAPH_ACTUALS, "progress": GRAPH_PROGRESS}
TITLES = {
    "actuals": ("规划期实际数（取自公开来源，工作人员录入）", "Actual figures of the plan period (from public sources, entered by staff)"),
    "progress": ("牵头单位填报的任务进展", "Task progress reported by the lead units"),
}


class StaffDataError(QhfinError, ValueError):
    """A file under graph/actuals or graph/progress that is not valid Turtle; the message names it."""


def staff_files(config: Config, name: str) -> list[Path]:
    return sorted(p for p in (config.graph_dir / name).glob("*.ttl") if is_data_file(p))


def read_staff_graph(config: Config, name: str) -> Graph:
    g = Graph()
    for path in staff_files(config, name):
        try:
            g.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several types; all mean the file is not valid Turtle
            raise StaffDataError(f"{path}: {exc}") from exc
    return g


def add_staff_graphs(ds: Dataset, config: Config, replaced: dict[str, Graph] | None = None) -> None:
    """Each staff graph into its named graph, with a description of where it came from.

    ``replaced`` gives a graph's new content (a trial build of an import) instead of what the files hold.
    """
    replaced = replaced or {}
    for name, iri in STAFF_GRAPHS.items():
        content = replaced[name] if name in replaced else read_staff_graph(config, name)
        target = ds.graph(iri)
        target.remove((None, None, None))
        for triple in content:
            target.add(triple)
        _describe(target, iri, name, config)


def _describe(g: Graph, iri: URIRef, name: str, config: Config) -> None:
    zh, en = TITLES[name]
    g.add((iri, RDF.type, PROV.Entity))
    g.add((iri, DCTERMS.title, Literal(zh, lang="zh")))
    g.add((iri, DCTERMS.title, Literal(en, lang="en")))
    g.add((iri, DCTERMS.subject, PLAN_IRI))
    for path in staff_files(config, name):
        g.add((iri, PROV.wasDerivedFrom, Literal(str(path.relative_to(config.root)))))
