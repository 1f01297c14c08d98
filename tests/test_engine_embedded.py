"""The embedded engine's own promises: the guard runs once per text, answers are cached (and the cache can be
turned off), a query past its deadline ends its worker and a fresh one answers the next query, and a graph file
that does not parse stops the start with its file and line."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qhfin import engine_embedded
from qhfin.engine import LEX_HERE, GraphFileError, open_engine
from qhfin.engine_embedded import EmbeddedEngine
from qhfin.guard import guard
from qhfin.request import Request
from qhfin.shape import shaped
from qhfin.sparql import OutsideRefused, TimeLimit, UpdateRefused

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture(scope="module")
def engines(app):
    config = app.config["QHFIN"]
    cached = EmbeddedEngine(dataclasses.replace(config, workers=1))
    uncached = EmbeddedEngine(dataclasses.replace(config, workers=1, result_cache_mb=0, time_limit=1.5))
    yield cached, uncached
    cached.close()
    uncached.close()


def _counting(engine, monkeypatch) -> list:
    calls: list = []
    original = engine.pool.call

    def call(message, *args, **kwargs):
        calls.append(message)
        return original(message, *args, **kwargs)

    monkeypatch.setattr(engine.pool, "call", call)
    return calls


def test_repeated_query_is_answered_from_the_cache(engines, monkeypatch):
    cached, _ = engines
    calls = _counting(cached, monkeypatch)
    first = cached.query(Request("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    second = cached.query(Request("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert first.body == second.body and len(calls) == 1


def test_without_cache_every_query_runs_but_the_guard_only_once(engines, monkeypatch):
    _, uncached = engines
    calls = _counting(uncached, monkeypatch)
    guarded: list[str] = []
    monkeypatch.setattr(engine_embedded, "guard", lambda text, *a, **k: guarded.append(text) or guard(text, *a, **k))
    for _ in range(2):
        uncached.query(Request("ASK { ?s a ?t }"))
    assert len(calls) == 2 and guarded == ["ASK { ?s a ?t }"]
    # the first run's syntax is judged by the worker's parse; the second carries the decision that parse confirmed
    assert calls[0][2] is False and calls[1][2] is True and calls[0][1] == calls[1][1]


def test_a_text_too_long_to_lex_here_is_guarded_in_the_worker(engines, monkeypatch):
    """A text past ``LEX_HERE`` is lexed only in a worker (a crafted 1 MB text held this process for up to a
    second): the same refusals and answers, sent to the pool with no key, never remembered as quick or heavy."""
    _, uncached = engines
    keys: list = []
    original = uncached.pool.call
    monkeypatch.setattr(uncached.pool, "call", lambda message, *a, key=None, **k: keys.append(key) or original(message, *a, key=key, **k))
    guarded: list[str] = []
    monkeypatch.setattr(engine_embedded, "guard", lambda text, *a, **k: guarded.append(text) or guard(text, *a, **k))
    values = " ".join(f"<https://w3id.org/qhfin/id/task/x-{i:05d}>" for i in range(LEX_HERE // 30))
    long = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?t {{ {values} }} }}"
    assert len(long) > LEX_HERE
    answer = uncached.query(Request(long))
    assert b'"value":"%d"' % (LEX_HERE // 30) in answer.body.replace(b" ", b"")
    with pytest.raises(OutsideRefused):
        uncached.query(Request(long.replace("VALUES", "SERVICE <http://127.0.0.1:9/> { } VALUES")))
    assert guarded == [] and keys == [None, None]  # both went to a worker, which refused the SERVICE
    short = "ASK { ?s ?p ?o }"
    uncached.query(Request(short + " # short"))
    assert guarded == [short + " # short"] and keys[-1] == (shaped(short).digest(), ())


def test_refusals_are_remembered_without_running(engines, monkeypatch):
    cached, _ = engines
    with pytest.raises(UpdateRefused):
        cached.query(Request("DELETE WHERE { ?s ?p ?o }"))
    calls = _counting(cached, monkeypatch)
    with pytest.raises(UpdateRefused):
        cached.query(Request("DELETE WHERE { ?s ?p ?o }"))
    assert calls == []


def test_deadline_ends_the_worker_and_a_fresh_one_answers(engines):
    _, uncached = engines
    with pytest.raises(TimeLimit) as caught:
        uncached.query(Request("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"))
    assert "QHFIN_TIME_LIMIT" in caught.value.en and "1.5" in caught.value.zh
    assert uncached.query(Request("ASK { ?s ?p ?o }")).body.endswith(b"true}")


def test_a_broken_graph_file_is_named_with_its_line(app, tmp_path):
    broken = tmp_path / "qhfin.trig"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e \"unterminated .\n", encoding="utf-8")
    config = dataclasses.replace(app.config["QHFIN"], build_dir=tmp_path, sparql_endpoint="", workers=1)
    with pytest.raises(GraphFileError, match=r"qhfin\.trig:3"):  # the workers that load it refuse it
        open_engine(config)


def test_serve_refuses_a_broken_graph(tmp_path, monkeypatch, capsys):
    from qhfin.cli import main

    (tmp_path / "qhfin.trig").write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    monkeypatch.setenv("QHFIN_BUILD_DIR", str(tmp_path))
    assert main(["serve", "--port", "1"]) == 2
    assert f"{tmp_path / 'qhfin.trig'}:2" in capsys.readouterr().err


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(['},{"', ',{"a":', '{}', '"bindings":[{"', '\\",{\\"'])),
                max_size=6), st.integers(0, 8))
def test_rows_are_counted_exactly_whatever_the_literals_hold(values, limit):
    """The answer is counted without being parsed: literals that look like JSON structure must not fool it, and
    the cut at the row limit is the same as when counted by parsing."""
    import json

    import pyoxigraph as ox

    from qhfin.serialize import render

    store = ox.Store()
    for i, value in enumerate(values):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/{i}"), ox.NamedNode("http://example.org/p"), ox.Literal(value)))
    text = "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/q> ?none } }"
    answer = render(store.query(text), "SELECT", "json", limit, rerun=lambda: store.query(text))
    document = json.loads(answer.body)
    assert answer.rows == len(document["results"]["bindings"]) == min(len(values), limit)
    assert document["truncated"] is (len(values) > limit) and answer.truncated is (len(values) > limit)
    if len(values) <= limit:  # nothing lost or altered on the way
        assert sorted(b["o"]["value"] for b in document["results"]["bindings"]) == sorted(values)


# ---------------------------------------------------------------- the forkserver's graph

SHARED_SCRIPT = """
import os, sys
from qhfin.config import Config
from qhfin.guard import guard
from qhfin.request import Request
from qhfin.engine_embedded import EmbeddedEngine
from qhfin.shared_store import warm_forkserver
from qhfin.shared_store import MODULES

