"""Same question, same answer (issue 14): for every theme, instrument and body, the JSON API, the measures page, the
named query and the CLI give the same measures and the same count — one definition of a measure (a sentence-level
task; a clause's links count for its sentence; a body answers for its predecessors and its groups), everywhere.

One app and one CLI run (``qhfin measures --batch``: every question, one engine) serve all the cases.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from urllib.parse import urlencode

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF
from sampling import sampled

from qhfin.config import Config
from qhfin.resolve import KINDS
from qhfin.store import load_with_union

QUERY = {"theme": "measures-by-theme", "instrument": "measures-by-instrument", "body": "measures-by-body"}
EXPECTED = {"theme": 66, "instrument": 272, "body": 164}
MEMBER = re.compile(r'<article class="measure[^"]*">\s*<h2><a href="(/id/task/[^"]+)"')
COUNT = re.compile(r'<p class="count" id="count">[^<]*<strong>(\d+)</strong>')


@cache
def _concepts() -> dict[str, list[URIRef]]:
    graph = load_with_union(Config.from_env())[1]
    found = {kind: sorted({s for c in KINDS[kind] for s in graph.subjects(RDF.type, c)}) for kind in QUERY}
    for kind, iris in found.items():
        assert len(iris) == EXPECTED[kind], f"{kind}: {len(iris)} found, {EXPECTED[kind]} expected"
    return found


QUESTIONS = [(kind, iri) for kind, iris in _concepts().items() for iri in iris]
# every question in `make test-slow`; an evenly spread sample of each kind in the default run
CASES = [case for kind in QUERY for case in sampled(
    [pytest.param(k, iri, id=f"{k}-{str(iri).rsplit('/', 1)[-1]}") for k, iri in QUESTIONS if k == kind], keep=6)]


@pytest.fixture(scope="module")
def cli_answers(app, tmp_path_factory, request) -> dict[tuple[str, str], dict]:
    """Every question this session asks, asked of one ``qhfin measures --batch`` process, over the app's build."""
    chosen = {(i.callspec.params["kind"], i.callspec.params["iri"]) for i in request.session.items
              if i.module is request.module and hasattr(i, "callspec")}
    questions = [q for q in QUESTIONS if q in chosen]
    batch = tmp_path_factory.mktemp("questions") / "questions.txt"
    batch.write_text("".join(urlencode({kind: str(iri)}) + "\n" for kind, iri in questions), encoding="utf-8")
    env = {**os.environ, "QHFIN_BUILD_DIR": str(app.config["QHFIN"].build_dir)}
    done = subprocess.run([sys.executable, "-m", "qhfin.cli", "measures", "--batch", str(batch)], env=env,
                          capture_output=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8")[-2000:]
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(questions)
    return {(kind, str(iri)): json.loads(line) for (kind, iri), line in zip(questions, lines, strict=True)}


def _members(results: list[dict], key: str) -> list[str]:
    return [r[key] for r in results]


@pytest.mark.parametrize(("kind", "iri"), CASES)
def test_same_question_same_answer(client, cli_answers, kind: str, iri: URIRef) -> None:
    api = client.get("/api/measures", query_string={kind: str(iri)}).get_json()
    members = _members(api["results"], "id")
    assert api["count"] == len(members) and api["count_of"]["key"] == "measure"
    page = client.get("/measures", query_string={kind: str(iri)}).data.decode("utf-8")
    shown = ["https://w3id.org/qhfin" + href for href in MEMBER.findall(page)]
    assert int(COUNT.search(page).group(1)) == api["count"] and shown == members
    named = client.get(f"/queries/{QUERY[kind]}.json", query_string={kind: str(iri)}).get_json()
    assert named["count"] == api["count"] and sorted(_members(named["results"], "measure")) == sorted(members)
    cli = cli_answers[(kind, str(iri))]
    assert cli["count"] == api["count"] and _members(cli["results"], "id") == members
