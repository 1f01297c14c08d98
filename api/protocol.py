"""The SPARQL 1.1 Protocol's side of a query: a request's parameters read to the letter, and the answer's headers.

Two callers share it: the /sparql view (``api.sparql``, through Flask) and the path that answers a plain query
before Flask (``api.direct``); the rules live here once, so both read a request and write an answer the same way.
Parameters are read from the raw bytes, so that non-UTF-8 and repeated ``query`` parameters are caught.
"""

from __future__ import annotations

import codecs
import functools
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header, parse_options_header

from qhfin.request import Request
from qhfin.serialize import ASK_TYPES, GRAPH_TYPES, SELECT_TYPES, Answer, Formats
from qhfin.sparql import SparqlError, UpdateRefused

from .errors import ApiError

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
REFUSED = "qhfin.refused"  # the WSGI environ's key for a refusal met before Flask, for the view to raise
# any page may query this read-only endpoint from a browser
CORS = (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "Qhfin-Truncated, Qhfin-Rows"))


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


def unquote(raw: bytes) -> bytes:
    """``urllib.parse.unquote_to_bytes``, ten times faster on a query: a form-encoded SPARQL text is mostly escapes
    (every ``?``, ``{``, ``:``, ``/`` and each byte of a Chinese character), and the standard function decodes them
    one by one in Python — 0.08 ms of a 2 KB query, as much as lexing half of it. Here each ``%XX`` becomes
    ``\\xXX`` (backslashes doubled first) for the C decoder of Python's own escapes (``codecs.escape_decode``, what
    the pickle module uses); a text with an escape that is not one (``%zz``, a ``%`` at the end) is left to the
    standard function, which keeps such text as it is. tests/test_sparql_protocol.py compares the two."""
    if b"%" not in raw:
        return raw
    try:
        return codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    except ValueError:
        return unquote_to_bytes(raw)


def pairs(raw: bytes) -> list[tuple[str, str]]:
    """Form or query-string parameters, decoded strictly: a value that is not UTF-8 is the client's error."""
    try:
        split = [part.partition(b"=")[::2] for part in raw.split(b"&") if part]
        return [(unquote(k.replace(b"+", b" ")).decode("utf-8"),
                 unquote(v.replace(b"+", b" ")).decode("utf-8")) for k, v in split]
    except UnicodeDecodeError as exc:
        raise ApiError(400, "参数不是UTF-8编码", "A parameter is not UTF-8 encoded", "not-utf-8", str(exc)) from None


def refusal(exc: SparqlError) -> ApiError:
    """An engine's refusal in the web layer's one error shape."""
    return ApiError(exc.status, exc.zh, exc.en, exc.code, exc.detail)


def read_request(method: str, query_string: bytes, content_type: str, body: bytes, accept: str | None) -> Request | None:
    """The query a request carries, or None when it carries none (then the service describes itself); a request
    the protocol does not allow is an ApiError."""
    params = pairs(query_string)
    text: str | None = None
    if method == "POST":
        mimetype, options = parse_options_header(content_type)
        if mimetype == FORM:
            params += pairs(body)
        elif mimetype == DIRECT:
            if options.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
                raise ApiError(415, "查询须以UTF-8编码", "The query must be encoded as UTF-8", "not-utf-8",
                               f"charset={options['charset']}")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ApiError(400, "查询不是UTF-8编码", "The query is not UTF-8 encoded", "not-utf-8", str(exc)) from None
        elif not body and not mimetype:
            pass  # an empty POST names no operation: 400 in the view, not a media-type error
        elif mimetype == "application/sparql-update":
            raise refusal(UpdateRefused("本服务只读，拒绝SPARQL更新", "This service is read-only: SPARQL updates are refused"))
        else:
            raise ApiError(415, "POST 须为 application/x-www-form-urlencoded 或 application/sparql-query",
                           "POST must be application/x-www-form-urlencoded or application/sparql-query",
                           "unsupported-media-type", f"Content-Type: {content_type or '(none)'}")
    queries = [v for k, v in params if k == "query"] + ([text] if text is not None else [])
    if any(k == "update" for k, _ in params):
        if queries:
            raise ApiError(400, "不能同时给出 query 和 update", "query and update cannot both be given", "query-and-update")
        raise refusal(UpdateRefused("本服务只读，拒绝SPARQL更新", "This service is read-only: SPARQL updates are refused"))
    if len(queries) > 1:
        raise ApiError(400, "只能给出一个查询", "Exactly one query may be given", "several-queries",
                       f"{len(queries)} query parameters")
    if not queries:
        return None
    return Request(queries[0], negotiate(accept),
                   tuple(v for k, v in params if k == "default-graph-uri"),
                   tuple(v for k, v in params if k == "named-graph-uri"))


def answer_headers(answer: Answer) -> list[tuple[str, str]]:
    """The headers of an engine's answer, the truncation flag among them for every format."""
    return [("Content-Type", answer.media_type), ("Qhfin-Truncated", "true" if answer.truncated else "false"),
            ("Qhfin-Rows", str(answer.rows)), ("Vary", "Accept")]


__all__ = ["CORS", "DIRECT", "FORM", "REFUSED", "answer_headers", "negotiate", "pairs", "read_request", "refusal"]
