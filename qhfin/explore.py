"""What depends on what, what a failure reaches, and why: the questions asked of the typed graph.

Influence does not follow the RDF arrows everywhere, so each predicate says which way a failure travels
(``FLOW``): a body or an instrument that fails reaches the tasks that rely on it; a task that stalls reaches the
targets it drives, the themes and groups it serves, the tasks that depend on it, and the sentence it is a clause
of; a narrower concept reaches its broader one (a member body reaches its group). A task's paragraph is where it
is written, not something it relies on, so ``is_part_of`` carries nothing.

Every answer is a dict (the CLI, the JSON API and the page render the same one); every step of every path says
which link it follows, on what basis (stated / rule / curated) and with the plan's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .errors import QhfinError
from .explain import explain_step
from .impact import BASIS_RANK, ROLE_RANK, rdf_to_networkx
from .namespaces import QHFIN
from .resolve import NotFound, Resolver, normalise_name
from .terms import KIND_ZH
from .text import quoted

if TYPE_CHECKING:  # networkx is imported where it is used: the service starts without it
    import networkx as nx

    from .reader import Reader

FLOW = {  # predicate → which way a failure travels along its triples: "forward" s → o, "reverse" o → s
    "responsibleBody": "reverse",
    "usesInstrument": "reverse",
    "dependsOn": "reverse",
    "contributesTo": "forward",
    "supportsTheme": "forward",
    "targetsGroup": "forward",
    "subTaskOf": "forward",
    "broader": "forward",
}
DIRECTIONS = ("downstream", "upstream")
NAME_ORDER = ("task", "target", "body", "instrument", "theme", "group")  # an ambiguous name means the first kind
TYPE_ORDER = {k: i for i, k in enumerate(("task", "target", "theme", "group", "instrument", "body", "paragraph"))}
CARRIERS = ("per-duty", "addressee", "cooperating")  # who carries a task that names no lead; a mention carries nothing
Edge = tuple[str, str, str]  # (subject, object, key) of an edge of the typed graph


class ExploreError(QhfinError, ValueError):
    """A name that names nothing or several things (404; an ambiguous one lists its candidates in the detail), or an
    argument out of range (400)."""

    STATUS = {"unknown-name": 404, "ambiguous-name": 404}

    def __init__(self, zh: str, en: str, code: str = "bad-argument", candidates: list[dict] | None = None) -> None:
        detail = "；".join(f"{c['label']} <{c['id']}>" for c in candidates or []) or None
        super().__init__(zh, en, detail)
        self.code, self.candidates, self.status = code, candidates or [], self.STATUS.get(code, 400)


@dataclass
class Explorer:
    """The typed graph and its influence adjacency, built once per RDF graph and shared by every question."""

    net: nx.MultiDiGraph
    resolver: Resolver
    # each target's value and the names of its indicator (保险深度3.8% finds it), read once from the RDF graph, which
    # is then not kept: the typed graph and these are all a question needs
    target_facts: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    down: dict[str, list[tuple[str, Edge]]] = field(default_factory=dict)
    up: dict[str, list[tuple[str, Edge]]] = field(default_factory=dict)
    _tasks: dict[bool, list[str]] = field(default_factory=dict)

    @classmethod
    def from_reader(cls, reader: Reader, resolver: Resolver | None = None) -> Explorer:
        """Built from one named query through the engine (``queries/explorer-graph.rq``): the typed things, their
        links with the reasons for them, and every name they answer to — so a resolver over it alone finds them."""
        return cls.from_graph(reader.graph("explorer-graph"), resolver)

    @classmethod
    def from_graph(cls, graph: Graph, resolver: Resolver | None = None) -> Explorer:
        ex = cls(rdf_to_networkx(graph), resolver or Resolver(graph))
        for target in ex.of_kind("target"):
            indicator = graph.value(URIRef(target), QHFIN.indicator)
            names = frozenset(normalise_name(str(x)) for p in (SKOS.prefLabel, SKOS.altLabel)
                              for x in graph.objects(indicator, p))
            ex.target_facts[target] = (str(graph.value(URIRef(target), QHFIN.targetValue)), names)
        for s, o, key, pred in ex.net.edges(keys=True, data="predicate"):
            way = FLOW.get(pred)
            if way is None:
                continue
            a, b = (s, o) if way == "forward" else (o, s)
            ex.down.setdefault(a, []).append((b, (s, o, key)))
            ex.up.setdefault(b, []).append((a, (s, o, key)))
        for adjacency in (ex.down, ex.up):
            for steps in adjacency.values():
                steps.sort(key=lambda step: (ex.edge_rank(step[1]), step[0]))
        return ex

    # ---- nodes and names ------------------------------------------------------------------------------------
    def kind(self, node: str) -> str:
        return self.net.nodes[node]["kind"]

    def ref(self, node: str) -> dict:
        data = self.net.nodes[node]
        ref = {"id": node, "label": data["label"], "label_en": data["label_en"], "type": data["kind"]}
        if data["kind"] in ("task", "paragraph"):
            ref["notation"] = data["notation"]
        return ref

    def name(self, node: str) -> str:
        """How an explanation names a node: 任务4-2-3-1-2“加强政府性融资担保体系建设”, 单位“省农担公司”."""
        data = self.net.nodes[node]
        if data["kind"] in ("task", "paragraph"):
            return f"{KIND_ZH[data['kind']]}{data['notation']}{quoted(data['label'])}"
        return f"{KIND_ZH[data['kind']]}{quoted(data['label'])}"

    def tasks(self, leaf: bool = False) -> list[str]:
        """Tasks in plan order; with ``leaf``, a sentence split into clauses is represented by its clauses."""
        if leaf not in self._tasks:
            found = [n for n, k in self.net.nodes(data="kind") if k == "task"]
            if leaf:
                found = [t for t in found if not any(k == "subTaskOf" for _, _, k in self.net.in_edges(t, keys=True))]
            self._tasks[leaf] = sorted(found, key=lambda t: (self.net.nodes[t]["order"], self.net.nodes[t]["notation"]))
        return list(self._tasks[leaf])

    def of_kind(self, kind: str) -> list[str]:
        return sorted(n for n, k in self.net.nodes(data="kind") if k == kind)

    def find(self, name: str) -> str:
        """A node from anything a person would type: an IRI, a notation, a name or alias of any kind, or a target
        by its indicator and value (保险深度3.8%). Raises ExploreError, listing the candidates when ambiguous."""
        name = name.strip()
        if name in self.net:
            return name
        for kind in NAME_ORDER:
            try:
                iri = str(self.resolver.resolve(kind, name))
            except NotFound:
                continue
            if iri in self.net:
                return iri
        if (target := self._target_by_value(name)) is not None:
            return target
        hits = [str(i) for _k, i in self.resolver.search(name, NAME_ORDER) if str(i) in self.net]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise ExploreError(f"“{name}”可指多个节点，请写得更具体", f"“{name}” matches several nodes; be more specific",
                               "ambiguous-name", [self.ref(h) for h in hits[:12]])
        raise ExploreError(f"未找到“{name}”", f"nothing is named “{name}”", "unknown-name")

    def _target_by_value(self, name: str) -> str | None:
        """保险深度3.8% → the target whose indicator is named 保险深度 and whose value is 3.8."""
        match = re.match(r"^(?P<words>.*?)(约|达到|突破|超过)?(?P<value>\d+(?:\.\d+)?)\s*(%|％|亿元|万元|元/人|家|个)?$",
                         name.strip())
        if not match or not match["words"]:
            return None
        words, value = normalise_name(match["words"]), Decimal(match["value"])
        found = []
        for target in self.of_kind("target"):
            target_value, indicator_names = self.target_facts.get(target, ("", frozenset()))
            names = {*indicator_names, normalise_name(self.net.nodes[target]["label"])}
            try:
                same = Decimal(target_value) == value
            except InvalidOperation:
                same = False
            if same and any(words in n for n in names):
                found.append(target)
        return found[0] if len(found) == 1 else None

    # ---- edges and their explanation -------------------------------------------------------------------------
    def edge_rank(self, edge: Edge) -> tuple:
        data = self.net.edges[edge]
        return BASIS_RANK.get(data["basis"], 3), ROLE_RANK.get(data.get("role", ""), 0), edge

    def step(self, edge: Edge, frm: str, to: str) -> dict:
        """One hop of a path, in the direction the question travels, explained in both languages
        (``qhfin.explain``)."""
        return explain_step(self, edge, frm, to)


def walk(ex: Explorer, start: str, direction: str, depth: int | None = None) -> dict[str, tuple[int, str | None, Edge | None]]:
    """Breadth-first along the influence: node → (distance, parent, edge). Among equally short ways in, the one
    whose link is best founded (stated before curated before rule) explains the node. A member reaches its group
    but not the group's group, as the measures and the matrix count membership (``qhfin.bodies``)."""
    adjacency = ex.down if direction == "downstream" else ex.up
    reached: dict[str, tuple[int, str | None, Edge | None]] = {start: (0, None, None)}
    frontier, distance = [start], 0
    while frontier and (depth is None or distance < depth):
        distance += 1
        best: dict[str, tuple[tuple, str, Edge]] = {}
        for node in frontier:
            came_by_group = reached[node][2] is not None and ex.net.edges[reached[node][2]]["predicate"] == "broader"
            for nxt, edge in adjacency.get(node, ()):
                if nxt in reached or (came_by_group and ex.net.edges[edge]["predicate"] == "broader"):
                    continue  # one step through a group, never a climb: 省农担公司 → 省级担保公司, not on to 地方金融组织
                rank = ex.edge_rank(edge)
                if nxt not in best or rank < best[nxt][0]:
                    best[nxt] = (rank, node, edge)
        for nxt, (_rank, parent, edge) in best.items():
            reached[nxt] = (distance, parent, edge)
        frontier = sorted(best)
    return reached


