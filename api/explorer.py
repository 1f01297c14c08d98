"""The dependency and impact explorer: its JSON API under /api and the interactive graph page at /explorer.

Views parse arguments → call ``qhfin.explore`` (and its neighbours) → render. The typed graph is built from one
named query through the engine (``queries/explorer-graph.rq``) on the first request that needs it, once per graph
version, so an app that is never asked starts as fast as before and nothing here holds the whole graph.
The page draws with Cytoscape.js, installed from npm by the Makefile into ``api/static/vendor`` (never a CDN).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, request

from qhfin import checks as data_checks
from qhfin import crosstab as cross
from qhfin import explore, exports
from qhfin import rank as ranking
from qhfin import scenario as scenarios
from qhfin.drawing import Renderer, RenderTimeout
from qhfin.explore import DIRECTIONS, Explorer
from qhfin.namespaces import BASE
from qhfin.terms import KIND_ZH

from .admission import RENDERS
from .errors import ApiError
from .limits import listed
from .params import memo, state
from .render import json_response, page

blueprint = Blueprint("explorer", __name__, static_folder="static/explorer", static_url_path="/explorer/static")
_lock = threading.Lock()


def explorer() -> Explorer:
    """The app's Explorer, built from one named query through the engine (``Explorer.from_reader``) once per graph
    version, under a lock: two first requests must not build it twice."""
    reader = state().reader
    with _lock:
        return reader.remember(("explorer",), lambda: Explorer.from_reader(reader, state().resolver))


WARM_AFTER = 1.0  # seconds after ``qhfin serve`` is up: the start's own work (the first answers) goes first


def warm(app: Flask) -> None:
    """Build the app's Explorer in the background (``qhfin serve``): its first build reads the engine and turns
    40 000 triples into a typed graph, seconds of work that a first picture or impact asked under load would pay
    for — while it held the GIL and an engine worker, light requests took seconds (bench/hostile.py, ASK {}: 5 s
    median; built beforehand: 40 ms). A failed warm-up costs nothing: the first request builds it then. It waits
    ``WARM_AFTER`` first: begun at once, it took the GIL and both workers while the service opened, and the first
    answer came 40 ms later (an eighth of the start-up)."""
    def build() -> None:
        time.sleep(WARM_AFTER)
        with app.app_context():
            try:
                explorer()
            except Exception:  # noqa: BLE001 — the engine busy or the store down: left to the first request
                app.logger.warning("the explorer was not built in advance", exc_info=True)

    threading.Thread(target=build, name="qhfin-explorer-warm", daemon=True).start()


def _renderer() -> Renderer:
    """The app's drawing process (started on the first picture; see ``qhfin.drawing``)."""
    with _lock:
        return current_app.extensions.setdefault("qhfin.renderer", Renderer())


def _once(key: tuple, make: Callable[[], object]) -> object:
    """A whole-graph answer (ranking, workload, checks, exports) computed on first request and kept with the graph
    version it was computed from."""
    return state().reader.remember(("explorer", *key), make)


def _arg(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        raise ApiError(400, f"缺少参数 {name}", f"the parameter {name} is missing", "missing-parameter", f"{name}=…")
    return value


def _int(name: str, default: int | None, low: int = 1, high: int = 50) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise ApiError(400, f"{name} 须为{low}至{high}的整数", f"{name} must be an integer from {low} to {high}",
                       "bad-argument", f"{name}={value}")
    return int(value)


@blueprint.get("/api/impact")
def impact() -> Response:
    """Downstream impact (what a failure reaches) or upstream support (what the node relies on), explained."""
    direction = request.args.get("direction", "downstream")
    if direction not in DIRECTIONS:
        raise ApiError(400, "direction 须为 downstream 或 upstream", "direction must be downstream or upstream",
                       "bad-argument", "direction=downstream|upstream")
    return json_response(explore.impact(explorer(), _arg("node"), direction, _int("depth", None)))


@blueprint.get("/api/path")
def path() -> Response:
    """How one node reaches another, step by step, with each step's basis and quote."""
    return json_response(explore.path(explorer(), _arg("from"), _arg("to")))


@blueprint.get("/api/scenario")
def scenario() -> Response:
    """What loses support when nodes are removed: ``remove`` repeated, or comma-separated."""
    names = list(listed("remove"))
    if not names:
        raise ApiError(400, "缺少参数 remove", "the parameter remove is missing", "missing-parameter", "remove=…")
    return json_response(scenarios.scenario(explorer(), names))


@blueprint.get("/api/rank")
def rank() -> Response:
    top = _int("top", 10, high=500)
    return json_response(_once(("rank", top), lambda: ranking.rank(explorer(), top)))


@blueprint.get("/api/workload")
def workload() -> Response:
    top = _int("top", 10, high=500)
    return json_response(_once(("workload", top), lambda: ranking.workload(explorer(), top)))


@blueprint.get("/api/crosstab")
def crosstab() -> Response:
    """theme × instrument, chapter × theme, body × theme (and any other pair of axes)."""
    return json_response(cross.crosstab(explorer(), _arg("rows"), _arg("cols"), request.args.get("role") or None))


@blueprint.get("/api/checks")
def checks() -> Response:
    return json_response(_once(("checks",), lambda: data_checks.checks(explorer())))


@blueprint.get("/api/export/<fmt>")
def export(fmt: str) -> Response:
    """The typed graph as GraphML, GEXF or Cytoscape.js JSON; a node's neighbourhood as SVG or PNG."""
    if fmt not in exports.FORMATS:
        raise ApiError(404, f"不支持的格式“{fmt}”", f"unknown format “{fmt}”", "bad-format", "/".join(exports.FORMATS))
    ex = explorer()
    if fmt in exports.GRAPH_FORMATS:
        data = _once(("export", fmt), lambda: exports.export(ex, fmt))
        name = f"qhfin.{exports.FORMATS[fmt][1]}"
    else:
        node, depth = ex.find(_arg("node")), _int("depth", 1, high=3) or 1

        def draw() -> bytes:
            with RENDERS.admitted():  # one render at a time; the rest refused fast rather than queued on threads
                limit = current_app.config["QHFIN"].time_limit
                try:
                    return _renderer().draw(exports.scene(ex, node, depth), fmt, limit)
                except RenderTimeout:
                    raise ApiError(503, f"绘图超过时限（{limit:g} 秒，由 QHFIN_TIME_LIMIT 设定）",
                                   f"the drawing ran past the time limit ({limit:g} s, set by QHFIN_TIME_LIMIT)",
                                   "time-limit") from None

        data = memo(("picture", fmt, node, depth), draw)  # the same picture is drawn once (bounded, LRU)
        name = f"qhfin-{node.rsplit('/', 1)[-1]}.{exports.FORMATS[fmt][1]}"
    response = Response(data, content_type=exports.FORMATS[fmt][0])
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.get("/explorer")
def explorer_page() -> Response:
    """The interactive graph: zoom, filter by kind, click a node to light up its impact, open a task's page."""
    ex = explorer()
    counts = {k: len(ex.of_kind(k)) for k in KIND_ZH}
    data = {"counts": counts, "edges": ex.net.number_of_edges(), "graph": "/api/export/cytoscape",
            "impact": "/api/impact", "exports": {f: f"/api/export/{f}" for f in exports.FORMATS}, "iri_base": BASE}
    return page("explorer.html", data, kinds=KIND_ZH)
