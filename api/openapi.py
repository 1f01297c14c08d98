"""The OpenAPI 3.1 document at /api/openapi.json, written by hand and checked against the app.

Each route's description lives in one table (``api.openapi_paths``, its parameters in ``api.openapi_params``, its
schemas in ``api.openapi_schemas``); ``document(app)`` keeps the operations of the routes the app really has, and
tests/test_api_openapi.py fails when a route has no description (as datasette's test_docs does).
"""

from __future__ import annotations

import re

from flask import Flask

from .openapi_paths import PATHS
from .openapi_schemas import SCHEMAS

ROUTE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def openapi_path(rule: str) -> str:
    """/id/<path:rest> → /id/{rest}"""
    return ROUTE_ARG.sub(r"{\1}", rule)


def routes(app: Flask) -> set[tuple[str, str]]:
    """(path, method) for every route of the app, in OpenAPI spelling."""
    return {(openapi_path(rule.rule), method.lower())
            for rule in app.url_map.iter_rules() for method in rule.methods or () if method not in SKIPPED_METHODS}


def document(app: Flask, server: str = "/") -> dict:
    """The operations of the routes this app has; a described route the app lacks is left out."""
    have = routes(app)
    paths: dict[str, dict] = {}
    for path, operations in PATHS.items():
        kept = {m: op for m, op in operations.items() if (path, m) in have}
        if kept:
            paths[path] = kept
    return {
        "openapi": "3.1.0",
        "info": {"title": "qhfin · 青海“十四五”金融规划任务知识图谱 API", "version": "1.0.0",
                 "description": "名称可用中文名、别名、编号或IRI（theme=乡村振兴）。错误统一为 Error 结构，中英文说明。\n"
                                "Names may be a Chinese name, an alias, a notation or an IRI (theme=乡村振兴). "
                                "Every error has the Error shape, with a message in Chinese and English.",
                 "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
        "servers": [{"url": server.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "responses": {"Error": {
            "description": "错误（中英文）；未知名称附最接近的各类名称 suggestions / an error, in Chinese and English; "
                           "an unknown name comes with the closest names of every kind (suggestions)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}, "Ambiguous": {
            "description": "名称可指多个概念，candidates 列出候选 / the name may mean several concepts, listed in candidates",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
    }
