"""One error shape everywhere: {"error": {"status", "code", "message": {"zh", "en"}, "detail"}}."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from qhfin.errors import QhfinError
from qhfin.sparql import SparqlError

MESSAGES = {
    400: ("请求有误", "Bad request"),
    403: ("禁止访问", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("不允许的请求方法", "Method not allowed"),
    406: ("无法提供所要求的格式", "Not acceptable"),
    408: ("请求未在时限内送达", "Request timeout"),
    413: ("请求过大", "Request too large"),
    414: ("请求网址过长", "URI too long"),
    415: ("不支持的媒体类型", "Unsupported media type"),
    431: ("请求头过大", "Request header fields too large"),
    500: ("服务器内部错误", "Internal server error"),
    501: ("未实现", "Not implemented"),
    502: ("上游SPARQL服务返回无效应答", "The upstream SPARQL service returned an invalid answer"),
    503: ("服务暂时不可用", "Service unavailable"),
    504: ("上游SPARQL服务超时", "The upstream SPARQL service timed out"),
}


class ApiError(QhfinError):
    """A refusal the web layer itself makes (a parameter, a path), with its status given where it is raised."""

    def __init__(self, status: int, zh: str, en: str, code: str = "error", detail: str | None = None,
                 extra: dict | None = None) -> None:
        super().__init__(zh, en, detail)
        self.status, self.code = status, code
        self.extra = extra or {}  # e.g. the closest names (suggestions) for a name that means nothing


def error_body(status: int, zh: str, en: str, code: str, detail: str | None = None, extra: dict | None = None) -> dict:
    body = {"status": status, "code": code, "message": {"zh": zh, "en": en}}
    if detail:
        body["detail"] = detail
    body.update(extra or {})
    return {"error": body}


MACHINE_PATHS = ("/api/", "/sparql", "/dumps/", "/.well-known/")
# the blueprints whose every page and resource has a JSON twin: their own refusals (ApiError) are a page in the same
# words unless the request asks for JSON (``api.render.error_page``); everywhere else, JSON unless it asks for HTML
PAGE_BLUEPRINTS = ("pages", "linked_data")


def _render(status: int, zh: str, en: str, code: str, detail: str | None = None, extra: dict | None = None):
    best = request.accept_mimetypes.best_match(["application/json", "text/html", "text/plain"])
    if best == "text/plain":
        return f"{zh}\n{en}\n{detail or ''}\n", status, {"Content-Type": "text/plain; charset=utf-8"}
    if best == "text/html" and status < 500 and not request.path.startswith(MACHINE_PATHS):
        from .render import error_page  # a person in a browser gets a page in the same words

        return error_page(ApiError(status, zh, en, code, detail, extra))
    response = jsonify(error_body(status, zh, en, code, detail, extra))
    response.status_code = status
    if status == 503:  # busy or a time limit: a client may try again shortly (RFC 9110 §10.2.3)
        response.headers["Retry-After"] = "2"
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(QhfinError)
    def _refusal(exc: QhfinError):  # every refusal, the domain's and the web layer's, in the one shape
        if isinstance(exc, ApiError) and request.blueprint in PAGE_BLUEPRINTS:
            from .render import error_page

            return error_page(exc)
        return _render(exc.status, exc.zh, exc.en, exc.code, exc.detail, exc.extra)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        zh, en = MESSAGES.get(exc.code or 500, (exc.name, exc.name))
        return _render(exc.code or 500, zh, en, exc.name.lower().replace(" ", "-"), exc.description)

    @app.errorhandler(SparqlError)
    def _engine_error(exc: SparqlError):
        """A page's own read refused by the engine — busy, past the time limit, the external store down, an answer
        cut — is that status (503/502/504), said as the engine said it; a read the engine calls malformed is our
        named query's fault, a bug."""
        if exc.status < 500:
            return _bug(exc)
        return _render(exc.status, exc.zh, exc.en, exc.code, exc.detail)

    @app.errorhandler(Exception)
    def _bug(exc: Exception):  # a bug is a 500, never a 400: hiding it helps nobody
        app.logger.exception("unhandled error")
        zh, en = MESSAGES[500]
        return _render(500, zh, en, "internal-error")
