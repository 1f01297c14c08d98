"""The scale and soak tools of issue 6 work: a tiny synthetic corpus, a 20-second soak; the full runs are @slow."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import soak  # noqa: E402
import synth  # noqa: E402

TASK = ox.NamedNode("https://w3id.org/qhfin/ontology#Task")
THEME = ox.NamedNode("https://w3id.org/qhfin/ontology#supportsTheme")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def template(app) -> list[ox.Quad]:
    return synth.template(app.config["QHFIN"].built_graph)


@pytest.fixture(scope="module")
def corpus(template, tmp_path_factory) -> tuple[Path, list[ox.Quad]]:
    path = tmp_path_factory.mktemp("synth") / "a.trig"
    synth.write(synth.generate(template, 3 * len(template) // 2, seed=7), path)
    return path, list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def test_synth_is_deterministic_from_its_seed(template, corpus, tmp_path):
    again, other = tmp_path / "again.trig", tmp_path / "other.trig"
    synth.write(synth.generate(template, 3 * len(template) // 2, seed=7), again)
    synth.write(synth.generate(template, 3 * len(template) // 2, seed=8), other)
    assert again.read_bytes() == corpus[0].read_bytes()
    assert other.read_bytes() != corpus[0].read_bytes()


def test_synth_reaches_the_size_asked_for(template, corpus):
    quads = corpus[1]
    assert 3 * len(template) // 2 <= len(quads) <= 5 * len(template) // 2


def test_synth_makes_separate_plans_of_several_provinces(template, corpus):
    tasks = {q.subject.value for q in template if q.predicate == RDF_TYPE and q.object == TASK}
    made = {q.subject.value for q in corpus[1] if q.predicate == RDF_TYPE and q.object == TASK}
    plans = len(made) // len(tasks)
    assert plans >= 2 and len(made) == plans * len(tasks)
    labels = " ".join(q.object.value for q in corpus[1] if isinstance(q.object, ox.Literal))
    assert "甘肃" in labels


def test_synth_plans_differ_in_their_links(corpus):
    themes: dict[str, set] = {}
    for q in corpus[1]:
        if q.predicate == THEME and "/task/" in q.subject.value:
            rest = q.subject.value.split("/task/", 1)[1]
            plan, notation = rest.split("/", 1) if "/" in rest.split("-", 1)[0] else ("qh", rest)
            themes.setdefault(notation, set()).add((plan, q.object.value))
    differing = sum(1 for links in themes.values() if len({t for _, t in links}) > 1)
    assert differing > len(themes) // 4


def test_a_named_query_answers_over_the_synthetic_corpus(corpus, config):
    store = ox.Store()
    store.load(path=str(corpus[0]), format=ox.RdfFormat.TRIG)
    text = (config.queries_dir / "tasks-per-body.rq").read_text(encoding="utf-8")
    rows = list(store.query(text, use_default_graph_as_union=True))
    bodies = {str(r[0]) for r in rows}
    assert any("/body/gs/" in b for b in bodies)  # the second province's own bodies


@pytest.fixture(scope="module")
def short_soak(app) -> dict:
    """20 seconds of the soak's mix against ``qhfin serve`` (this session's build, a 2-second time limit)."""
    build_dir = app.config["QHFIN"].build_dir
    with soak.serve(2.0, {"QHFIN_BUILD_DIR": str(build_dir)}) as (base, pid):
        return soak.soak(base, seconds=20, concurrency=16, pid=pid)


@pytest.mark.slow  # a soak run (20 s of sixteen clients): make test-slow; make soak runs the long one
def test_soak_has_no_5xx_but_the_documented_time_limit_answers(short_soak):
    assert short_soak["unexpected"] == 0, short_soak["unexpected_kinds"]


@pytest.mark.slow  # a soak run (20 s of sixteen clients): make test-slow; make soak runs the long one
def test_soak_exercised_every_kind_of_request(short_soak):
    statuses = short_soak["statuses"]
    for seen in ("cheap 200", "page 200", "invalid 400", "invalid 403"):
        assert statuses.get(seen, 0) > 0, statuses
    assert statuses.get("time-limited 503", 0) > 0, statuses
    assert statuses.get("time-limited 200", 0) == 0, statuses


@pytest.mark.slow  # a soak run (20 s of sixteen clients): make test-slow; make soak runs the long one
def test_soak_keeps_answering_simple_queries_throughout(short_soak):
    windows = short_soak["cheap_window_ms"]
    assert all(m is not None for m in windows), windows
    assert short_soak["statuses"]["cheap 200"] > 100
    assert max(windows[5:]) < max(10 * short_soak["cheap_idle_ms"], 500), windows


@pytest.mark.slow  # a soak run (20 s of sixteen clients): make test-slow; make soak runs the long one
def test_soak_memory_stays_flat(short_soak):
    rss = short_soak["rss_mb"]
    assert rss["end"] < rss["start"] + 400, rss


def test_soak_refuses_anything_but_loopback():
    with pytest.raises(AssertionError, match="loopback"):
        soak.soak("http://192.0.2.1:8000", seconds=1)


@pytest.mark.slow
def test_full_soak_ten_minutes(tmp_path):
    assert soak.main(["--minutes", "10", "--out", str(tmp_path)]) == 0


@pytest.mark.slow
def test_scale_half_a_million(tmp_path):
    import scale

    assert scale.main(["--sizes", "500000", "--repeats", "3", "--out", str(tmp_path)]) == 0
    text = next(tmp_path.glob("scale-0.5M-*.md")).read_text(encoding="utf-8")
    assert "HTTP" not in text, text


def test_pool_heavy_lane_full_refuses_a_known_heavy_query_without_killing_a_worker():
    """Regression (found by the soak): a text known to be heavy, sent while the heavy lane was full, took a fast-lane
    worker, started running there and then had that worker killed and restarted — under load the restarts starved
    the cheap queries, which then ran past ``heavy_after`` and were refused with 503 as well."""
    from qhfin.pool import Full, Pool
    from qhfin.workers import guard_worker

    pool = Pool(guard_worker, (0,), 1, 1, 0.5)
    try:
        before = [w.process.pid for w in pool._idle]
        pool._remember("heavy text", False)
        assert pool._heavy.acquire(blocking=False)  # another heavy query holds the lane
        with pytest.raises(Full):
            pool.call(("SELECT * WHERE { ?s ?p ?o }", ()), 5, key="heavy text")
        assert [w.process.pid for w in pool._idle] == before
        assert all(w.process.is_alive() for w in pool._idle)
        pool._heavy.release()
        assert pool.call(("ASK {}", ()), 5, key="cheap")[0] == "ok"
    finally:
        pool.close()


def test_targets_walk_the_plan_once_not_once_per_target(graph, monkeypatch):
    """Regression (found by the 0.5 M scale run, where ``/api/targets`` took 35 s): every target walked all the
    plan's tasks again to find its own; now the plan order is computed once and each target's tasks looked up."""
    from qhfin import targets as targets_module
    from qhfin.namespaces import QHFIN
    from qhfin.plan_tasks import leaf_tasks

    calls = []
    monkeypatch.setattr(targets_module, "leaf_tasks", lambda g: calls.append(1) or leaf_tasks(g))
    answer = targets_module.targets(graph)
    assert answer["count"] > 10 and len(calls) == 1
    leaves = leaf_tasks(graph)
    for record in answer["results"]:  # the same tasks, in the same (plan) order, as walking the plan per target
        expected = [str(t) for t in leaves if (t, QHFIN.contributesTo, URIRef(record["id"])) in graph]
        assert [t["id"] for t in record["tasks"]] == expected
