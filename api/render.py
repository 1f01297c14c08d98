"""Every page has a JSON twin: one dict, rendered as HTML for people and as JSON for programs.

The twin is chosen by ``?format=json`` (or ``html``) or else by the Accept header, negotiated by werkzeug.
Errors raised by a page keep the one error shape in JSON and become a readable page in HTML.
"""

from __future__ import annotations

import json

from flask import Response, render_template, request

from .errors import ApiError, error_body

PAGE_TYPES = ["text/html", "application/json"]
CSP = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"


def negotiate(offered: list[str]) -> str:
    """The media type to answer with, from ``offered`` (first wins on a tie); no Accept header means anything."""
    if not request.accept_mimetypes.provided:
        return offered[0]
    chosen = request.accept_mimetypes.best_match(offered)
    if chosen is None:
        raise ApiError(406, "无法提供所要求的格式", "None of the requested media types can be served", "not-acceptable",
                       "可用格式 / available: " + ", ".join(offered))
    return chosen


def wants_json() -> bool:
    fmt = request.args.get("format")
    if fmt in ("json", "html"):
        return fmt == "json"
    if fmt:
        raise ApiError(400, f"不支持的格式“{fmt}”", f"unsupported format “{fmt}”", "bad-format", "format=html|json")
    return negotiate(PAGE_TYPES) == "application/json"


def json_response(data: object, status: int = 200) -> Response:
    """JSON with the Chinese left readable (Flask would escape it to \\uXXXX)."""
    body = json.dumps(data, ensure_ascii=False, indent=1)
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Vary"] = "Accept"
    return response


def html_response(html: str, status: int = 200) -> Response:
    """HTML that may load only this app's own files: the browser itself enforces that the pages work air-gapped."""
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Vary"] = "Accept"
    return response


def page(template: str, data: dict, as_json: bool | None = None, **context: object) -> Response:
    """The HTML page for ``data``, or ``data`` itself as JSON when that is asked for."""
    if wants_json() if as_json is None else as_json:
        return json_response(data)
    return html_response(render_template(template, data=data, **context))


def error_page(exc: ApiError) -> Response:
    """An error raised by a page: the one JSON shape for programs, a page in the same words for people."""
    body = error_body(exc.status, exc.zh, exc.en, exc.code, exc.detail, exc.extra)
    accept = request.accept_mimetypes
    for_people = request.args.get("format") != "json" and (not accept.provided or accept.best_match(PAGE_TYPES) == "text/html")
    if not for_people:
        return json_response(body, exc.status)
    return html_response(render_template("error.html", error=body["error"]), exc.status)