def _path(ex: Explorer, reached: dict, node: str) -> list[dict]:
    steps = []
    while (entry := reached[node])[1] is not None:
        _d, parent, edge = entry
        steps.append(ex.step(edge, parent, node))
        node = parent
    return steps[::-1]


def _order(ex: Explorer, node: str) -> tuple:
    data = ex.net.nodes[node]
    return TYPE_ORDER.get(data["kind"], 9), data.get("order", 0), data.get("notation", ""), node


def impact(ex: Explorer, node: str, direction: str = "downstream", depth: int | None = None) -> dict:
    """Downstream: what is affected if the node stalls or is withdrawn. Upstream: what the node relies on.
    Each result with its distance and the path that reaches it, explained edge by edge."""
    if direction not in DIRECTIONS:
        raise ExploreError(f"方向须为 {'/'.join(DIRECTIONS)}", f"direction must be one of {', '.join(DIRECTIONS)}")
    if depth is not None and depth < 1:
        raise ExploreError("深度须为正整数", "depth must be a positive integer")
    start = ex.find(node)
    reached = walk(ex, start, direction, depth)
    affected = []
    for found in sorted((n for n in reached if n != start), key=lambda n: (reached[n][0], *_order(ex, n))):
        affected.append({**ex.ref(found), "distance": reached[found][0], "path": _path(ex, reached, found)})
    by_type: dict[str, int] = {}
    for item in affected:
        by_type[item["type"]] = by_type.get(item["type"], 0) + 1
    return {"node": ex.ref(start), "direction": direction, "depth": depth, "count": len(affected),
            "by_type": by_type, "affected": affected}


