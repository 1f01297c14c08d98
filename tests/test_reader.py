"""The pages' reads go through the engine (issue 14): rows and small graphs from named queries, values as bindings,
never cut silently, remembered per graph version."""

from __future__ import annotations

import dataclasses

import pytest
from rdflib import Literal, URIRef

from qhfin.namespaces import QHFIN
from qhfin.queries import NamedQuery
from qhfin.reader import Memo, Reader, Truncated
from qhfin.sparql import with_bindings
from qhfin.version import time_version

TASK = URIRef("https://w3id.org/qhfin/id/task/5-6-1-1-1")
AROUND = NamedQuery("around", "一项任务的三元组", "A task's triples", "", (), (
    "PREFIX qhfin: <https://w3id.org/qhfin/ontology#>\n"
    "CONSTRUCT { ?task ?p ?o } WHERE { ?task ?p ?o }"), "CONSTRUCT")


@pytest.fixture()
def reader(app) -> Reader:
    state = app.extensions["qhfin"]
    return Reader(state.engine, {**state.reader.queries, "around": AROUND}, lambda: "v1")


def test_rows_bind_values_and_give_rdflib_terms(reader: Reader, graph) -> None:
    rows = reader.rows("task", task=TASK)
    expected = {(p, o) for p, o in graph.predicate_objects(TASK) if p in (QHFIN.supportsTheme, QHFIN.usesInstrument)}
    assert expected and expected <= {(r["property"], r["object"]) for r in rows}


def test_construct_gives_the_graph_the_engine_holds(reader: Reader, graph) -> None:
    small = reader.graph("around", task=TASK)
    assert set(small) == {(TASK, p, o) for p, o in graph.predicate_objects(TASK)}
    assert any(isinstance(o, Literal) and o.language == "zh" for o in small.objects(TASK, None))


def test_a_cut_answer_is_an_error_never_half_a_page(reader: Reader, monkeypatch) -> None:
    monkeypatch.setattr("qhfin.reader.READ_ROW_LIMIT", 3)
    with pytest.raises(Truncated) as caught:
        reader.graph("around", task=TASK)
    assert caught.value.status == 503 and "around" in caught.value.detail


def test_a_sorted_read_asks_a_store_for_no_more_rows_than_virtuoso_sorts(reader: Reader, monkeypatch) -> None:
    """Virtuoso refuses to sort more than a million rows (SR353: its MaxSortedTopRows), and an engine asks a store
    for one row more than a read's limit (``sparql.capped``): read at 5,000,000, every page with a sorted view
    (the home page, VoID) was a 502 in front of Virtuoso (``make facade-virtuoso``). A CONSTRUCT is not capped so,
    and keeps the larger limit: a dump of a 5 M-quad store is one read."""
    sent: list = []
    original = reader.engine.query
    monkeypatch.setattr(reader.engine, "query", lambda request: sent.append(request) or original(request))
    reader.rows("properties", resource=TASK)  # ORDER BY, no LIMIT of its own
    reader.graph("around", task=TASK)
    (select, construct) = sent
    assert "ORDER BY" in select.text and select.row_limit + 1 <= 1_000_000
    assert construct.row_limit >= 5_000_000


def test_remembered_per_version() -> None:
    memo, calls = Memo(size=2), []
    make = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert memo.get("v1", "k", make) == 1 and memo.get("v1", "k", make) == 1
    assert memo.get("v2", "k", make) == 2  # a new graph version: built anew


def test_time_version_changes_with_time(monkeypatch) -> None:
    clock = [100.0]
    monkeypatch.setattr("qhfin.version.time.monotonic", lambda: clock[0])
    version = time_version(30)
    first = version()
    clock[0] += 31
    assert version() != first


def test_bindings_open_a_constructs_where_group_not_its_template() -> None:
    text = with_bindings("PREFIX s: <http://w/where> CONSTRUCT { ?t s:where ?o } # where {\nWHERE { ?t ?p ?o }",
                         {"t": ("iri", "http://x/a", "")})
    assert text.endswith("WHERE { BIND (<http://x/a> AS ?t)  <http://x/a> ?p ?o }")  # the template keeps ?t


def test_external_engine_takes_construct_bindings(app, oxigraph_server, graph) -> None:
    from qhfin.engine import open_engine

    config = dataclasses.replace(app.config["QHFIN"], sparql_endpoint=oxigraph_server + "/query")
    engine = open_engine(config)
    try:
        small = Reader(engine, {"around": AROUND}, lambda: "v").graph("around", task=TASK)
    finally:
        engine.close()
    assert set(small) == {(TASK, p, o) for p, o in graph.predicate_objects(TASK)}


def test_the_engines_answers_are_kept_per_graph_version(app) -> None:
    """On an external store the engine's own answer cache is keyed by the version too: a change shows."""
    from qhfin.engine import Cache
    from qhfin.request import Request
    from qhfin.serialize import Answer

    version = ["v1"]
    cache = Cache(1_000_000, lambda: version[0])
    key, answer = Request("ASK {}"), Answer("application/sparql-results+json", b'{"boolean":true}', "ASK")
    cache.put(key, answer)
    assert cache.get(key) is answer
    version[0] = "v2"
    assert cache.get(key) is None and cache.size == 0


def test_an_answer_being_built_is_waited_for_not_built_again() -> None:
    """Sixteen requests for one answer at once: one build, sixteen answers (the soak's memory stayed flat once so)."""
    import threading
    import time

    memo, calls = Memo(), []

    def make() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(memo.get("v1", "matrix", make))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [42] * 16 and len(calls) == 1
