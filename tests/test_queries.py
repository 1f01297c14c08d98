"""Named queries: files with a header that must parse, run on both engines, on the web and on the command line,
with parameters that go in as bindings (resolved names, never text spliced into the query)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from qhfin.cli import main
from qhfin.config import Config
from qhfin.queries import QueryFileError, load_queries, parse

NAMES = sorted(p.stem for p in Config.from_env().queries_dir.glob("*.rq"))
NON_EMPTY = {"matrix", "tasks", "tasks-per-body", "targets", "stated-links", "measures-by-theme", "measures-by-body",
             "measures-by-instrument", "task", "search-tasks", "concepts", "upstream-dependencies",
             # what Linked Data, VoID and the dumps read through the engine (issue 14)
             "describe", "graph-sizes", "dataset-counts", "properties", "graph-triples", "union-triples",
             "explorer-graph", "evaluation-graph",
             # the views the pages, the REST API and the CLI read (issue 14), public like the others
             "view-names", "view-tasks", "view-body", "view-reforms", "view-targets", "view-parts", "view-linked",
             "view-counts"}
# what the service reads whole (past the public row limit): on /queries they are cut, and say so
READ_WHOLE = {"explorer-graph", "evaluation-graph"}


def test_all_named_queries_are_collected():
    assert len(NAMES) == 28 and set(NAMES) == NON_EMPTY


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_runs(sparql_client, name):
    response = sparql_client.get(f"/queries/{name}.json")
    assert response.status_code == 200, response.data[:300]
    data = json.loads(response.data)
    assert data["count"] > 0 and data["columns"] and data["truncated"] is (name in READ_WHOLE)
    assert set(data["results"][0]) <= set(data["columns"])


@pytest.mark.parametrize("name", ["measures-by-theme", "tasks-per-body"])
def test_page_and_csv_twin(sparql_client, name):
    page = sparql_client.get(f"/queries/{name}")
    assert page.status_code == 200 and "<table" in page.data.decode()
    rows = list(csv.reader(io.StringIO(sparql_client.get(f"/queries/{name}.csv").data.decode("utf-8"))))
    assert len(rows) == json.loads(sparql_client.get(f"/queries/{name}.json").data)["count"] + 1


def test_index_lists_every_query(client):
    data = json.loads(client.get("/queries?format=json").data)
    assert sorted(q["name"] for q in data["queries"]) == NAMES


def test_theme_by_name_alias_and_iri_give_the_same_answer(client):
    by_name = json.loads(client.get("/queries/measures-by-theme.json?theme=乡村振兴").data)
    iri = by_name["params"]["theme"]
    by_iri = json.loads(client.get("/queries/measures-by-theme.json", query_string={"theme": iri}).data)
    assert iri.startswith("https://w3id.org/qhfin/id/theme/") and by_name["results"] == by_iri["results"]


def test_measures_by_theme_gives_one_row_per_measure(client):
    """Issue 14: a measure is a sentence-level task, counted once; a clause's link counts for its sentence."""
    data = json.loads(client.get("/queries/measures-by-theme.json?theme=乡村振兴").data)
    measures = [r["measure"] for r in data["results"]]
    assert len(measures) == len(set(measures)) == data["count"]
    assert all("." not in r["notation"] for r in data["results"])
    assert any(r.get("clauses") for r in data["results"])  # some measure is there through one of its clauses


@pytest.mark.parametrize("value", ['") } UNION { ?s ?p ?o } #', "x' } ; DROP ALL ; #", "绿色金融\" ) || true || (\""])
def test_parameters_are_bindings_not_text(sparql_client, value):
    """A hostile value is just a string to look for: nothing matches, nothing is injected."""
    response = sparql_client.get("/queries/search-tasks.json", query_string={"q": value})
    assert response.status_code == 200 and json.loads(response.data)["count"] == 0


def test_unknown_name_for_a_theme_is_400_in_both_languages(client):
    error = json.loads(client.get("/queries/measures-by-theme.json?theme=不存在的主题").data)["error"]
    assert error["status"] == 400 and "不存在的主题" in error["message"]["zh"] and "theme" in error["message"]["en"]


def test_unknown_query_is_404(client):
    assert client.get("/queries/no-such-query.json").status_code == 404


