"""Request parameters → the arguments of ``qhfin`` functions, with the one error shape for anything that names nothing.

Shared by the JSON API and the pages, so that ``theme=乡村振兴`` means the same everywhere.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar
from urllib.parse import urlencode

from flask import current_app, request
from rdflib import URIRef

from qhfin import views
from qhfin.bodies import status
from qhfin.matrix import LEVELS
from qhfin.matrix_filters import Filters
from qhfin.matrix_row import ERAS
from qhfin.measures import Query
from qhfin.resolve import Ambiguous, NotFound, Suggestion, label
from qhfin.terms import ROLE_NAME

from .details import local_href
from .errors import ApiError

T = TypeVar("T")
KIND_ZH = {"theme": "主题", "instrument": "政策工具", "group": "服务对象", "body": "单位", "target": "目标", "task": "任务"}
MEASURE_FILTERS = ("theme", "instrument", "body", "target", "group")
ROLES = tuple(ROLE_NAME.values())
CHAPTER = re.compile(r"^[4-7](-\d{1,2}){0,4}$")


def state():
    return current_app.extensions["qhfin"]


MEMO_SIZE = 64


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """The answer for ``key``, computed once per process: the graph does not change while the service runs.
    Callers treat what they get as read-only. The oldest answers are dropped past MEMO_SIZE."""
    cache: OrderedDict = current_app.extensions.setdefault("qhfin_memo", OrderedDict())
    if key in cache:
        return cache[key]
    value = cache[key] = compute()
    while len(cache) > MEMO_SIZE:
        cache.popitem(last=False)
    return value


def suggestion(item: Suggestion) -> dict:
    """A concept offered instead of a name: label, kind and a link to its measures (on the API or the pages, as
    asked), and the name that brought it up."""
    base = "/api/measures" if request.path.startswith("/api/") else "/measures"
    return {"label": item.label, "label_en": item.label_en, "kind": item.kind, "kind_zh": KIND_ZH[item.kind],
            "id": str(item.iri), "link": f"{base}?{urlencode({item.kind: str(item.iri)})}", "href": local_href(str(item.iri)),
            "matched": item.matched}


def resolve(kind: str, name: str) -> URIRef:
    """The IRI a name means (any of its names, its notation or IRI). A name that means nothing: 404 with the closest
    names of every kind; a name several concepts share equally: 300 with the candidates."""
    try:
        return state().resolver.resolve(kind, name.strip())
    except Ambiguous as exc:
        candidates = [suggestion(c) for c in exc.candidates]
        raise ApiError(300, f"“{name}”可指多个{KIND_ZH[kind]}，请选择", f"“{name}” may mean several: please choose",
                       "ambiguous-name", f"{kind}={name}", {"candidates": candidates, "suggestions": candidates}) from exc
    except NotFound as exc:
        raise ApiError(404, f"未找到名为“{name}”的{KIND_ZH[kind]}", f"no {kind} is named “{name}”", "unknown-name",
                       f"{kind}={name}", {"suggestions": [suggestion(s) for s in exc.suggestions]}) from exc


def resolution(kind: str, name: str) -> dict:
    """How a name was understood: the concept, by which kind of name, and for a body what it is now."""
    found = state().resolver.lookup(kind, name.strip())
    graph = views.names(state().reader)
    answer = {"name": name, "id": str(found.iri), "label": label(graph, found.iri), "label_en": label(graph, found.iri, "en"),
              "matched": found.matched, "name_kind": found.name_kind, "name_kind_zh": found.name_kind_zh,
              "name_kind_en": found.name_kind_en}
    if kind == "body":
        answer.update(status(views.body(state().reader, found.iri), found.iri))
    return answer


def _chapter() -> str | None:
    chapter = request.args.get("chapter", "").strip() or None
    if chapter and not CHAPTER.match(chapter):
        raise ApiError(400, f"章节“{chapter}”格式有误，应如 5 或 5-6", f"chapter “{chapter}” should look like 5 or 5-6",
                       "bad-chapter", "chapter=4|5|6|7[-section[-subsection]]")
    return chapter


def measures_query() -> Query:
    """``Query`` from the request, every name resolved first so that an unknown one is reported by its parameter."""
    values: dict[str, str | None] = {}
    for kind in MEASURE_FILTERS:
        name = request.args.get(kind, "").strip()
        values[kind] = str(resolve(kind, name)) if name else None
    role = request.args.get("role", "").strip() or None
    if role and role not in ROLES:
        raise ApiError(400, f"角色“{role}”无效", f"unknown role “{role}”", "bad-role", "role=" + "|".join(ROLES))
    if role and not values["body"]:
        raise ApiError(400, "按角色筛选须同时指定单位（body）", "role filters need a body", "role-without-body", "body=…&role=…")
    q = request.args.get("q", "").strip() or None
    return Query(**values, q=q, role=role, chapter=_chapter(), direct=direct_only())


def direct_only() -> bool:
    """``direct=true``: a body's own tasks (and those it succeeded), not those addressed to its groups."""
    value = request.args.get("direct", "").strip().lower()
    if value not in ("", "true", "false", "1", "0"):
        raise ApiError(400, "direct 须为 true 或 false", "direct must be true or false", "bad-direct", "direct=true|false")
    return value in ("true", "1")


def resolved(kinds: tuple[str, ...] = MEASURE_FILTERS) -> dict:
    """The names of this request's filters as understood (called after they resolved)."""
    return {kind: resolution(kind, name) for kind in kinds if (name := request.args.get(kind, "").strip())}


def matrix_arguments() -> tuple[Filters, str, str]:
    """Filters, level and era for ``qhfin.matrix.matrix``; names resolved first, as for the measures."""
    names = {k: request.args.get(k, "").strip() or None for k in ("theme", "body", "instrument")}
    for kind, name in names.items():
        if name:
            resolve(kind, name)
    level = request.args.get("level", "task")
    era = request.args.get("era", "2021")
    if level not in LEVELS:
        raise ApiError(400, f"level 须为 {'/'.join(LEVELS)}", f"level must be one of {', '.join(LEVELS)}", "bad-level")
    if era not in ERAS:
        raise ApiError(400, f"era 须为 {'/'.join(ERAS)}", f"era must be one of {', '.join(ERAS)}", "bad-era")
    return Filters(chapter=_chapter(), **names, direct=direct_only()), level, era
