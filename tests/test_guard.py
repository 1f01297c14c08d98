"""The guard (issue 14) against the one it replaced: every query text the tests send, every named query, the fuzz
generator's pieces and the tricky cases of ``docs/guard.md`` go through both, and their decisions must agree —
the same ``Decision``, or a refusal of the same class — except where a case below says which side is right.

The old guard (rdflib's pyparsing grammar) lives in ``tests/guard_oracle.py`` only: it is on no request path any more.
"""

from __future__ import annotations

import ast
import random
import re
import time
from pathlib import Path

import pytest
from guard_oracle import old_guard

from qhfin.guard import MAX_DEPTH, MAX_TOKENS, Decision, guard
from qhfin.queries import GRAPHS
from qhfin.sparql import OutsideRefused, SparqlError, UpdateRefused
from qhfin.tokens import tokenize

ROOT = Path(__file__).resolve().parents[1]
URL = "http://127.0.0.1:9"  # a closed port: nothing may ever connect to it
PLAN = "https://w3id.org/qhfin/id/graph/plan"
SPARQL_START = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|"
                          r"DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
SOURCES = ("test_sparql_safety.py", "test_security.py", "test_sparql_protocol.py", "test_fuzz.py")


def outcome(decide, text: str) -> Decision | str:
    """The decision, or the name of the refusal's class (with the message for the empty query, which shares it)."""
    try:
        return decide(text, GRAPHS)
    except SparqlError as exc:
        return f"{type(exc).__name__}: {exc.en}"


# ---------------------------------------------------------------- the corpus

