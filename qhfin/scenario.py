"""Scenarios: take some nodes away (a body, an instrument, a task) and see what is left without support.

A task is lost when it is removed itself; when every body that carries it is removed (its leads, or where the
plan names no lead, the bodies that carry it out — a body merely mentioned carries nothing); when every instrument
it uses is removed; when a task it depends on is lost; when all its clauses are lost, or the sentence it is a
clause of is removed. That is repeated until nothing changes. A target loses all support when every task that
drives it is lost; a theme loses coverage when every task that serves it is lost.
"""

from __future__ import annotations

from .explore import ExploreError, Explorer


def _links(ex: Explorer, task: str, predicate: str) -> list[tuple[str, str | None]]:
    return [(o, d.get("role")) for _, o, d in ex.net.out_edges(task, data=True) if d["predicate"] == predicate]


def carriers(ex: Explorer, task: str) -> tuple[set[str], str]:
    """The bodies a task stands on, and in what capacity: its leads, or else those that carry it out."""
    bodies = _links(ex, task, "responsibleBody")
    leads = {b for b, role in bodies if role == "lead"}
    if leads:
        return leads, "lead"
    return {b for b, role in bodies if role in ("per-duty", "addressee", "cooperating")}, "carrier"


def _lost_reason(ex: Explorer, task: str, removed: set[str], lost: dict[str, list[dict]]) -> list[dict]:
    reasons = []
    bodies, capacity = carriers(ex, task)
    if bodies and bodies <= removed:
        reasons.append({"why": "lead" if capacity == "lead" else "carriers", "nodes": sorted(bodies),
                        "zh": ("牵头单位" if capacity == "lead" else "实施单位") + "全部被移除",
                        "en": ("every lead" if capacity == "lead" else "every body carrying it") + " is removed"})
    instruments = {i for i, _ in _links(ex, task, "usesInstrument")}
    if instruments and instruments <= removed:
        reasons.append({"why": "instruments", "nodes": sorted(instruments), "zh": "所用政策工具全部被移除",
                        "en": "every instrument it uses is removed"})
    prerequisites = sorted({t for t, _ in _links(ex, task, "dependsOn")} & set(lost))
    if prerequisites:
        reasons.append({"why": "depends", "nodes": prerequisites, "zh": "所依赖的任务失去支撑",
                        "en": "a task it depends on is lost"})
    clauses = {s for s, _, k in ex.net.in_edges(task, keys=True) if k == "subTaskOf"}
    if clauses and clauses <= set(lost):
        reasons.append({"why": "clauses", "nodes": sorted(clauses), "zh": "全部分句失去支撑",
                        "en": "all its clauses are lost"})
    parent = [o for o, _ in _links(ex, task, "subTaskOf")]
    if parent and parent[0] in removed:
        reasons.append({"why": "sentence", "nodes": parent, "zh": "所属句子被移除", "en": "its sentence is removed"})
    return reasons


def _touched(ex: Explorer, node: str) -> set[str]:
    """Tasks whose fate can change when ``node`` is removed or lost: those that rely on it, and its sentence."""
    near = {s for s, _, d in ex.net.in_edges(node, data=True)
            if d["predicate"] in ("responsibleBody", "usesInstrument", "dependsOn", "subTaskOf")}
    near |= {o for _, o, d in ex.net.out_edges(node, data=True) if d["predicate"] == "subTaskOf"}
    return {t for t in near if ex.kind(t) == "task"}


def lost_tasks(ex: Explorer, removed: set[str]) -> dict[str, list[dict]]:
    """Task → why it is lost; each loss re-examines only the tasks next to it, until nothing changes."""
    lost: dict[str, list[dict]] = {t: [{"why": "removed", "nodes": [t], "zh": "被移除", "en": "removed"}]
                                   for t in removed if ex.kind(t) == "task"}
    todo = set().union(*(_touched(ex, n) for n in removed)) if removed else set()
    while todo:
        task = min(todo)
        todo.discard(task)
        if task not in lost and (reasons := _lost_reason(ex, task, removed, lost)):
            lost[task] = reasons
            todo |= _touched(ex, task)
    return lost


def _supporters(ex: Explorer, node: str, predicate: str) -> set[str]:
    return {s for s, _, d in ex.net.in_edges(node, data=True) if d["predicate"] == predicate}


def scenario(ex: Explorer, names: list[str]) -> dict:
    """What is left without support when the named nodes are taken away."""
    if not names:
        raise ExploreError("至少指定一个要移除的节点", "name at least one node to remove")
    removed = {ex.find(n) for n in names}
    lost = lost_tasks(ex, removed)

    def task_item(t: str) -> dict:
        return {**ex.ref(t), "reasons": [{**r, "nodes": [ex.ref(n) for n in r["nodes"]]} for r in lost[t]]}

    without_lead = []
    for task in ex.tasks():
        leads = {b for b, role in _links(ex, task, "responsibleBody") if role == "lead"}
        if leads and leads <= removed:
            without_lead.append({**ex.ref(task), "leads": [ex.ref(b) for b in sorted(leads)],
                                 "only_lead": len(leads) == 1})
    result = {"removed": [ex.ref(n) for n in sorted(removed)],
              "lost_tasks": [task_item(t) for t in ex.tasks() if t in lost],
              "tasks_without_lead": without_lead}
    for kind, predicate, gone_key, weak_key in (("target", "contributesTo", "targets_unsupported", "targets_weakened"),
                                                ("theme", "supportsTheme", "themes_uncovered", "themes_weakened")):
        gone, weakened = [], []
        for node in ex.of_kind(kind):
            support = _supporters(ex, node, predicate)
            if not support or node in removed:
                continue
            down = sorted(support & set(lost))
            item = {**ex.ref(node), "supporting_tasks": len(support), "lost": [ex.ref(t) for t in down]}
            if len(down) == len(support):
                gone.append(item)
            elif down:
                weakened.append(item)
        result[gone_key], result[weak_key] = gone, weakened
    result["summary"] = {k: len(v) for k, v in result.items() if isinstance(v, list)}
    return result


__all__ = ["carriers", "lost_tasks", "scenario"]
