"""Named queries on the web: /queries (the list), /queries/<name> (a form and its results), and its twins
/queries/<name>.json and /queries/<name>.csv. Parameters come from the query string and go in as bindings.

The queries are loaded when the blueprint is registered, so a malformed ``queries/*.rq`` stops the app from starting.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from qhfin.queries import NamedQuery, ParameterError, load_queries
from qhfin.request import Request
from qhfin.serialize import Formats
from qhfin.sparql import SparqlError, with_bindings

from .errors import ApiError
from .params import state
from .render import html_response, json_response

blueprint = Blueprint("queries", __name__)
EXTENSION = "queries"
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
TRIPLE_COLUMNS = ["subject", "predicate", "object"]  # a CONSTRUCT's answer shown as a table, one triple a row


@blueprint.record_once
def _load(setup) -> None:
    setup.app.extensions[EXTENSION] = load_queries(setup.app.config["QHFIN"].queries_dir, cache=setup.app.config["QHFIN"].query_cache)


def named() -> dict[str, NamedQuery]:
    return current_app.extensions[EXTENSION]


def _query(name: str) -> NamedQuery:
    try:
        return named()[name]
    except KeyError:
        raise ApiError(404, f"没有名为“{name}”的查询", f"no query is named “{name}”", "unknown-query",
                       "available: " + ", ".join(named())) from None


def run(query: NamedQuery, fmt: str) -> tuple[dict, object]:
    """The query's parameters from the request, and the engine's answer in ``fmt`` (json or csv)."""
    args = {p.name: request.args.get(p.name, "") for p in query.params if request.args.get(p.name)}
    try:
        bindings = query.bindings(args, state().resolver, state().config.query_defaults)
        # the values written into the text, as the pages' reads send them (``sparql.with_bindings``): Oxigraph plans
        # a query before it sees substitutions, and a view planned for every anchor at once runs past the time limit
        text = with_bindings(query.text, dict(bindings))
        answer = state().engine.query(Request(text, Formats(select=fmt, ask="json", graph="nt")))
    except ParameterError as exc:
        raise ApiError(400, exc.zh, exc.en, "bad-parameter") from None
    except SparqlError as exc:
        raise ApiError(exc.status, exc.zh, exc.en, exc.code, exc.detail) from None
    return {name: binding[1] for name, binding in bindings}, answer


def _plain(term: dict) -> str:
    return term["value"]


def table(query: NamedQuery, body: bytes) -> tuple[list[str], list[dict]]:
    """Columns and rows of an answer: a SELECT's solutions, or a CONSTRUCT's triples one a row."""
    if query.form in GRAPH_FORMS:
        rows = [{"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
                for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        return TRIPLE_COLUMNS, rows
    data = json.loads(body)
    columns = data.get("head", {}).get("vars", [])
    return columns, [{c: _plain(b[c]) for c in columns if c in b} for b in data.get("results", {}).get("bindings", [])]


def results(query: NamedQuery) -> dict:
    """One dict for the page and its JSON twin: the query, its parameters, columns and rows."""
    values, answer = run(query, "json")
    columns, rows = table(query, answer.body)  # type: ignore[attr-defined]
    return {"query": query.name, "title": {"zh": query.title_zh, "en": query.title_en},
            "description": query.description, "params": values, "columns": columns, "count": len(rows),
            "truncated": answer.truncated, "results": rows}  # type: ignore[attr-defined]


@blueprint.get("/queries")
def index() -> Response:
    items = [{"name": q.name, "title": {"zh": q.title_zh, "en": q.title_en}, "description": q.description,
              "params": [{"name": p.name, "type": p.type, "label": {"zh": p.label_zh, "en": p.label_en},
                          "default": p.default} for p in q.params]} for q in named().values()]
    if request.args.get("format") == "json" or request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return json_response({"queries": items})
    return html_response(render_template("queries.html", queries=items))


@blueprint.get("/queries/<name>.json")
def as_json(name: str) -> Response:
    return json_response(results(_query(name)))


@blueprint.get("/queries/<name>.csv")
def as_csv(name: str) -> Response:
    query = _query(name)
    _, answer = run(query, "csv")
    body = answer.body  # type: ignore[attr-defined]
    if query.form in GRAPH_FORMS:
        out = io.StringIO()
        writer = csv.DictWriter(out, TRIPLE_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(table(query, body)[1])
        body = out.getvalue().encode("utf-8")
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{query.name}.csv"'
    response.headers["Qhfin-Truncated"] = "true" if answer.truncated else "false"  # type: ignore[attr-defined]
    return response


@blueprint.get("/queries/<name>")
def page(name: str) -> Response:
    query = _query(name)
    if request.args.get("format") == "json":
        return json_response(results(query))
    try:
        data, error = results(query), None
    except ApiError as exc:
        if exc.status >= 500:
            raise
        data, error = None, exc
    html = render_template("query.html", query=query, data=data, error=error,
                           values={p.name: request.args.get(p.name) or p.default or "" for p in query.params})
    return html_response(html, 400 if error else 200)