def count(engine):
    body = engine.query(Request("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).body.decode()
    return body.split('"value":"')[1].split('"')[0]

if __name__ == "__main__":
    build = sys.argv[1]
    path = os.path.join(build, "qhfin.trig")
    config = Config.from_env(build_dir=build, sparql_endpoint="", workers=2, result_cache_mb=0)
    warm_forkserver(MODULES, path)  # as `qhfin serve` does, before anything else
    first = EmbeddedEngine(config)
    print(first.shared_graph, count(first))
    first.close()
    with open(path, "a", encoding="utf-8") as f:  # the file changes (a rebuild): never served from the old copy
        f.write("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\\n")
    second = EmbeddedEngine(config)
    print(second.shared_graph, count(second))
    second.close()
"""


def test_workers_share_the_forkservers_graph_but_never_a_stale_one(tmp_path):
    """`qhfin serve` loads the graph once, in the forkserver, and forks the workers with it (a worker that replaces
    one killed at the time limit answers at once); a graph file changed since is loaded afresh. A fresh interpreter:
    this one's forkserver is already running."""
    import subprocess
    import sys

    (tmp_path / "qhfin.trig").write_text("@prefix ex: <http://example.org/> .\nex:g { ex:s ex:p ex:o . ex:s ex:p ex:o2 . }\n",
                                         encoding="utf-8")
    script = tmp_path / "shared.py"
    script.write_text(SHARED_SCRIPT, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["True 2", "False 3"]


def test_the_service_starts_without_the_explorer_and_spreadsheet_libraries():
    """networkx and openpyxl (with numpy, half a second) are imported by the requests that use them, not before
    the service answers; `qhfin serve` imports every blueprint before it starts."""
    import subprocess
    import sys

    code = ("import sys, api.blueprints as b; b.import_all(); "
            "print(sorted(m for m in ('networkx', 'openpyxl', 'numpy', 'pyshacl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_what_the_engine_remembers_is_bounded_by_the_texts_it_holds(engines, monkeypatch):
    """Long texts with short answers: the answer cache counts each key's text (it counted the answer alone, so a
    stream of 1 MB queries with 40-byte answers was kept a million times over before the bound saw it), and the
    guard's decisions are kept within ``DECISION_CHARS`` characters of text."""
    from qhfin import engine as engine_module
    from qhfin.engine import Cache
    from qhfin.serialize import Answer

    cache = Cache(1024 * 1024)
    for i in range(100):
        cache.put(Request(f"ASK {{}} # {i:03d} " + "x" * 100_000), Answer("application/sparql-results+json", b'{"boolean":true}', "ASK"))
    assert cache.size <= 1024 * 1024 and len(cache._items) <= 10

    _, uncached = engines
    monkeypatch.setattr(engine_module, "DECISION_CHARS", 50_000)
    for i in range(20):
        uncached._decide(f"ASK {{}} # {i:02d} " + "x" * 10_000, guard("ASK {}", ()))
    assert sum(map(len, uncached.decisions)) <= 50_000 and len(uncached.decisions) >= 1


def test_a_woken_worker_says_nothing_and_answers_what_it_is_then_asked(engines):
    """``Pool.wake`` tells an idle worker that a query is on its way, so that it polls instead of sleeping. It must
    never answer the wake itself: an idle worker whose pipe holds something is taken for dead (``Worker.ended``)
    and replaced, and every later answer would be one behind. Woken once or twice, asked at once or after it has
    gone back to sleep, it answers each query with that query's own answer."""
    import time

    _, uncached = engines
    pool = uncached.pool
    for i, (wakes, pause) in enumerate([(1, 0.0), (2, 0.0), (1, 0.02), (3, 0.02)]):
        for _ in range(wakes):
            pool.wake()
        time.sleep(pause)
        assert pool._idle and not any(worker.ended() for worker in pool._idle)
        answer = uncached.query(Request(f"SELECT ?n WHERE {{ VALUES ?n {{ {i} }} }} # woken {wakes}, asked after {pause}"))
        assert json.loads(answer.body)["results"]["bindings"] == [{"n": {"type": "literal", "value": str(i),
                                                                        "datatype": XSD_INTEGER}}]


def test_queries_side_by_side_each_get_their_own_answer(app):
    """Several threads querying at once, texts and answers small and large (over 16 KB, which crosses the pipe in
    two writes): a wake sent to a worker while a query was being sent to it would splice the two messages and leave
    that worker's every later answer wrong. Each query asks for its own numbers and must get them back."""
    from concurrent.futures import ThreadPoolExecutor

    engine = EmbeddedEngine(dataclasses.replace(app.config["QHFIN"], workers=2, result_cache_mb=0))
    try:
        def ask(i: int) -> bool:
            size = 3 if i % 2 else 2000  # 2,000 rows: ~90 KB of JSON
            text = (f"SELECT ?n WHERE {{ VALUES ?k {{ {i} }} ?s ?p ?o }} LIMIT 0 # {i}" if i % 5 == 0 else
                    f"SELECT ?n WHERE {{ VALUES ?k {{ {i} }} VALUES ?x {{ {' '.join(map(str, range(size)))} }} "
                    f"BIND (?k * 100000 + ?x AS ?n) }}")
            text += "\n# " + "x" * 20_000 * (i % 3 == 0)  # a text over 16 KB crosses in two writes too
            rows = json.loads(engine.query(Request(text)).body)["results"]["bindings"]
            return [int(r["n"]["value"]) for r in rows] == ([] if i % 5 == 0 else [i * 100000 + x for x in range(size)])

        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(ask, range(120)))
    finally:
        engine.close()
