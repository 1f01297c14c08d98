"""The final evaluation (总结评估) as one dict: what the page, ``/api/evaluation`` and every report render.

Targets with their baseline, target, path, actual figures (each with its source and kind) and status; indicators
with figures but no target of their own; every task with the status its lead unit last reported; counts by chapter,
theme and lead unit; what needs attention; and the carry-over list for the 15th Five-Year plan.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .attainment import KIND_NAMES, STATUS, attainments, context_indicators
from .matrix_row import row
from .namespaces import QHFIN
from .plan_tasks import leaf_tasks
from .progress import STATUS_KEYS, latest_reports
from .resolve import label

if TYPE_CHECKING:
    from .reader import Reader

TITLE = ("青海省“十四五”金融业发展规划总结评估基础材料", "Qinghai 14th Five-Year Financial Plan: material for the final evaluation")
PROGRESS = {
    "completed": ("已完成", "completed"), "mostly-completed": ("基本完成", "mostly completed"),
    "in-progress": ("推进中", "in progress"), "not-started": ("未启动", "not started"),
    "not-applicable": ("不再适用", "no longer applicable"), "not-reported": ("未填报", "not reported"),
}
CHAPTERS = {"4": ("第四章", "Chapter 4"), "5": ("第五章", "Chapter 5"), "6": ("第六章", "Chapter 6"), "7": ("第七章", "Chapter 7")}
UNFINISHED = ("mostly-completed", "in-progress", "not-started")
NOT_REACHED = ("not-achieved", "behind", "undetermined", "no-data")


def _themes(graph: Graph, task: URIRef) -> list[str]:
    parent = graph.value(task, QHFIN.subTaskOf)
    found = set(graph.objects(task, QHFIN.supportsTheme)) | (set(graph.objects(parent, QHFIN.supportsTheme)) if parent else set())
    return sorted(label(graph, t) for t in found)


def task_progress(graph: Graph) -> list[dict]:
    """Every task in plan order with its lead units and the report in force (and the ones it superseded)."""
    history = latest_reports(graph)
    result = []
    for task in leaf_tasks(graph):
        r = row(graph, task)
        reports = history.get(task, [])
        current = reports[0] if reports else None
        status = STATUS_KEYS[current.status] if current else "not-reported"
        chapter = r["id"][0]
        result.append({
            "id": r["id"], "iri": str(task), "label": r["label"], "label_en": r["label_en"],
            "chapter": chapter, "chapter_label": CHAPTERS.get(chapter, (chapter, chapter))[0],
            "key_task": r["key_task"], "text": r["measure"], "leads": r["lead"], "lead_ids": r["lead_ids"],
            "deadline": r["deadline"], "themes": _themes(graph, task),
            "status": status, "status_label": PROGRESS[status][0], "status_label_en": PROGRESS[status][1],
            "date": current.date.isoformat() if current else None,
            "unit": label(graph, current.unit) if current else None,
            "achievements": current.achievements if current else "", "evidence": current.evidence if current else "",
            "source_file": current.source if current else None,
            "history": [{"date": rep.date.isoformat(), "unit": label(graph, rep.unit),
                         "status": STATUS_KEYS[rep.status], "status_label": PROGRESS[STATUS_KEYS[rep.status]][0],
                         "achievements": rep.achievements, "evidence": rep.evidence} for rep in reports[1:]],
        })
    return result


def counts(tasks: list[dict], key: str) -> list[dict]:
    """Tasks per group (a task with two themes or two leads counts in both), each group's statuses counted."""
    groups: dict[str, Counter] = {}
    for task in tasks:
        values = task[key] if isinstance(task[key], list) else [task[key]]
        for value in values or ["（未标注）"]:
            groups.setdefault(value, Counter())[task["status"]] += 1
    ordered = sorted(groups.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])) if key != "chapter_label" else sorted(groups.items())
    return [{"group": name, "total": sum(c.values()), "counts": {s: c.get(s, 0) for s in PROGRESS}} for name, c in ordered]


def _sources(targets: list[dict], indicators: list[dict]) -> list[dict]:
    """Every publication a figure came from, with the figures it gave."""
    found: dict[str, dict] = {}
    figures = [a for t in targets for a in t["actuals"]] + [a for i in indicators for a in i["actuals"]]
    for a in figures:
        if a["source"]["id"] is None:
            continue
        entry = found.setdefault(a["source"]["id"], {**a["source"], "figures": []})
        if a["id"] not in {f["id"] for f in entry["figures"]}:
            entry["figures"].append({"id": a["id"], "indicator": a["indicator"], "period_label": a["period_label"],
                                     "value": a["value"], "qualifier": a["qualifier"], "unit": a["unit"],
                                     "kind_label": a["kind_label"]})
    return sorted(found.values(), key=lambda s: s["title"])


def evaluation(graph: Graph) -> dict:
    targets = attainments(graph)
    indicators = context_indicators(graph, targets)
    tasks = task_progress(graph)
    labels = {str(i): label(graph, i) for i in graph.subjects(SKOS.inScheme, None) if isinstance(i, URIRef)}
    for source in (sources := _sources(targets, indicators)):
        for figure in source["figures"]:
            figure["indicator_label"] = labels.get(figure["indicator"], figure["indicator"].rsplit("/", 1)[-1])
    return {
        "title": TITLE[0], "title_en": TITLE[1],
        "statuses": {"targets": {k: {"zh": zh, "en": en} for k, (zh, en) in STATUS.items()},
                     "tasks": {k: {"zh": zh, "en": en} for k, (zh, en) in PROGRESS.items()},
                     "kinds": {k: {"zh": zh, "en": en} for k, (zh, en) in KIND_NAMES.items()}},
        "summary": {"targets": dict(Counter(t["status"] for t in targets)),
                    "tasks": dict(Counter(t["status"] for t in tasks)), "figures": sum(len(s["figures"]) for s in sources)},
        "targets": targets,
        "indicators": indicators,
        "tasks": tasks,
        "progress": {"by_chapter": counts(tasks, "chapter_label"), "by_theme": counts(tasks, "themes"),
                     "by_lead": counts(tasks, "leads")},
        "attention": {"targets": [t["id"] for t in targets if t["status"] in ("behind", "not-achieved")],
                      "targets_without_data": [t["id"] for t in targets if t["status"] in ("no-data", "undetermined")],
                      "tasks": [t["id"] for t in tasks if t["status"] in ("not-started", "in-progress")]},
        "carry_over": {"targets": [t["id"] for t in targets if t["status"] in NOT_REACHED],
                       "tasks": [t["id"] for t in tasks if t["status"] in UNFINISHED],
                       "tasks_not_reported": [t["id"] for t in tasks if t["status"] == "not-reported"]},
        "sources": sources,
    }


def evaluation_from(reader: Reader) -> dict:
    """``evaluation`` over what one named query through the engine gives (``queries/evaluation-graph.rq``): the
    tasks, targets, figures, reports and sources it reports on, and the names of what they point at — not the whole
    graph."""
    return evaluation(reader.graph("evaluation-graph"))
