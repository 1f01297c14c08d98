"""The typed graph for other tools: GraphML and GEXF (Gephi, yEd), Cytoscape.js JSON (the explorer page), and a
static SVG/PNG picture of one node's neighbourhood.

GraphML and GEXF ids must be XML name tokens, which IRIs are not (they hold ``/``), so nodes are numbered in IRI
order (``n0``, ``n1`` …) and carry their IRI in an ``iri`` attribute; edges keep their predicate and basis.
"""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING

from .explore import ExploreError, Explorer, walk
from .terms import KIND_ZH, ROLE_ZH

if TYPE_CHECKING:  # networkx is imported where it is used: the service starts without it
    import networkx as nx

FORMATS = {  # name → (media type, file suffix)
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "cytoscape": ("application/json", "cyjs"),
    "svg": ("image/svg+xml", "svg"),
    "png": ("image/png", "png"),
}
GRAPH_FORMATS = ("graphml", "gexf", "cytoscape")
PICTURE_FORMATS = ("svg", "png")
COLOURS = {"task": "#4e79a7", "paragraph": "#bab0ac", "body": "#f28e2b", "instrument": "#59a14f", "theme": "#b07aa1",
           "group": "#76b7b2", "target": "#e15759"}
FLOW_ZH = {"usesInstrument": "被使用", "dependsOn": "被依赖", "contributesTo": "推动", "supportsTheme": "服务",
           "targetsGroup": "服务对象", "subTaskOf": "分句属于", "broader": "属于"}  # read along the arrow