def test_cli_runs_a_named_query_with_a_parameter(app, capsys, monkeypatch):
    monkeypatch.setenv("QHFIN_BUILD_DIR", str(app.config["QHFIN"].build_dir))
    assert main(["query", "measures-by-theme", "--theme", "绿色金融"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][0] == "theme" and len(rows) > 1
    assert all(r[0].endswith("/theme/green-finance") for r in rows[1:])


def test_cli_refuses_an_unknown_name(app, capsys, monkeypatch):
    monkeypatch.setenv("QHFIN_BUILD_DIR", str(app.config["QHFIN"].build_dir))
    assert main(["query", "measures-by-theme", "--theme", "不存在"]) == 2
    assert "不存在" in capsys.readouterr().err


HEAD = "#+ title_zh: 标题\n#+ title_en: Title\n"
BODY = "SELECT ?x WHERE { ?x ?p ?o }\n"


@pytest.mark.parametrize(("text", "line", "says"), [
    pytest.param("#+ title_zh: 标题\n" + BODY, 1, "title_en", id="missing-title"),
    pytest.param(HEAD + "#+ summary: old grlc key\n" + BODY, 3, "summary", id="unknown-key"),
    pytest.param(HEAD + "#+param theme iri\n" + BODY, 3, "does not parse", id="no-colon"),
    pytest.param(HEAD + "#+ param: x colour 颜色 Colour\n" + BODY, 3, "param line", id="bad-type"),
    pytest.param(HEAD + "#+ param: theme iri 主题 Theme\n" + BODY, 3, "?theme", id="param-not-in-query"),
    pytest.param(HEAD + "#+ title_en: Again\n" + BODY, 3, "twice", id="duplicate"),
])
def test_a_header_that_does_not_parse_is_an_error_naming_file_and_line(tmp_path, text, line, says):
    path = tmp_path / "broken.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError) as caught:
        parse(path)
    assert f"broken.rq:{line}" in str(caught.value) and says in str(caught.value)


@pytest.mark.parametrize(("text", "says"), [
    pytest.param(HEAD + "DELETE WHERE { ?s ?p ?o }\n", "read-only", id="update"),
    pytest.param(HEAD + "SELECT ?x WHERE { ?x ?p \n", "syntax", id="syntax"),
])
def test_a_query_the_guard_refuses_is_an_error_at_load_time(tmp_path, text, says):
    (tmp_path / "bad.rq").write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError, match=says):
        load_queries(tmp_path)


def test_serve_refuses_a_broken_named_query(app, tmp_path):
    import shutil

    from qhfin.serve import StartError, prepare

    root = tmp_path / "root"
    shutil.copytree(Config.from_env().root / "queries", root / "queries")
    (root / "queries" / "zz-broken.rq").write_text("#+ title_zh 缺冒号\n" + BODY, encoding="utf-8")
    with pytest.raises(StartError, match="zz-broken.rq:1"):
        prepare(Config.from_env(root=str(root), build_dir=str(app.config["QHFIN"].build_dir)))


def test_the_guards_decisions_are_kept_between_starts(tmp_path, monkeypatch):
    """A second start reads the decisions instead of parsing again (the parser is most of the start-up); an edited
    query is parsed anew, and a damaged cache file is only a slower start."""
    import shutil

    import qhfin.queries as queries

    directory = tmp_path / "queries"
    shutil.copytree(Config.from_env().queries_dir, directory)
    cache = tmp_path / "build" / "named-queries.json"
    first = load_queries(directory, cache=cache)
    assert len(json.loads(cache.read_text(encoding="utf-8"))) == len(first)

    def no_parsing(text, graphs):
        raise AssertionError("parsed although decided before")

    queries._LOADED.clear()
    monkeypatch.setattr(queries, "guard", no_parsing)
    assert load_queries(directory, cache=cache) == first
    queries._LOADED.clear()
    (directory / "task.rq").write_text((directory / "task.rq").read_text(encoding="utf-8") + "\n# edited\n", "utf-8")
    with pytest.raises(AssertionError, match="parsed although"):
        load_queries(directory, cache=cache)
    monkeypatch.undo()
    queries._LOADED.clear()
    cache.write_text("{not json", encoding="utf-8")
    assert load_queries(directory, cache=cache).keys() == first.keys()
    assert len(json.loads(cache.read_text(encoding="utf-8"))) == len(first)


def test_an_iri_parameter_is_the_plan_everywhere_its_group_uses_it():
    """Over a store of two plans, a count made in a subquery counts the plan asked for: the parameter is written in
    where the WHERE group uses it (a subquery's variables are its own, so a BIND alone would count both), while the
    projection, an assignment and GROUP BY keep the variable."""
    import pyoxigraph as ox

    from qhfin.sparql import with_bindings

    store = ox.Store()
    part = ox.NamedNode("http://purl.org/dc/terms/isPartOf")
    for task, plan in (("t1", "p1"), ("t2", "p1"), ("t3", "p2")):
        store.add(ox.Quad(ox.NamedNode(f"http://x/{task}"), part, ox.NamedNode(f"http://x/{plan}")))
    text = ("SELECT ?plan ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?task <http://purl.org/dc/terms/isPartOf> ?plan } } "
            "BIND (?plan AS ?again) } GROUP BY ?plan ?n")
    for plan, count in (("p1", 2), ("p2", 1)):
        rows = list(store.query(with_bindings(text, {"plan": ("iri", f"http://x/{plan}", "")})))
        assert [(r["plan"].value, int(r["n"].value)) for r in rows] == [(f"http://x/{plan}", count)]