TRICKY = {
    # SERVICE: a keyword only as a bare word, in any case, anywhere in the query
    "service-lowercase": f"SELECT * WHERE {{ service <{URL}/> {{ ?s ?p ?o }} }}",
    "service-mixed-case": f"SELECT * WHERE {{ SeRvIcE <{URL}/> {{ ?s ?p ?o }} }}",
    "service-silent-in-optional": f"ASK {{ OPTIONAL {{ SERVICE SILENT <{URL}/> {{ ?s ?p ?o }} }} }}",
    "service-in-subquery-in-union": f"SELECT * {{ {{ }} UNION {{ SELECT * {{ SERVICE <{URL}/> {{}} }} }} }}",
    "service-in-construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{URL}/> {{ ?s ?p ?o }} }}",
    "service-in-string": 'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
    "service-in-long-string": "SELECT * WHERE { ?s ?p '''SERVICE <http://127.0.0.1:9/> {\n} ''' }",
    "service-in-comment": "SELECT * WHERE { ?s ?p ?o # SERVICE <http://127.0.0.1:9/> { }\n}",
    "service-in-iri": "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "service-as-prefixed-name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?o }",
    "service-as-prefix": "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o }",
    "service-as-variable": "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "service-as-language-tag": 'ASK { ?s ?p "x"@service }',
    "service-broken-query": f"SELECT * WHERE {{ SERVICE <{URL}/> {{ ?s ?p ?o }}",
    "service-in-update": f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{URL}/> {{ ?s ?p ?o }} }}",
    # FROM and FROM NAMED: after prefixes and the base, as the parser sees them
    "from-dataset-graph": f"SELECT * FROM <{PLAN}> WHERE {{ ?s ?p ?o }}",
    "from-named-dataset-graph": f"SELECT * FROM NAMED <{PLAN}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "from-prefixed-dataset-graph": "PREFIX g: <https://w3id.org/qhfin/id/graph/> SELECT * FROM g:plan WHERE { ?s ?p ?o }",
    "from-prefixed-outside": "PREFIX x: <http://127.0.0.1:9/> SELECT * FROM x:data.ttl WHERE { ?s ?p ?o }",
    "from-relative-dataset-graph": "SELECT * FROM <graph/plan> WHERE { ?s ?p ?o }",
    "from-relative-outside": "SELECT * FROM <../../etc/passwd> WHERE { ?s ?p ?o }",
    "from-own-base-outside": "BASE <http://127.0.0.1:9/> SELECT * FROM <graph/plan> WHERE { ?s ?p ?o }",
    "from-own-base-dataset-graph": "BASE <https://w3id.org/qhfin/id/graph/> ASK FROM <plan> { ?s ?p ?o }",
    "from-relative-prefix": "PREFIX g: <graph/> SELECT * FROM NAMED g:stated WHERE { GRAPH ?g { ?s ?p ?o } }",
    "from-escaped-iri": "SELECT * FROM <https://w3id.org/qhfin/id/graph/pl\\u0061n> WHERE { ?s ?p ?o }",
    "from-construct": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{URL}/x> WHERE {{ ?s ?p ?o }}",
    "from-describe": f"DESCRIBE ?s FROM <{URL}/x> WHERE {{ ?s ?p ?o }}",
    "from-file": "ASK FROM <file:///etc/passwd> { ?s ?p ?o }",
    # open-ended or not: only the outer query's own modifiers count
    "subquery-limit-outer-open": "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 } }",
    "outer-limit": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10",
    "outer-offset": "SELECT ?s WHERE { ?s ?p ?o } OFFSET 10",
    "outer-limit-lowercase": "select ?s where { ?s ?p ?o } order by ?s limit 10",
    "values-trailing": "SELECT ?s WHERE { ?s ?p ?o } VALUES ?s { <http://example.org/a> }",
    "values-inside-only": "SELECT ?s WHERE { VALUES ?s { <http://example.org/a> } ?s ?p ?o }",
    "limit-in-long-string": 'SELECT ?s WHERE { ?s ?p """} LIMIT 1 #""" }',
    "limit-in-comment": "SELECT ?s WHERE { ?s ?p ?o } # LIMIT 1",
    "limit-in-iri": "SELECT ?s WHERE { ?s <http://example.org/x#LIMIT> ?o }",
    "hash-in-iri-and-string": 'SELECT ?s WHERE { ?s <http://example.org/a#b> "#}" } LIMIT 2',
    "braces-in-strings": "SELECT ?s WHERE { ?s ?p '}' . ?s ?p \"{\" . ?s ?p '''}}}''' }",
    # projections
    "projection-expressions": "SELECT DISTINCT ?s (COUNT(?o) AS ?n) (STR(?s) AS ?t) WHERE { ?s ?p ?o } GROUP BY ?s",
    "projection-star-reduced": "SELECT REDUCED * WHERE { ?s ?p ?o }",
    "projection-dollar": "SELECT $s WHERE { $s ?p ?o }",
    "projection-then-from": f"SELECT ?s FROM <{PLAN}> {{ ?s ?p ?o }}",
    # forms after a prologue
    "prologue-then-ask": "BASE <http://example.org/> PREFIX ex: <x/> ASK { ex:a ?p ?o }",
    "describe-star": "DESCRIBE *",
    "construct-where": "CONSTRUCT WHERE { ?s ?p ?o }",
    "lowercase-keywords": "prefix ex: <http://example.org/> select ?x where { ?x a ex:C }",
    # updates of every kind, and several at once
    "insert-data": "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
    "delete-data": "DELETE DATA { <http://example.org/s> <http://example.org/p> 1 }",
    "delete-where": "DELETE WHERE { ?s ?p ?o }",
    "delete-insert-where": "PREFIX ex: <http://example.org/> DELETE { ?s ex:p ?o } INSERT { ?s ex:q ?o } WHERE { ?s ex:p ?o }",
    "with-delete": "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "load": f"LOAD <{URL}/data.ttl>",
    "load-silent-into": f"LOAD SILENT <{URL}/data.ttl> INTO GRAPH <http://example.org/g>",
    "clear-all": "CLEAR ALL",
    "clear-graph": "CLEAR GRAPH <http://example.org/g>",
    "drop-all": "DROP ALL",
    "drop-silent-named": "DROP SILENT NAMED",
    "create": "CREATE GRAPH <http://example.org/g>",
    "add": "ADD DEFAULT TO <http://example.org/g>",
    "move": "MOVE <http://example.org/a> TO <http://example.org/b>",
    "copy": "COPY SILENT <http://example.org/a> TO DEFAULT",
    "several-operations": f"CLEAR ALL ; LOAD <{URL}/x> ; INSERT DATA {{ <http://e/s> <http://e/p> 1 }}",
    "update-trailing-semicolon": "CLEAR ALL ;",
    "update-lowercase": "prefix ex: <http://example.org/> insert data { ex:s ex:p 1 }",
    "update-with-comment-prologue": "# a comment\nPREFIX ex: <http://example.org/>\nDROP GRAPH ex:g",
    "update-broken": "CLEAR XYZ",
    "query-then-update": "ASK {} ; CLEAR ALL",
    # empty, and broken
    "empty": "",
    "blank": " \n\t ",
    "only-comment": "# only a comment",
    "only-prologue": "PREFIX ex: <http://example.org/>",
    "only-base": "BASE <http://example.org/>",
    "unterminated-string": 'SELECT * WHERE { ?s ?p "abc }',
    "unterminated-iri": "SELECT * WHERE { ?s ?p <http://example.org/ }",
    "undeclared-prefix": "SELECT * WHERE { ?s ex:p ?o }",
    "nested-too-deeply": "ASK {" + "{" * (MAX_DEPTH * 20) + "}" * (MAX_DEPTH * 20) + "}",
    "parens-too-deeply": "ASK { FILTER(" + "(" * (MAX_DEPTH * 20) + "1" + ")" * (MAX_DEPTH * 20) + ") }",
    "nul-byte": "ASK { ?s ?p ?o }\x00",
    # chains that overflow pyoxigraph's stack (a worker's death) at ~10,000 links: refused before they reach it
    "not-chain-too-long": "ASK { FILTER(" + "!" * 10_000 + "true) }",
    "plus-chain-too-long": "ASK { FILTER(1" + " + 1" * 3_000 + ") }",
}

