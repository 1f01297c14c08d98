"""The blind double review of the 任务分工表: what each reviewer is shown, and how their judgements are read back.

Every lead, cooperating body, target link and rule-derived theme of every matrix row is an *item*. Two reviewers
judge every item independently (keep / reject / replace, with a one-line reason in Chinese) and may add links the
rules missed; a third pass decides where they differ. Their raw judgements stay in ``graph/review/`` so that the
agreement (Cohen's κ per link kind) can be recomputed at any time; the decisions become curated data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .matrix import doc_path, leaf_tasks
from .namespaces import QHFIN
from .resolve import label

KINDS = ("lead", "cooperating", "target", "theme")
ROLE_KIND = {QHFIN.Lead: "lead", QHFIN.Cooperating: "cooperating", QHFIN.PerDuty: "cooperating"}


def local(iri: URIRef | str) -> str:
    """``body:pboc-xining`` for the body's IRI: the short form reviewers read and write."""
    text = str(iri)
    for kind in ("body", "target", "theme", "rule", "instrument", "group"):
        marker = f"/id/{kind}/"
        if marker in text:
            return f"{kind}:{text.split(marker, 1)[1]}"
    return text


def item_id(task: str, kind: str, obj: str) -> str:
    return f"{task}|{kind}|{obj}"


def _unit_text(graph: Graph, unit: URIRef) -> str:
    parts = [str(graph.value(unit, p) or "") for p in (QHFIN.numberAsWritten, QHFIN.heading)]
    return "".join(parts).strip()


def _items(graph: Graph, task: URIRef, notation: str) -> Iterator[dict]:
    for node in graph.objects(task, QHFIN.involvement):
        kind = ROLE_KIND.get(graph.value(node, QHFIN.role))
        if kind is None:
            continue
        yield _item(graph, node, notation, kind, graph.value(node, QHFIN.body))
    for node in graph.objects(task, QHFIN.qualifiedLink):
        prop = graph.value(node, QHFIN.linkProperty)
        basis = graph.value(node, QHFIN.basis)
        if prop == QHFIN.contributesTo:
            yield _item(graph, node, notation, "target", graph.value(node, QHFIN.linkObject))
        elif prop == QHFIN.supportsTheme and basis == QHFIN.RuleDerived:
            obj = graph.value(node, QHFIN.linkObject)
            if (None, QHFIN.linkObject, obj) in graph and any(
                graph.value(n, QHFIN.basis) == QHFIN.Stated and graph.value(n, QHFIN.linkObject) == obj
                for n in graph.objects(task, QHFIN.qualifiedLink)
            ):
                continue  # the text states this theme itself: nothing to review
            yield _item(graph, node, notation, "theme", obj)


def _item(graph: Graph, node: URIRef, notation: str, kind: str, obj: URIRef) -> dict:
    rule = graph.value(node, QHFIN.rule)
    via = graph.value(node, QHFIN.viaConcept)
    return {
        "item": item_id(notation, kind, local(obj)),
        "kind": kind,
        "object": local(obj),
        "label": label(graph, obj),
        "basis": local(graph.value(node, QHFIN.basis) or "").split("#")[-1],
        "rule": local(rule) if rule is not None else "",
        "via": f"{local(via)} {label(graph, via)}" if via is not None else "",
    }


def packet(graph: Graph) -> list[dict]:
    """One entry per matrix row: the text a reviewer reads and the items to judge, in plan order."""
    rows = []
    for task in leaf_tasks(graph):
        notation = str(graph.value(task, SKOS.notation))
        parent = graph.value(task, QHFIN.subTaskOf)
        units = doc_path(graph, task)
        paragraph = units[-1] if units else None
        items = {i["item"]: i for i in _items(graph, task, notation)}
        mentioned = sorted(
            {f"{local(graph.value(n, QHFIN.body))} {label(graph, graph.value(n, QHFIN.body))}"
             for n in graph.objects(task, QHFIN.involvement)
             if graph.value(n, QHFIN.role) in (QHFIN.Mentioned, QHFIN.Addressee)}
        )
        rows.append({
            "task": notation,
            "headings": [t for t in (_unit_text(graph, u) for u in units[:-1]) if t],
            "paragraph": str(graph.value(paragraph, QHFIN.sourceText) or "") if paragraph is not None else "",
            "sentence": str(graph.value(parent or task, QHFIN.sourceText)),
            "clause": str(graph.value(task, QHFIN.sourceText)) if parent is not None else "",
            "named_in_text": mentioned,
            "items": sorted(items.values(), key=lambda i: (KINDS.index(i["kind"]), i["object"])),
        })
    return rows


def write_packet(graph: Graph, path: Path) -> int:
    rows = packet(graph)
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def vocabulary(graph: Graph) -> list[str]:
    """Every body, body group and target a reviewer may name, one per line: ``body:x 名称 (kind)``."""
    lines = []
    for cls, kind in ((QHFIN.Body, "body"), (QHFIN.BodyGroup, "group of bodies"), (QHFIN.Target, "target"),
                      (QHFIN.Theme, "theme")):
        for iri in sorted(set(graph.subjects(RDF.type, cls))):
            lines.append(f"{local(iri)}\t{label(graph, iri)}\t{label(graph, iri, 'en')}\t{kind}")
    return lines
