"""The final evaluation: the page /evaluation (zh first, charts drawn with the locally served Chart.js), its JSON
twin GET /api/evaluation, and the report as a download (docx, xlsx, html). Views only parse, call and render.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from qhfin.evaluation import evaluation_from
from qhfin.report import MEDIA_TYPES, REPORT_WRITERS

from .errors import ApiError
from .i18n import remember_lang
from .params import state
from .render import json_response, page

blueprint = Blueprint("evaluation", __name__)
blueprint.after_request(remember_lang)


def evaluation_of() -> dict:
    """``qhfin.evaluation.evaluation`` over what one named query through the engine gives, computed once per graph
    version (on an external store, where staff may enter figures meanwhile, at most QHFIN_CACHE_SECONDS old)."""
    reader = state().reader
    return reader.remember(("evaluation",), lambda: evaluation_from(reader))


@blueprint.get("/evaluation")
def evaluation_page() -> Response:
    """Attainment per target drawn, progress by chapter, theme and lead unit, what needs attention."""
    data = evaluation_of()
    by_id = {t["id"]: t for t in data["tasks"]}
    targets = {t["id"]: t for t in data["targets"]}
    return page("evaluation.html", data, by_task=by_id, by_target=targets,
                downloads={fmt: f"/api/evaluation/report?format={fmt}" for fmt in REPORT_WRITERS})


@blueprint.get("/api/evaluation")
def evaluation_json() -> Response:
    """Targets with baseline, target, actuals and status; tasks with status, unit, date and evidence."""
    return json_response(evaluation_of())


@blueprint.get("/api/evaluation/report")
def evaluation_report() -> Response:
    fmt = request.args.get("format", "docx")
    if fmt not in REPORT_WRITERS:
        raise ApiError(400, f"不支持的格式“{fmt}”", f"unsupported format “{fmt}”", "bad-format",
                       "format=" + "|".join(REPORT_WRITERS))
    data = state().reader.remember(("evaluation-report", fmt), lambda: REPORT_WRITERS[fmt](evaluation_of()))
    response = Response(data, content_type=MEDIA_TYPES[fmt])
    disposition = "inline" if fmt == "html" else "attachment"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="qhfin-evaluation.{fmt}"; filename*=UTF-8\'\'{quote("总结评估基础材料." + fmt)}')
    return response
