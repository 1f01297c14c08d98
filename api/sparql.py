"""The SPARQL 1.1 Protocol at /sparql: GET ``query=``, POST form, POST ``application/sparql-query``.

The view reads the request to the letter of the protocol (parameters from the raw bytes, so that non-UTF-8 and
repeated ``query`` parameters are caught), hands a ``qhfin.engine.Request`` to the engine and writes its answer.
Without a query it answers with a SPARQL Service Description, or the query editor when a browser asks.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import unquote_to_bytes

from flask import Blueprint, Response, current_app, render_template, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from qhfin.description import SD_TYPES, service_description
from qhfin.queries import NamedQuery, load_queries
from qhfin.request import Request
from qhfin.serialize import ASK_TYPES, GRAPH_TYPES, SELECT_TYPES, Formats
from qhfin.sparql import SparqlError, UpdateRefused, with_bindings

from .errors import ApiError
from .params import state

blueprint = Blueprint("sparql", __name__)
EDITOR_CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
              "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


@functools.lru_cache(maxsize=512)
def negotiate(accept: str | None) -> Formats:
    """The formats for a request's Accept header, as it came; none means */*, i.e. our defaults. Remembered per
    header: matching one against the three tables (``qhfin.serialize``, the one place media types are listed) costs
    as much as answering a query from the cache, and clients send the same few headers again and again."""
    if not accept:
        return Formats()
    parsed = parse_accept_header(accept, MIMEAccept)
    return Formats(*(None if (m := parsed.best_match(list(t))) is None else t[m]
                     for t in (SELECT_TYPES, ASK_TYPES, GRAPH_TYPES)))


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    """Form or query-string parameters, decoded strictly: a value that is not UTF-8 is the client's error."""
    try:
        pairs = [part.partition(b"=")[::2] for part in raw.split(b"&") if part]
        return [(unquote_to_bytes(k.replace(b"+", b" ")).decode("utf-8"),
                 unquote_to_bytes(v.replace(b"+", b" ")).decode("utf-8")) for k, v in pairs]
    except UnicodeDecodeError as exc:
        raise ApiError(400, "参数不是UTF-8编码", "A parameter is not UTF-8 encoded", "not-utf-8", str(exc)) from None


def _refuse(exc: SparqlError) -> ApiError:
    return ApiError(exc.status, exc.zh, exc.en, exc.code, exc.detail)


def protocol_request() -> Request | None:
    """The query of this request, or None when there is none (then the service describes itself)."""
    params = _pairs(request.query_string)
    body: str | None = None
    if request.method == "POST":
        mimetype, options = request.mimetype, request.mimetype_params
        raw = request.get_data(cache=False)
        if mimetype == FORM:
            params += _pairs(raw)
        elif mimetype == DIRECT:
            if options.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
                raise ApiError(415, "查询须以UTF-8编码", "The query must be encoded as UTF-8", "not-utf-8",
                               f"charset={options['charset']}")
            try:
                body = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(400, "查询不是UTF-8编码", "The query is not UTF-8 encoded", "not-utf-8", str(exc)) from None
        elif not raw and not mimetype:
            pass  # an empty POST names no operation: 400 below, not a media-type error
        elif mimetype == "application/sparql-update":
            raise _refuse(UpdateRefused("本服务只读，拒绝SPARQL更新", "This service is read-only: SPARQL updates are refused"))
        else:
            raise ApiError(415, "POST 须为 application/x-www-form-urlencoded 或 application/sparql-query",
                           "POST must be application/x-www-form-urlencoded or application/sparql-query",
                           "unsupported-media-type", f"Content-Type: {request.content_type or '(none)'}")
    queries = [v for k, v in params if k == "query"] + ([body] if body is not None else [])
    if any(k == "update" for k, _ in params):
        if queries:
            raise ApiError(400, "不能同时给出 query 和 update", "query and update cannot both be given", "query-and-update")
        raise _refuse(UpdateRefused("本服务只读，拒绝SPARQL更新", "This service is read-only: SPARQL updates are refused"))
    if len(queries) > 1:
        raise ApiError(400, "只能给出一个查询", "Exactly one query may be given", "several-queries",
                       f"{len(queries)} query parameters")
    if not queries:
        return None
    return Request(queries[0], negotiate(request.headers.get("Accept")),
                   tuple(v for k, v in params if k == "default-graph-uri"),
                   tuple(v for k, v in params if k == "named-graph-uri"))


def answer(query: Request) -> Response:
    """Run through the engine and write the answer, with the truncation flag in a header for every format."""
    try:
        result = state().engine.query(query)
    except SparqlError as exc:
        raise _refuse(exc) from None
    response = Response(result.body, content_type=result.media_type)
    response.headers["Qhfin-Truncated"] = "true" if result.truncated else "false"
    response.headers["Qhfin-Rows"] = str(result.rows)
    response.headers["Vary"] = "Accept"
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
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
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Qhfin-Truncated, Qhfin-Rows"
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
