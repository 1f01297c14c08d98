"""Which tasks and instruments are critical, which bridge themes, who carries the most and who is a bottleneck.

The graph is typed, so no single textbook centrality fits it; each measure here answers one question:

- **reach** — how many targets and tasks (rows of the 任务分工表) a failure reaches downstream
  (``qhfin.explore``'s influence walk): what a policy officer means by "critical";
- **cut** — how many targets lose *all* support if this node alone fails (``qhfin.scenario``): a single point of
  failure, which reach alone does not show;
- **betweenness** (Brandes) on the influence graph of tasks, bodies, instruments and targets — how often a node
  lies on the shortest chains between the others, i.e. a broker; paragraphs, themes and groups are left out
  because a task's place in the text and the themes it serves carry no influence onward;
- **participation** across top-level themes (Guimerà & Amaral's participation coefficient 1 − Σ(kₜ/k)²) — how
  evenly a node's tasks spread over different themes: high for a bridge between themes, 0 for a node inside one.

Degree and PageRank on the whole graph are not used: they count mentions and document structure, and reward the
generic groups (各金融机构) that the plan names everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .explore import Explorer, walk
from .scenario import carriers, lost_tasks
from .terms import ROLE_ZH

if TYPE_CHECKING:  # networkx is imported where it is used: the service starts without it
    import networkx as nx

ROLES = tuple(ROLE_ZH)
CHAPTERS = (4, 5, 6, 7)
SUPPORT_KINDS = ("task", "body", "instrument", "target")


def _support_graph(ex: Explorer) -> nx.DiGraph:
    import networkx as nx
    support = nx.DiGraph()
    support.add_nodes_from(n for n, k in ex.net.nodes(data="kind") if k in SUPPORT_KINDS)
    for a, steps in ex.down.items():
        for b, _edge in steps:
            if a in support and b in support:
                support.add_edge(a, b)
    return support


def _top_themes(ex: Explorer) -> dict[str, set[str]]:
    """Theme → the top-level themes it falls under (itself when it has no broader theme)."""
    tops: dict[str, set[str]] = {}
    for theme in ex.of_kind("theme"):
        above = {n for n in walk(ex, theme, "downstream") if ex.kind(n) == "theme"}
        tops[theme] = {t for t in above if not any(d["predicate"] == "broader" for _, _, d in ex.net.out_edges(t, data=True))}
    return tops


def _participation(counts: dict[str, int]) -> float:
    total = sum(counts.values())
    return round(1 - sum((k / total) ** 2 for k in counts.values()), 4) if total else 0.0


def _cut(ex: Explorer, node: str) -> list[str]:
    """Targets that lose all their supporting tasks if this node alone fails."""
    lost = lost_tasks(ex, {node})
    cut = []
    for target in ex.of_kind("target"):
        support = {s for s, _, d in ex.net.in_edges(target, data=True) if d["predicate"] == "contributesTo"}
        if support and support <= set(lost):
            cut.append(target)
    return cut


def _measures(ex: Explorer, node: str, betweenness: dict[str, float], tops: dict[str, set[str]]) -> dict:
    reached = set(walk(ex, node, "downstream")) - {node}
    leaves = set(ex.tasks(leaf=True))  # a sentence reached through its own clause is not one more task
    kinds = [ex.kind(n) for n in reached if ex.kind(n) != "task" or n in leaves]
    themes: dict[str, int] = {}
    tasks = [node] if ex.kind(node) == "task" else [t for t, _ in ex.down.get(node, ()) if ex.kind(t) == "task"]
    for task in set(tasks):
        for top in {t for _, o, d in ex.net.out_edges(task, data=True) if d["predicate"] == "supportsTheme"
                    for t in tops.get(o, ())}:
            themes[top] = themes.get(top, 0) + 1
    return {**ex.ref(node), "targets_reached": kinds.count("target"), "tasks_reached": kinds.count("task"),
            "targets_cut": [ex.ref(t) for t in _cut(ex, node)], "betweenness": round(betweenness.get(node, 0.0), 5),
            "tasks_using": len(set(tasks)) if ex.kind(node) != "task" else None,
            "themes": [ex.ref(t) for t in sorted(themes)], "participation": _participation(themes)}


def rank(ex: Explorer, top: int = 10) -> dict:
    """Critical tasks and instruments, and the bridges between themes, each measure shown beside the ranking."""
    import networkx as nx
    betweenness = nx.betweenness_centrality(_support_graph(ex))
    tops = _top_themes(ex)
    tasks = [_measures(ex, t, betweenness, tops) for t in ex.tasks(leaf=True)]
    instruments = [_measures(ex, i, betweenness, tops) for i in ex.of_kind("instrument")]

    def critical(m: dict) -> tuple:
        return (-len(m["targets_cut"]), -m["targets_reached"], -m["tasks_reached"], -m["betweenness"], m["id"])

    bridges = [m for m in tasks + instruments if len(m["themes"]) >= 2]
    return {
        "method": {
            "zh": "关键任务按：单独停滞即令多少目标失去全部支撑（cut）、下游可达的目标与任务数（reach）、在任务—单位—工具—目标"
                  "影响图上的介数中心性（betweenness）依次排序；主题桥梁按其任务在一级主题间分布的参与系数（participation）排序。",
            "en": "Critical tasks are ordered by the targets left with no support if the task alone stalls (cut), the "
                  "targets and tasks reached downstream (reach), then betweenness on the influence graph of tasks, "
                  "bodies, instruments and targets; bridges by the participation coefficient of their tasks over "
                  "top-level themes."},
        "tasks": sorted(tasks, key=critical)[:top],
        "instruments": sorted(instruments, key=lambda m: (-m["targets_reached"], -(m["tasks_using"] or 0),
                                                          -m["participation"], m["id"]))[:top],
        "bridges": sorted(bridges, key=lambda m: (-m["participation"], -len(m["themes"]), m["id"]))[:top],
    }


def workload(ex: Explorer, top: int = 10) -> dict:
    """Per body: tasks by role and chapter (rows of the 任务分工表, so a sentence split into clauses counts per
    clause); tasks it is the only lead of; and as bottlenecks, the bodies whose failure alone loses most."""
    rows: dict[str, dict] = {}
    for task in ex.tasks(leaf=True):
        chapter = str(ex.net.nodes[task]["chapter"])
        seen = set()
        for _, body, data in ex.net.out_edges(task, data=True):
            if data["predicate"] != "responsibleBody" or (body, data["role"]) in seen:
                continue
            seen.add((body, data["role"]))
            row = rows.setdefault(body, {**ex.ref(body), **{r: 0 for r in ROLES}, "sole_lead": 0, "by_chapter": {}})
            row[data["role"]] += 1
            per = row["by_chapter"].setdefault(chapter, {r: 0 for r in ROLES})
            per[data["role"]] += 1
        bodies, capacity = carriers(ex, task)
        if capacity == "lead" and len(bodies) == 1:
            rows[next(iter(bodies))]["sole_lead"] += 1
    bodies = sorted(rows.values(), key=lambda r: (-r["lead"], -r["sole_lead"], -r["addressee"], -r["cooperating"], r["id"]))
    bottlenecks = []
    for row in bodies:
        if not (row["lead"] or row["per-duty"] or row["addressee"] or row["cooperating"]):
            continue
        lost = lost_tasks(ex, {row["id"]})
        leaf_lost = [t for t in ex.tasks(leaf=True) if t in lost]
        cut = _cut(ex, row["id"])
        if leaf_lost or cut:
            bottlenecks.append({**ex.ref(row["id"]), "tasks_lost": len(leaf_lost), "sole_lead": row["sole_lead"],
                                "targets_cut": [ex.ref(t) for t in cut]})
    bottlenecks.sort(key=lambda b: (-len(b["targets_cut"]), -b["tasks_lost"], -b["sole_lead"], b["id"]))
    return {"roles": list(ROLES), "chapters": [str(c) for c in CHAPTERS], "bodies": bodies,
            "bottlenecks": bottlenecks[:top],
            "method": {"zh": "按任务分工表的行计数（分句各计一行）；瓶颈指单独失效即令最多任务失去牵头或实施单位、最多目标失去全部支撑的单位。",
                       "en": "Counted over the rows of the task-responsibility matrix (each clause a row); a "
                             "bottleneck is a body whose failure alone leaves the most tasks without a lead or "
                             "carrier and the most targets without support."}}


__all__ = ["rank", "workload"]
