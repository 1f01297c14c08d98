"""Data checks that SHACL expresses badly, run on the typed graph and reported, never hidden: cycles in
``qhfin:dependsOn``, tasks that drive no target, targets no task drives, and concepts nothing links to.
"""

from __future__ import annotations

from .explore import Explorer


def _linked(ex: Explorer, node: str, predicate: str) -> set[str]:
    return {s for s, _, d in ex.net.in_edges(node, data=True) if d["predicate"] == predicate}


def dependency_cycles(ex: Explorer) -> list[list[str]]:
    """Every elementary cycle of dependsOn, each starting at its smallest IRI: a task cannot wait on itself."""
    import networkx as nx
    deps = nx.DiGraph((s, o) for s, o, d in ex.net.edges(data=True) if d["predicate"] == "dependsOn")
    cycles = []
    for cycle in nx.simple_cycles(deps):
        first = cycle.index(min(cycle))
        cycles.append(cycle[first:] + cycle[:first])
    return sorted(cycles)


def checks(ex: Explorer) -> dict:
    family: dict[str, set[str]] = {}  # a task with its sentence and its clauses: one of them driving a target is enough
    for task in ex.tasks():
        family[task] = {task} | {o for _, o, k in ex.net.out_edges(task, keys=True) if k == "subTaskOf"} | \
                       {s for s, _, k in ex.net.in_edges(task, keys=True) if k == "subTaskOf"}
    drives = {t for t in ex.tasks() if any(d["predicate"] == "contributesTo" for *_, d in ex.net.out_edges(t, data=True))}
    no_target = [t for t in ex.tasks(leaf=True) if not family[t] & drives]
    no_task = [t for t in ex.of_kind("target") if not _linked(ex, t, "contributesTo")]
    isolated = []
    for kind, predicate in (("theme", "supportsTheme"), ("instrument", "usesInstrument"), ("group", "targetsGroup"),
                            ("body", "responsibleBody")):
        for node in ex.of_kind(kind):
            if kind == "body" and not ex.net.nodes[node]["named_in_plan"]:
                continue  # successors after the 2023 reform are background, not the plan's
            narrower = {s for s, _, d in ex.net.in_edges(node, data=True) if d["predicate"] == "broader"}
            if not any(_linked(ex, n, predicate) for n in narrower | {node}):
                isolated.append(node)
    cycles = dependency_cycles(ex)
    return {
        "dependency_cycles": [[ex.ref(t) for t in c] for c in cycles],
        "tasks_without_target": [ex.ref(t) for t in no_target],
        "targets_without_task": [ex.ref(t) for t in no_task],
        "isolated_concepts": [ex.ref(n) for n in isolated],
        "summary": {"dependency_cycles": len(cycles), "tasks_without_target": len(no_target),
                    "tasks": len(ex.tasks(leaf=True)), "targets_without_task": len(no_task),
                    "targets": len(ex.of_kind("target")), "isolated_concepts": len(isolated)},
    }


__all__ = ["checks", "dependency_cycles"]
