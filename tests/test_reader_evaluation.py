"""Issue 14, part 2: the final evaluation computed from one named query through the engine
(``queries/evaluation-graph.rq``) is the one the whole rdflib graph gave."""

from __future__ import annotations

import pytest

from qhfin.evaluation import evaluation, evaluation_from


def settled(data: dict) -> dict:
    """The answer with each target's comments in one order: ``qhfin.targets`` lists them in the order the store
    gives them, which is the build's for the whole graph and the engine's for its answer (a target has one comment
    in Chinese and one in English; which comes first is not something the evaluation says)."""
    return {**data, "targets": [{**t, "comment": sorted(t["comment"])} for t in data["targets"]]}


@pytest.fixture(scope="module")
def whole(graph) -> dict:
    return settled(evaluation(graph))


@pytest.fixture(scope="module")
def read(app) -> dict:
    return settled(evaluation_from(app.extensions["qhfin"].reader))


@pytest.mark.parametrize("part", ["summary", "targets", "indicators", "tasks", "progress", "attention", "carry_over",
                                  "sources", "statuses"])
def test_each_part_is_the_same(whole, read, part):
    assert read[part] == whole[part]


def test_the_whole_answer_is_the_same(whole, read):
    assert read == whole and read["targets"] and read["tasks"]


def test_the_page_and_its_json_twin_read_through_the_engine(client, whole):
    import json

    served = settled(json.loads(client.get("/api/evaluation").data))
    assert served == json.loads(json.dumps(whole, ensure_ascii=False))


def test_the_command_reads_the_build_through_an_engine_of_its_own(app, whole, monkeypatch, capsys):
    import json

    from qhfin.cli import main

    monkeypatch.setenv("QHFIN_BUILD_DIR", str(app.config["QHFIN"].build_dir))
    assert main(["evaluation", "--json"]) == 0
    assert settled(json.loads(capsys.readouterr().out)) == json.loads(json.dumps(whole, ensure_ascii=False))


@pytest.mark.slow  # a trial import and two builds: half a minute (`make test-slow`)
def test_progress_reports_and_their_history_are_read_the_same(config, tmp_path_factory):
    """The shipped build has no progress report yet: two are entered here (one superseding another), then the
    evaluation read through an engine over that build is compared with the whole graph's."""
    import datetime as dt
    import shutil

    from test_evaluation_data import fill

    from qhfin.build import build, union
    from qhfin.config import Config
    from qhfin.progress import export_sheet, import_progress
    from qhfin.reader import opened

    base = tmp_path_factory.mktemp("progress-root")
    for name in ("source", "ontology", "shapes", "graph", "queries"):
        shutil.copytree(config.root / name, base / name)
    root = Config.from_env(root=str(base), build_dir=str(base / "build"))
    sheet = export_sheet(union(build(root)), "青海证监局")
    for when, status in ((dt.date(2026, 3, 31), "推进中"), (dt.date(2026, 6, 30), "已完成")):
        entered = base / f"{when}.xlsx"
        entered.write_bytes(fill(sheet, {2: {"进展情况": status, "佐证材料": "验收报告", "填报日期": when}}).getvalue())
        import_progress(root, [entered], today=when + dt.timedelta(days=1))
    whole = settled(evaluation(union(build(root))))
    with opened(root) as reader:
        read = settled(evaluation_from(reader))
    reported = [t for t in whole["tasks"] if t["status"] != "not-reported"]
    assert reported and reported[0]["history"] and read == whole
