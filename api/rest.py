"""The JSON API under /api: measures, targets, the matrix in five formats, concepts, tasks, and its OpenAPI document.

Each view parses its arguments (``api.params``), calls one ``qhfin`` function and renders; nothing else.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request
from rdflib import URIRef

from qhfin import views
from qhfin.measures_table import to_measures_csv, to_measures_xlsx
from qhfin.resolve import label
from qhfin.writers import MEDIA_TYPES, WRITERS

from .answers import concept_kinds, concept_list, matrix_of, measures_of, names
from .details import kind_of, task_detail
from .errors import ApiError
from .openapi import document
from .params import MEASURE_FILTERS, matrix_arguments, measures_query, resolve, resolved, state
from .render import json_response

blueprint = Blueprint("rest", __name__, url_prefix="/api")


MEASURE_FORMATS = ("json", "csv", "xlsx")


@blueprint.get("/measures")
def measures() -> Response:
    """Measures (sentence-level tasks) matching every filter, each with why it matched; how each name was
    understood; ``format=csv|xlsx`` for Excel, in the columns the measures page shows."""
    fmt = request.args.get("format", "json")
    if fmt not in MEASURE_FORMATS:
        raise ApiError(400, f"不支持的格式“{fmt}”", f"unsupported format “{fmt}”", "bad-format",
                       "format=" + "|".join(MEASURE_FORMATS))
    answer = {**measures_of(measures_query()), "resolved": resolved()}
    return json_response(answer) if fmt == "json" else measures_download(answer, fmt)


def measures_download(answer: dict, fmt: str) -> Response:
    """The measures as a csv or xlsx attachment named after its filters (措施-省信保集团.xlsx)."""
    filters = "，".join(f"{k}={v}" for k in (*MEASURE_FILTERS, "q", "role", "chapter", "direct")
                       if (v := request.args.get(k, "").strip()))
    data = to_measures_csv(answer) if fmt == "csv" else to_measures_xlsx(answer, filters)
    response = Response(data, content_type=MEDIA_TYPES[fmt])
    parts = ["措施"] + [v["label"] for v in answer["resolved"].values()] + ([answer["query"]["q"]] if answer["query"].get("q") else [])
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", "-".join(parts))[:120] + f".{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="qhfin-measures.{fmt}"; filename*=UTF-8\'\'{quote(name)}'
    return response


@blueprint.get("/targets")
def targets() -> Response:
    """The 2025 targets with their 2020 baselines, the growth they require and the tasks behind them."""
    return json_response(views.targets(state().reader))


@blueprint.get("/matrix")
def matrix() -> Response:
    """The 任务分工表 in json, csv, xlsx, html or md, filtered, with a download name."""
    fmt = request.args.get("format", "json")
    if fmt not in WRITERS:
        raise ApiError(400, f"不支持的格式“{fmt}”", f"unsupported format “{fmt}”", "bad-format", "format=" + "|".join(WRITERS))
    filters, level, era = matrix_arguments()
    reader = state().reader
    data = reader.remember(("matrix-file", fmt, filters, level, era), lambda: WRITERS[fmt](matrix_of(filters, level, era)))
    response = Response(data, content_type=MEDIA_TYPES[fmt])
    disposition = "inline" if fmt in ("json", "html") else "attachment"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="qhfin-matrix.{fmt}"; filename*=UTF-8\'\'{quote(download_name(fmt))}')
    return response


def download_name(fmt: str) -> str:
    """任务分工表-乡村振兴-第5章-2023.xlsx: the filters in the name, so that two downloads are told apart."""
    parts = ["任务分工表"]
    for kind in ("theme", "instrument", "body"):
        if name := request.args.get(kind, "").strip():
            parts.append(label(names(), resolve(kind, name)))
    if chapter := request.args.get("chapter", "").strip():
        parts.append(f"第{chapter}章" if "-" not in chapter else f"章节{chapter}")
    if request.args.get("level") == "paragraph":
        parts.append("按段")
    if request.args.get("era") == "2023":
        parts.append("2023")
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", "-".join(parts)) + f".{fmt}"


@blueprint.get("/concepts")
def concepts() -> Response:
    """Themes, instruments, target groups and bodies found by any of their names."""
    return json_response(concept_list(request.args.get("q", "").strip(), concept_kinds()))


def find_task(task_id: str) -> URIRef:
    iri = resolve("task", task_id)
    if kind_of(names(), iri) != "task":
        raise ApiError(404, f"未找到任务“{task_id}”", f"no task “{task_id}”", "unknown-name")
    return iri


@blueprint.get("/tasks/<path:task_id>", merge_slashes=False)
def task(task_id: str) -> Response:
    """One task (notation such as 4-1-1-1-1, or its IRI) with every link's reason, its paragraph and dependencies."""
    iri = find_task(task_id)
    return json_response(task_detail(views.tasks(state().reader, iri), iri))


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """This API described in OpenAPI 3.1."""
    return json_response(document(current_app, request.url_root))
