"""The SPARQL 1.1 Protocol at /sparql: GET ``query=``, POST form, POST ``application/sparql-query``.

The view reads the request to the letter of the protocol (``api.protocol``), hands a ``qhfin.request.Request`` to
the engine and writes its answer. Without a query it answers with a SPARQL Service Description, or the query editor
when a browser asks. A plain query is usually answered before Flask (``api.direct``), by the same rules; what that
path does not answer itself comes here, an engine's refusal it already met among it (``REFUSED``), so that the one
error handler words it and no query runs twice.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request, url_for

from qhfin.description import SD_TYPES, service_description
from qhfin.queries import NamedQuery, load_queries
from qhfin.request import Request
from qhfin.sparql import SparqlError, with_bindings

from .errors import ApiError
from .params import state
from .protocol import CORS, REFUSED, answer_headers, read_request, refusal

blueprint = Blueprint("sparql", __name__)
EDITOR_CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
              "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")


def protocol_request() -> Request | None:
    """The query of this request, or None when there is none (then the service describes itself)."""
    return read_request(request.method, request.query_string, request.content_type or "",
                        request.get_data(cache=False) if request.method == "POST" else b"", request.headers.get("Accept"))


def answer(query: Request) -> Response:
    """Run through the engine and write the answer, with the truncation flag in a header for every format."""
    try:
        result = state().engine.query(query)
    except SparqlError as exc:
        raise refusal(exc) from None
    return Response(result.body, headers=answer_headers(result))


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    refused = request.environ.get(REFUSED)
    if refused is not None:  # met before Flask (``api.direct``): said here, by the one error handler
        raise refused
    query = protocol_request()
    if query is not None:
        return answer(query)
    if request.method == "POST":  # the protocol has no POST without an operation: it is not a description request
        raise ApiError(400, "POST 请求须带 query（或 update）", "a POST must carry a query (or an update)",
                       "missing-query", "query=… (form) or an application/sparql-query body")
    offered = ["text/html", *SD_TYPES]  # GET and HEAD alike
    chosen = request.accept_mimetypes.best_match(offered) if request.accept_mimetypes.provided else "text/turtle"
    if chosen is None:
        raise ApiError(406, "无法提供所要求的格式", "None of the requested media types can be served", "not-acceptable",
                       ", ".join(offered))
    if chosen == "text/html":
        return editor()
    body = service_description(url_for("sparql.sparql", _external=True), tuple(state().engine.graphs), chosen)
    return Response(body, content_type=SD_TYPES[chosen], headers={"Vary": "Accept"})


@blueprint.after_request
def cors(response: Response) -> Response:
    """Any page may query this read-only endpoint from a browser."""
    response.headers.update(CORS)
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def editor() -> Response:
    """The query editor (YASGUI, served from this app) with the named queries as ready examples."""
    config = current_app.config["QHFIN"]
    examples = [{"name": q.name, "title": q.title_zh, "title_en": q.title_en, "query": _example(q)}
                for q in load_queries(config.queries_dir, cache=config.query_cache).values()]
    html = render_template("sparql.html", examples=examples, endpoint=url_for("sparql.sparql"), has_editor=_has_yasgui())
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    response.headers["Vary"] = "Accept"
    return response


def _example(query: NamedQuery) -> str:
    """A named query with its defaults bound (BIND) where its WHERE group opens, ready to run in the editor."""
    try:
        return with_bindings(query.text, dict(query.bindings({}, state().resolver, state().config.query_defaults)))
    except (ValueError, SparqlError):
        return query.text


def _has_yasgui() -> bool:
    return (Path(current_app.static_folder or "") / "vendor" / "yasgui" / "yasgui.min.js").exists()