# The new guard's own verdict on the tricky cases (a form, or a refusal's class), whatever the old one said.
EXPECTED = {
    "service-lowercase": "OutsideRefused", "service-mixed-case": "OutsideRefused",
    "service-silent-in-optional": "OutsideRefused", "service-in-subquery-in-union": "OutsideRefused",
    "service-in-construct": "OutsideRefused", "service-broken-query": "OutsideRefused",
    "service-in-update": "OutsideRefused", "service-in-string": "SELECT", "service-in-long-string": "SELECT",
    "service-in-comment": "SELECT", "service-in-iri": "SELECT", "service-as-prefixed-name": "SELECT",
    "service-as-prefix": "SELECT", "service-as-variable": "SELECT", "service-as-language-tag": "ASK",
    "from-dataset-graph": "SELECT", "from-named-dataset-graph": "SELECT", "from-prefixed-dataset-graph": "SELECT",
    "from-prefixed-outside": "OutsideRefused", "from-relative-dataset-graph": "SELECT",
    "from-relative-outside": "OutsideRefused", "from-own-base-outside": "OutsideRefused",
    "from-own-base-dataset-graph": "ASK", "from-relative-prefix": "SELECT", "from-escaped-iri": "SELECT",
    "from-construct": "OutsideRefused", "from-describe": "OutsideRefused", "from-file": "OutsideRefused",
    "nested-too-deeply": "QuerySyntaxError", "parens-too-deeply": "QuerySyntaxError",
    "not-chain-too-long": "QuerySyntaxError", "plus-chain-too-long": "QuerySyntaxError",
    **{k: "UpdateRefused" for k in ("insert-data", "delete-data", "delete-where", "delete-insert-where", "with-delete",
                                    "load", "load-silent-into", "clear-all", "clear-graph", "drop-all",
                                    "drop-silent-named", "create", "add", "move", "copy", "several-operations",
                                    "update-trailing-semicolon", "update-lowercase", "update-with-comment-prologue")},
    **dict.fromkeys(("update-broken", "query-then-update", "unterminated-string", "unterminated-iri",
                     "undeclared-prefix", "nul-byte"), "QuerySyntaxError"),
    "projection-expressions": "SELECT", "projection-star-reduced": "SELECT", "projection-dollar": "SELECT",
    "projection-then-from": "SELECT", "prologue-then-ask": "ASK", "describe-star": "DESCRIBE",
    "construct-where": "CONSTRUCT", "lowercase-keywords": "SELECT",
    **dict.fromkeys(("empty", "blank", "only-comment", "only-prologue", "only-base"), "QuerySyntaxError"),
}
OPEN_ENDED = {"subquery-limit-outer-open": True, "outer-limit": False, "outer-offset": False,
              "outer-limit-lowercase": False, "values-trailing": False, "values-inside-only": True,
              "limit-in-long-string": True, "limit-in-comment": True, "limit-in-iri": True,
              "hash-in-iri-and-string": False, "braces-in-strings": True}


