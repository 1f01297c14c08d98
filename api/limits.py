"""Every request's work bounded by what its parameters mean, not by how long they are.

A probe found one 6 KB GET (``/concepts?kind=theme,theme,…``) that made the page grow with the square of the
repeats until the process passed 12 GB. The class of that hole is "a parameter whose repeats multiply work", so the
bounds are checked here, once, before any view runs, rather than view by view:

- a parameter given more than ``MAX_REPEATS`` times, more than ``MAX_PARAMS`` distinct parameters, a value longer
  than ``MAX_VALUE`` characters, or a query string past ``MAX_QUERY_STRING`` bytes: 400 / 414, the limit named;
- a comma list (``kind=theme,body``) is read by ``listed``: de-duplicated in order, at most ``MAX_ITEMS`` items;
- an answer larger than ``MAX_ANSWER`` bytes is replaced by a 503 naming the limit (a last line: with the bounds
  above no route is known to reach it).

The SPARQL routes take their query text as a parameter and bound it themselves (``query_size_limit``).
"""

from __future__ import annotations

from flask import Flask, Response, request

from .errors import ApiError

MAX_REPEATS = 8  # a parameter given more often than this is refused
MAX_PARAMS = 32  # distinct parameters
MAX_VALUE = 2048  # characters in one value (names, search text, task IDs are far shorter)
MAX_QUERY_STRING = 16 * 1024  # bytes of the query string outside the SPARQL routes
MAX_ITEMS = 16  # items of one comma list, after de-duplication
MAX_ANSWER = 64 * 1024 * 1024  # bytes of one answer outside the dumps
SPARQL_PATHS = ("/sparql", "/queries/")
REPEATABLE = {"default-graph-uri": 64, "named-graph-uri": 64, "remove": MAX_ITEMS}
UNBOUNDED_PATHS = ("/dumps/",)


def check_request() -> None:
    """Refuse a request whose parameters would multiply the work of the view it calls."""
    check_parameters(list(request.args.items(multi=True)), len(request.query_string),
                     request.path.startswith(SPARQL_PATHS))


def check_parameters(params: list[tuple[str, str]], size: int, sparql: bool) -> None:
    """The bounds of ``check_request`` on a query string's parameters (``size`` bytes long; ``sparql``: a SPARQL
    route, which bounds its query text itself), for Flask's hook and for the path before Flask (``api.direct``)."""
    if not sparql and size > MAX_QUERY_STRING:
        raise ApiError(414, f"查询字符串过长（{size} 字节，上限 {MAX_QUERY_STRING}）",
                       f"query string too long ({size} bytes; the limit is {MAX_QUERY_STRING})", "uri-too-long",
                       f"limit: {MAX_QUERY_STRING} bytes")
    given: dict[str, list[str]] = {}
    for name, value in params:
        given.setdefault(name, []).append(value)
    names = list(given)
    if len(names) > MAX_PARAMS:
        raise ApiError(400, f"参数过多（{len(names)} 个，上限 {MAX_PARAMS}）",
                       f"too many parameters ({len(names)}; the limit is {MAX_PARAMS})", "too-many-parameters",
                       f"limit: {MAX_PARAMS}")
    for name, values in given.items():
        allowed = REPEATABLE.get(name, MAX_REPEATS)
        if len(values) > allowed:
            raise ApiError(400, f"参数“{name}”重复 {len(values)} 次（上限 {allowed}）",
                           f"parameter “{name}” given {len(values)} times (the limit is {allowed})",
                           "repeated-parameter", f"{name}: at most {allowed}")
        if not sparql and (longest := max(len(v) for v in values)) > MAX_VALUE:
            raise ApiError(400, f"参数“{name}”过长（{longest} 字符，上限 {MAX_VALUE}）",
                           f"parameter “{name}” too long ({longest} characters; the limit is {MAX_VALUE})",
                           "parameter-too-long", f"{name}: at most {MAX_VALUE} characters")


def listed(name: str, allowed: tuple[str, ...] | None = None, default: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A comma-separated parameter (repeats of it joined), de-duplicated in order and bounded: ``kind=theme,theme``
    is ``("theme",)``; an item outside ``allowed`` is a 400 naming it and the allowed ones."""
    items = tuple(dict.fromkeys(part.strip() for value in request.args.getlist(name)
                                for part in value.split(",") if part.strip()))
    if allowed is not None and (unknown := [i for i in items if i not in allowed]):
        raise ApiError(400, f"参数“{name}”的取值“{unknown[0]}”无效", f"unknown value “{unknown[0]}” for “{name}”",
                       f"bad-{name}", f"{name}=" + ",".join(allowed))
    if len(items) > MAX_ITEMS:
        raise ApiError(400, f"参数“{name}”列出 {len(items)} 项（上限 {MAX_ITEMS}）",
                       f"parameter “{name}” lists {len(items)} items (the limit is {MAX_ITEMS})", "too-many-items",
                       f"{name}: at most {MAX_ITEMS} items")
    return items or default


def check_answer(response: Response) -> Response:
    """A last bound on what one request can make the service hold and send."""
    if response.direct_passthrough or request.path.startswith(UNBOUNDED_PATHS):
        return response
    size = response.calculate_content_length()
    if size is not None and size > MAX_ANSWER:
        raise too_large(size)
    return response


def too_large(size: int) -> ApiError:
    """The refusal of an answer of ``size`` bytes, past ``MAX_ANSWER``."""
    return ApiError(503, f"应答过大（{size} 字节，上限 {MAX_ANSWER}），请缩小查询范围",
                    f"answer too large ({size} bytes; the limit is {MAX_ANSWER}); narrow the request",
                    "answer-too-large", f"limit: {MAX_ANSWER} bytes")


def register(app: Flask) -> None:
    app.before_request(check_request)

    @app.after_request
    def _bounded(response: Response) -> Response:
        try:
            return check_answer(response)
        except ApiError as exc:
            return app.handle_user_exception(exc)  # type: ignore[return-value]