def path(ex: Explorer, a: str, b: str) -> dict:
    """How A reaches B: along the influence if it can (A's failure reaches B, or B's reaches A), else the shortest
    chain of links of any kind, which shows a connection but no influence."""
    import networkx as nx
    start, end = ex.find(a), ex.find(b)
    for direction in DIRECTIONS:
        reached = walk(ex, start, direction)
        if end in reached:
            return {"from": ex.ref(start), "to": ex.ref(end), "direction": direction, "connected": True,
                    "distance": reached[end][0], "path": _path(ex, reached, end)}
    undirected = ex.net.to_undirected(as_view=True)
    try:
        nodes = nx.shortest_path(undirected, start, end)
    except nx.NetworkXNoPath:
        return {"from": ex.ref(start), "to": ex.ref(end), "direction": None, "connected": False, "distance": None,
                "path": []}
    steps = []
    for x, y in zip(nodes, nodes[1:], strict=False):
        edges = [(x, y, k) for k in ex.net.get_edge_data(x, y, default={})] + \
                [(y, x, k) for k in ex.net.get_edge_data(y, x, default={})]
        steps.append(ex.step(min(edges, key=ex.edge_rank), x, y))
    return {"from": ex.ref(start), "to": ex.ref(end), "direction": "undirected", "connected": True,
            "distance": len(steps), "path": steps}


__all__ = ["DIRECTIONS", "FLOW", "ExploreError", "Explorer", "impact", "path", "walk"]
