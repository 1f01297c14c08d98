"""Every view is complete (issue 14): a domain function on the small graph a view query returns gives exactly what it
gives on the whole graph — for every task, theme, instrument, target group, body and target, one case each.

The cases are collected from the built graph, and the collector says how many it found, so that a suite that
shrinks (a view query that lost its anchor, a vocabulary that lost a file) fails here instead of passing quietly.
"""

from __future__ import annotations

from functools import cache

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from sampling import sampled

from api.details import task_detail
from qhfin import views
from qhfin.bodies import profile
from qhfin.config import Config
from qhfin.matrix import matrix
from qhfin.matrix_filters import Filters
from qhfin.measures import Query, measures
from qhfin.namespaces import QHFIN
from qhfin.reader import Reader
from qhfin.resolve import KINDS, Resolver
from qhfin.store import load_with_union
from qhfin.targets import targets

# how many of each the plan's graph holds; a change here is a change of the plan's data, made on purpose
EXPECTED = {"task": 443, "theme": 66, "instrument": 272, "group": 47, "body": 164, "target": 12}


@cache
def _built() -> Graph:
    return load_with_union(Config.from_env())[1]


def cases(kind: str) -> list:
    """One pytest.param per thing of ``kind``, named by its IRI's last part (4-1-1-1-1, rural-revitalization)."""
    graph = _built()
    found = sorted({s for c in KINDS[kind] for s in graph.subjects(RDF.type, c)})
    assert len(found) == EXPECTED[kind], f"{kind}: {len(found)} found, {EXPECTED[kind]} expected"
    return sampled([pytest.param(iri, id=str(iri).rsplit("/", 1)[-1]) for iri in found], keep=8)


@pytest.fixture(scope="module")
def reader(app) -> Reader:
    return app.extensions["qhfin"].reader


@pytest.fixture(scope="module")
def whole(graph) -> Resolver:
    return Resolver(graph)


def test_names_view_resolves_every_name_as_the_whole_graph(reader, whole) -> None:
    names = views.resolver(reader)
    assert names.index == whole.index and names.name_kinds == whole.name_kinds
    assert names.most_linked(tuple(KINDS)) == whole.most_linked(tuple(KINDS))


@pytest.mark.parametrize("task", cases("task"))
def test_task_view(reader, graph, task: URIRef) -> None:
    assert task_detail(views.tasks(reader, task), task) == task_detail(graph, task)


@pytest.mark.parametrize("kind", ["theme", "instrument", "group", "target"])
def test_measures_views_cover_every_concept(reader, graph, whole, kind: str) -> None:
    """Grouped by kind (272 instruments one by one would cost a minute); a difference names the concept."""
    wrong = [str(iri) for iri in (p.values[0] for p in cases(kind))
             if views.measures(reader, Query(**{kind: str(iri)})) != measures(graph, Query(**{kind: str(iri)}), whole)]
    assert not wrong


@pytest.mark.parametrize("body", cases("body"))
def test_body_views(reader, graph, whole, body: URIRef) -> None:
    for direct in (False, True):
        query = Query(body=str(body), direct=direct)
        assert views.measures(reader, query) == measures(graph, query, whole)
    assert views.profile(reader, body) == profile(graph, body)


@pytest.mark.parametrize("era", ["2021", "2023"])
# every body's matrix is 20 s a case: `make test-slow`; every theme's stays in the default run
@pytest.mark.parametrize("kind", ["theme", pytest.param("body", marks=pytest.mark.slow)])
def test_matrix_views(reader, graph, whole, kind: str, era: str) -> None:
    wrong = [str(iri) for iri in (p.values[0] for p in cases(kind))
             if views.matrix(reader, Filters(**{kind: str(iri)}), "task", era)
             != matrix(graph, Filters(**{kind: str(iri)}), "task", era, whole)]
    assert not wrong


@pytest.mark.parametrize("era", ["2021", "2023"])
@pytest.mark.parametrize("level", ["task", "paragraph"])
def test_the_whole_matrix(reader, graph, whole, level: str, era: str) -> None:
    assert views.matrix(reader, Filters(), level, era) == matrix(graph, Filters(), level, era, whole)


@pytest.mark.parametrize("chapter", ["4", "5", "6", "7", "4-2", "5-1-3", "9"])
def test_a_chapters_matrix_reads_that_chapter(reader, graph, whole, chapter: str) -> None:
    """The view is anchored at the chapter (``views._chapter``); the rows are the ones the whole graph gives."""
    assert views.matrix(reader, Filters(chapter=chapter)) == matrix(graph, Filters(chapter=chapter), "task", "2021", whole)


def test_targets_view(reader, graph) -> None:
    assert views.targets(reader) == targets(graph)


def test_text_query_reads_every_measure(reader, graph, whole) -> None:
    for text in ("绿色金融", "生态保护 信贷"):
        assert views.measures(reader, Query(q=text)) == measures(graph, Query(q=text), whole)


def test_counts_say_what_they_count(reader, graph) -> None:
    counts = views.counts(reader)
    sentences = {t for t in graph.subjects(RDF.type, QHFIN.Task) if (t, QHFIN.subTaskOf, None) not in graph}
    assert counts["task"] == EXPECTED["task"] and counts["measure"] == len(sentences) < counts["task"]
