"""The 任务分工表 (task-responsibility matrix): one data function, many writers (see ``qhfin.writers``).

Rows follow the plan's order (``qhfin.plan_tasks``), each a task's row (``qhfin.matrix_row``) for the tasks the
filters keep (``qhfin.matrix_filters``), or merged by paragraph; beside the rows, the body × task grid.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from .bodies import Concern, how_text
from .matrix_filters import Filters, MatrixError, selected
from .matrix_row import COLUMNS, ERAS, body_name, row
from .plan_tasks import leaf_tasks
from .resolve import Resolver

LEVELS = ("task", "paragraph")
# what the matrix's row count counts (not measures: a sentence split into clauses is one row per clause)
COUNT_OF = {"task": {"key": "row", "zh": "行：每句一行，分为分句的句子每个分句一行",
                     "en": "rows: one per sentence, or one per clause where a sentence is split into clauses"},
            "paragraph": {"key": "paragraph", "zh": "行：每段一行", "en": "rows: one per paragraph"}}
CONCERNS_COLUMN = ("concerns", "与所选单位的关系", "How it concerns the body asked for")  # with a body filter only
EVERY_TASK = Filters()  # no filter


def matrix(graph: Graph, filters: Filters = EVERY_TASK, level: str = "task", era: str = "2021",
           resolver: Resolver | None = None) -> dict:
    """The matrix as plain data: rows for the table, plus the body × task grid (tasks, bodies, cells).
    ``resolver`` reads the filters' names (given when ``graph`` is a view that holds only the rows' tasks)."""
    if level not in LEVELS:
        raise MatrixError(f"level 须为 {'/'.join(LEVELS)} / level must be one of {', '.join(LEVELS)}")
    if era not in ERAS:
        raise MatrixError(f"era 须为 {'/'.join(ERAS)} / era must be one of {', '.join(ERAS)}")
    resolver = resolver or Resolver(graph)
    rows, vias = [], []
    for task in leaf_tasks(graph):
        if concern := selected(graph, task, filters, resolver):
            r = row(graph, task, era)
            if isinstance(concern, Concern):
                r["concerns"] = how_text(graph, concern)[0] or "本单位"
            (vias if isinstance(concern, Concern) and concern.how == "via" else rows).append(r)
    rows += vias  # a body's own tasks (and those it succeeded) first, then its groups'
    if level == "paragraph":
        rows = _by_paragraph(rows)
    for i, r in enumerate(rows, start=1):
        r["seq"] = i
    tasks, bodies, cells = [], {}, []
    for r in rows:
        tasks.append({"id": r["id"], "iri": r["iri"], "label": r["label"], "path": r["path"]})
        for key, role in (("lead_ids", "牵头"), ("cooperating_ids", "配合")):
            for body in r[key]:
                bodies.setdefault(body, body_name(graph, URIRef(body), era))
                cells.append({"task": r["id"], "body": body, "role": role})
    columns = COLUMNS + ([CONCERNS_COLUMN] if filters.body else [])
    return {
        "columns": [{"key": k, "zh": zh, "en": en} for k, zh, en in columns],
        "rows": rows,
        "tasks": tasks,
        "bodies": [{"id": b, "label": name} for b, name in sorted(bodies.items(), key=lambda x: x[1])],
        "cells": cells,
        "era": era,
        "level": level,
        "count_of": COUNT_OF[level],
        "era_note": "机构名称按2023年金融监管机构改革后名称显示；改革划转的职责（金融消费者保护、企业债券审核、投资者保护等）"
        "改由承接单位列出并注明依据；未经证实的划转只作标注、不予改动。均系推导，非规划原文。"
        if era == "2023" else "机构名称按规划印发时（2021年）名称显示。",
    }


def _by_paragraph(rows: list[dict]) -> list[dict]:
    merged: dict[str, dict] = {}
    for r in rows:
        key = r["path"][-1] if r["path"] else r["id"]
        if key not in merged:
            merged[key] = {**r, "id": r["id"].rsplit("-", 1)[0], "measure": r["measure"], "label": r["key_task"]}
            continue
        m = merged[key]
        m["measure"] += r["measure"] if r["measure"] not in m["measure"] else ""
        for field in ("lead", "lead_ids", "cooperating", "cooperating_ids", "addressees", "targets", "instruments"):
            m[field] = list(dict.fromkeys(m[field] + r[field]))
    return list(merged.values())


__all__ = ["COUNT_OF", "LEVELS", "matrix"]
