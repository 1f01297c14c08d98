"""Cross-tabulations of the tasks: theme × instrument, chapter × theme, body × theme, and any other pair.

A cell counts the rows of the 任务分工表 (a sentence split into clauses counts per clause) that link to both
the row's and the column's concept, and lists them, so every number can be opened.
"""

from __future__ import annotations

from .explore import ExploreError, Explorer
from .terms import ROLE_ZH

AXES = {"theme": "supportsTheme", "instrument": "usesInstrument", "body": "responsibleBody", "group": "targetsGroup",
        "target": "contributesTo", "chapter": None}


def _values(ex: Explorer, task: str, axis: str, roles: set[str] | None) -> set[str]:
    if axis == "chapter":
        return {str(ex.net.nodes[task]["chapter"])}
    return {o for _, o, d in ex.net.out_edges(task, data=True)
            if d["predicate"] == AXES[axis] and (roles is None or axis != "body" or d.get("role") in roles)}


def _header(ex: Explorer, axis: str, value: str) -> dict:
    if axis == "chapter":
        return {"id": value, "label": f"第{'一二三四五六七'[int(value) - 1]}章" if value.isdigit() and 0 < int(value) < 8
                else value, "type": "chapter"}
    return ex.ref(value)


def crosstab(ex: Explorer, rows: str, cols: str, role: str | None = None) -> dict:
    """Counts of tasks per (row, column); ``role`` limits a body axis to one role (lead, cooperating, …)."""
    for axis in (rows, cols):
        if axis not in AXES:
            raise ExploreError(f"维度“{axis}”无效，可用：{'、'.join(AXES)}", f"unknown axis “{axis}”: use {', '.join(AXES)}")
    if rows == cols:
        raise ExploreError("行与列须为不同维度", "rows and columns must differ")
    if role is not None and role not in ROLE_ZH:
        raise ExploreError(f"角色“{role}”无效", f"unknown role “{role}”: use {', '.join(ROLE_ZH)}")
    roles = {role} if role else None
    cells: dict[tuple[str, str], list[str]] = {}
    for task in ex.tasks(leaf=True):
        for r in _values(ex, task, rows, roles):
            for c in _values(ex, task, cols, roles):
                cells.setdefault((r, c), []).append(task)
    row_ids = sorted({r for r, _ in cells}, key=lambda r: (-sum(len(v) for (x, _), v in cells.items() if x == r), r))
    col_ids = sorted({c for _, c in cells}, key=lambda c: (-sum(len(v) for (_, y), v in cells.items() if y == c), c))
    if rows == "chapter":
        row_ids.sort()
    if cols == "chapter":
        col_ids.sort()
    return {"rows_axis": rows, "cols_axis": cols, "role": role,
            "rows": [_header(ex, rows, r) for r in row_ids], "cols": [_header(ex, cols, c) for c in col_ids],
            "counts": [[len(cells.get((r, c), ())) for c in col_ids] for r in row_ids],
            "cells": [{"row": r, "col": c, "count": len(ts), "tasks": [ex.net.nodes[t]["notation"] for t in ts]}
                      for (r, c), ts in sorted(cells.items())]}


__all__ = ["AXES", "crosstab"]