def _label(result: Decision | str) -> str:
    return result.form if isinstance(result, Decision) else result.split(":")[0]


def known_difference(text: str, old: Decision | str, new: Decision | str) -> str | None:
    """Why the guards may disagree on ``text``, and which side is right; None when no reason covers it."""
    if _label(new) == "OutsideRefused" and "SERVICE" in str(new) and _label(old) in ("QuerySyntaxError", "UpdateRefused"):
        # a broken text, or an update, that holds the keyword SERVICE: both refuse; SERVICE is decided first, on
        # tokens, because nothing that holds it may reach pyoxigraph (which evaluates an ASK as it parses it)
        return "new: SERVICE is refused before the syntax is judged (403 instead of 400 for a broken text)"
    if isinstance(old, Decision) and _label(new) == "QuerySyntaxError" and len(list(tokenize(text))) > MAX_TOKENS:
        # rdflib took it, and the store then died of it (a worker lost, 503); now a 400 before anything runs
        return "new: a text longer than pyoxigraph can take without overflowing its stack"
    if isinstance(old, Decision) and _label(new) == "QuerySyntaxError":
        prefixes = set(re.findall(r"(?i)PREFIX\s+([^\s:]*):", text))
        used = set(re.findall(r"(?<![\w?$<\"'@])([A-Za-z][\w.-]*|):[A-Za-z_]", re.sub(r"<[^>]*>|\"[^\"]*\"", "", text)))
        if used - prefixes:
            # rdflib's grammar leaves prefixes to a later step; the old guard let the text through and the store
            # then refused it with the same 400 — pyoxigraph refuses it where it is judged
            return "new: an undeclared prefix is a syntax error"
    if (isinstance(old, Decision) and isinstance(new, Decision) and old.projection and new.projection
            and old == Decision(new.form, new.from_graphs, new.from_named, old.projection, new.open_ended)
            and all(o in (n, "var") for o, n in zip(old.projection, new.projection, strict=True))):
        return "new: rdflib's tree named every (expression AS ?v) 'var'; the variable is ?v"
    if _label(old) == "OutsideRefused" and isinstance(new, Decision) and new.has_dataset:
        return "new: FROM graphs are compared after prefix expansion and base resolution, as the query runs"
    return None


def _strings_of(path: Path) -> list[str]:
    """Every string constant in a test module (parametrized cases included) that begins as SPARQL does; the
    templates with ``{url}`` filled in with a closed port."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SPARQL_START.match(node.value):
            found.append(node.value.format(url=URL) if "{url}" in node.value else node.value)
    return found


def _module_strings(name: str) -> list[str]:
    """The test module's module-level texts as built at import time (``Q + "ASK …"`` and the like)."""
    module = __import__(name)
    return [v for k, v in vars(module).items() if k.isupper() and isinstance(v, str) and SPARQL_START.match(v)]


def _fuzz_texts(count: int = 120) -> list[str]:
    """The fuzz test's pieces, each alone and in fixed pseudo-random joins (a seeded draw, so ids stay stable)."""
    from test_fuzz import PIECES

    draw = random.Random(14)
    return [*PIECES, *(" ".join(draw.choices(PIECES, k=draw.randint(1, 25))) for _ in range(count))]


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text)[:40].strip("-") or "blank"