def numbered(net: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph with XML-safe ids (``n0``…, ``e0``…); the IRI moves to the ``iri`` attribute."""
    import networkx as nx
    mapping = {node: f"n{i}" for i, node in enumerate(sorted(net))}
    out = nx.relabel_nodes(net, mapping, copy=True)
    for node, new in mapping.items():
        out.nodes[new]["iri"] = node
    for i, (_s, _o, data) in enumerate(sorted(out.edges(data=True), key=lambda e: (e[0], e[1], e[2]["predicate"],
                                                                                  e[2].get("role", "")))):
        data["id"] = f"e{i}"
    out.graph = {}
    return out


def graphml(ex: Explorer) -> bytes:
    import networkx as nx
    buffer = io.BytesIO()
    nx.write_graphml(numbered(ex.net), buffer, encoding="utf-8", prettyprint=True, named_key_ids=True,
                     edge_id_from_attribute="id")
    return buffer.getvalue()


def gexf(ex: Explorer) -> bytes:
    """GEXF 1.2 (Gephi). networkx always writes ``<graph name="">``, which the GEXF 1.2 schema does not allow
    (networkx issue #3573), so that one attribute is taken out again."""
    import networkx as nx
    buffer = io.BytesIO()
    nx.write_gexf(numbered(ex.net), buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    return re.sub(rb'(<graph\b[^>]*?) name="[^"]*"', rb"\1", buffer.getvalue(), count=1)


def positions(ex: Explorer) -> dict[str, tuple[float, float]]:
    """A fixed overview, left to right the way failures travel: bodies, instruments and paragraphs, then the tasks
    in plan order (one block per chapter), then targets, themes and groups. Fixed, so the page opens at once."""
    dx, dy, width = 110.0, 60.0, 12
    by_kind: dict[str, list[str]] = {}
    for node in sorted(ex.net, key=lambda n: (ex.net.nodes[n].get("order", 0), ex.net.nodes[n].get("notation", ""), n)):
        by_kind.setdefault(ex.kind(node), []).append(node)
    pos: dict[str, tuple[float, float]] = {}
    row = 0
    tasks = by_kind.get("task", [])
    for chapter in sorted({ex.net.nodes[t]["chapter"] for t in tasks}):
        block = [t for t in tasks if ex.net.nodes[t]["chapter"] == chapter]
        for i, task in enumerate(block):
            pos[task] = ((i % width) * dx, (row + i // width) * dy)
        row += -(-len(block) // width) + 1
    per_column = max(10, row)
    for kinds, x, way in ((("paragraph", "instrument", "body"), -2 * dx, -1), (("target", "theme", "group"), (width + 1) * dx, 1)):
        for kind in kinds:
            nodes = by_kind.get(kind, [])
            for i, node in enumerate(nodes):
                pos[node] = (x + way * (i // per_column) * 1.6 * dx, (i % per_column) * dy)
            if nodes:
                x += way * (-(-len(nodes) // per_column) + 0.5) * 1.6 * dx
    return pos


def cytoscape(ex: Explorer) -> dict:
    """Cytoscape.js elements (``nx.cytoscape_data``) with fixed positions, a class per kind and an edge id each."""
    import networkx as nx
    data = nx.cytoscape_data(ex.net)
    pos = positions(ex)
    for element in data["elements"]["nodes"]:
        x, y = pos[element["data"]["id"]]
        element["position"] = {"x": round(x, 1), "y": round(y, 1)}
        node = element["data"]
        element["classes"] = node["kind"]
        short = node["label"] if len(node["label"]) <= 12 else node["label"][:11] + "…"
        node["short"] = f"{node['notation']} {short}" if node["kind"] in ("task", "paragraph") else short
        node.pop("text", None)  # the task page shows the text
    for i, element in enumerate(data["elements"]["edges"]):
        element["data"]["id"] = f"e{i}"
        element["classes"] = element["data"]["predicate"]
    data["kinds"] = [{"kind": k, "zh": KIND_ZH[k], "colour": c} for k, c in COLOURS.items()]
    return data


def cytoscape_json(ex: Explorer) -> bytes:
    return json.dumps(cytoscape(ex), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def neighbourhood(ex: Explorer, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """The node, what it relies on and what relies on it within ``depth`` steps (upstream at negative distance);
    a node with no influence links (a paragraph) shows its plain neighbours instead."""
    import networkx as nx
    up, down = walk(ex, node, "upstream", depth), walk(ex, node, "downstream", depth)
    keep = {n: -d for n, (d, _p, _e) in up.items()} | {n: d for n, (d, _p, _e) in down.items()}
    if len(keep) == 1:
        keep |= {n: 1 for n in nx.all_neighbors(ex.net, node)}
    sub = ex.net.subgraph(keep).copy()
    nx.set_node_attributes(sub, keep, "distance")
    return sub


def scene(ex: Explorer, node: str, depth: int = 1) -> dict:
    """What a picture of a node's neighbourhood shows, as plain data (``qhfin.drawing.draw`` draws it, in this
    process or another): columns left to right the way failures travel, boxes coloured by kind, arrows named by the
    link they follow."""
    sub = neighbourhood(ex, node, depth)
    columns: dict[int, list[str]] = {}
    for n, d in sorted(sub.nodes(data="distance"), key=lambda x: (x[1], ex.net.nodes[x[0]]["kind"], x[0])):
        columns.setdefault(d, []).append(n)
    pos = {n: (d * 4.0, -(i - (len(ns) - 1) / 2) * 1.0) for d, ns in columns.items() for i, n in enumerate(ns)}
    edges: dict[tuple[str, str], str] = {}
    for a in sub:
        for b, edge in ex.down.get(a, ()):
            if b in sub and (a, b) not in edges:
                data = ex.net.edges[edge]
                edges[(a, b)] = ROLE_ZH[data["role"]] if "role" in data else FLOW_ZH[data["predicate"]]
    boxes = []
    for n, (x, y) in pos.items():
        data = ex.net.nodes[n]
        text = data["label"] if len(data["label"]) <= 16 else data["label"][:15] + "…"
        if data["kind"] in ("task", "paragraph"):
            text = f"{data['notation']} {text}"
        boxes.append({"id": n, "x": x, "y": y, "text": text, "colour": COLOURS[data["kind"]], "focus": n == node})
    return {"boxes": boxes, "edges": [[a, b, label] for (a, b), label in edges.items()],
            "title": f"{ex.name(node)}：上游（左）与下游（右）/ upstream (left) and downstream (right)",
            "size": (4 + 3.2 * len(columns), 1.5 + 0.55 * max(len(ns) for ns in columns.values()))}


def picture(ex: Explorer, node: str, fmt: str = "svg", depth: int = 1) -> bytes:
    """A node's neighbourhood drawn in this process (the CLI); the service draws in a child process."""
    from .drawing import draw

    return draw(scene(ex, node, depth), fmt)


def export(ex: Explorer, fmt: str, node: str | None = None, depth: int = 1) -> bytes:
    """Bytes in one of ``FORMATS``; the pictures need a node."""
    if fmt == "graphml":
        return graphml(ex)
    if fmt == "gexf":
        return gexf(ex)
    if fmt == "cytoscape":
        return cytoscape_json(ex)
    if fmt not in PICTURE_FORMATS:
        raise ExploreError(f"不支持的格式“{fmt}”，可用：{'、'.join(FORMATS)}", f"unknown format “{fmt}”: use {', '.join(FORMATS)}")
    if not node:
        raise ExploreError("图片须指定节点（node）", "a picture needs a node")
    if depth < 1 or depth > 3:
        raise ExploreError("图片的深度须为1至3", "a picture's depth must be 1 to 3")
    return picture(ex, ex.find(node), fmt, depth)


__all__ = ["FORMATS", "GRAPH_FORMATS", "PICTURE_FORMATS", "cytoscape", "export", "gexf", "graphml",
           "neighbourhood", "numbered", "picture", "positions", "scene"]