def corpus() -> list:
    cases: dict[str, str] = {}  # text → id, first source wins
    for source in SOURCES:
        stem = source.removesuffix(".py").removeprefix("test_")
        texts = _strings_of(ROOT / "tests" / source)
        if source != "test_fuzz.py":
            texts += _module_strings(source.removesuffix(".py"))
        else:
            texts += _fuzz_texts()
        for n, text in enumerate(texts):
            cases.setdefault(text, f"{stem}-{n}-{_slug(text)}")
    for path in sorted((ROOT / "queries").glob("*.rq")):
        cases.setdefault(path.read_text(encoding="utf-8"), f"queries-{path.stem}")
    for name, text in TRICKY.items():
        cases[text] = name
    return [pytest.param(text, id=case_id) for text, case_id in cases.items()]


CASES = corpus()


def test_the_corpus_is_whole():
    """A suite that shrinks unnoticed tests nothing: every source must still give its cases."""
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    counts = {prefix: sum(1 for i in ids if i.startswith(prefix + "-"))
              for prefix in ("sparql_safety", "security", "sparql_protocol", "fuzz", "queries")}
    assert counts == {"sparql_safety": 24, "security": 3, "sparql_protocol": 25, "fuzz": 148, "queries": 28}, counts
    assert len(CASES) == 228 + len(TRICKY) == 309


@pytest.mark.parametrize("text", CASES)
def test_the_guard_decides_as_the_old_one(text):
    new, old = outcome(guard, text), outcome(old_guard, text)
    if new != old:
        assert known_difference(text, old, new), (old, new)


@pytest.mark.parametrize("name", list(TRICKY))
def test_the_tricky_cases(name):
    result = outcome(guard, TRICKY[name])
    if name in OPEN_ENDED:
        assert isinstance(result, Decision) and result.open_ended is OPEN_ENDED[name], result
    else:
        assert _label(result) == EXPECTED[name], result
    if name in ("empty", "blank", "only-comment", "only-prologue", "only-base"):
        assert "empty" in str(result)


# ---------------------------------------------------------------- what the differential test cannot show


@pytest.mark.parametrize(("template", "refusal"), [
    pytest.param("LOAD <{url}/x.ttl>", UpdateRefused, id="load"),
    pytest.param("LOAD SILENT <{url}/x.ttl> INTO GRAPH <http://example.org/g>", UpdateRefused, id="load-into"),
    pytest.param("CLEAR ALL ; LOAD <{url}/x.ttl>", UpdateRefused, id="load-second"),
    pytest.param("PREFIX x: <{url}/> LOAD x:data", UpdateRefused, id="load-prologue"),
    pytest.param("ASK {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}", OutsideRefused, id="service-ask"),
    pytest.param("SELECT * {{ SERVICE <{url}/> {{ }} }}", OutsideRefused, id="service-select"),
    pytest.param("INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}", OutsideRefused, id="service-update"),
    pytest.param("ASK FROM <{url}/x> {{ }}", OutsideRefused, id="from"),
])
def test_the_guard_itself_never_reaches_outside(listener, template, refusal):
    """Updates are told from syntax errors by a parse that runs nothing; SERVICE never reaches the parser."""
    url, hits = listener
    with pytest.raises(refusal):
        guard(template.format(url=url), GRAPHS)
    time.sleep(0.2)
    assert hits == [], "the guard reached outside"


def test_the_guard_is_cheap_for_a_new_text():
    """Issue 14: a text never seen before cost 20–45 ms in rdflib's parser. Generous, for a busy machine."""
    text = (ROOT / "queries" / "matrix.rq").read_text(encoding="utf-8")
    started = time.perf_counter()
    for n in range(50):
        guard(f"{text}\n# n={n}", GRAPHS)
    assert (time.perf_counter() - started) / 50 < 0.005


def test_an_update_refusal_leaves_the_guards_store_empty():
    from qhfin import guard as module

    with pytest.raises(UpdateRefused):
        guard("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }", GRAPHS)
    assert len(module._EMPTY) == 0 and list(module._EMPTY.named_graphs()) == []
