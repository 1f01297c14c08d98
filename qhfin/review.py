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

from .namespaces import QHFIN
from .plan_tasks import doc_path, leaf_tasks
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


def item_nodes(graph: Graph, task: URIRef, notation: str) -> Iterator[tuple[URIRef, dict]]:
    """Every reviewable link of a task: its qualified node and the item a reviewer judges."""
    for node in graph.objects(task, QHFIN.involvement):
        kind = ROLE_KIND.get(graph.value(node, QHFIN.role))
        if kind is None:
            continue
        yield node, _item(graph, node, notation, kind, graph.value(node, QHFIN.body))
    for node in graph.objects(task, QHFIN.qualifiedLink):
        prop = graph.value(node, QHFIN.linkProperty)
        basis = graph.value(node, QHFIN.basis)
        if prop == QHFIN.contributesTo:
            yield node, _item(graph, node, notation, "target", graph.value(node, QHFIN.linkObject))
        elif prop == QHFIN.supportsTheme and basis == QHFIN.RuleDerived:
            obj = graph.value(node, QHFIN.linkObject)
            if any(graph.value(n, QHFIN.basis) == QHFIN.Stated and graph.value(n, QHFIN.linkObject) == obj
                   for n in graph.objects(task, QHFIN.qualifiedLink)):
                continue  # the text states this theme itself: nothing to review
            yield node, _item(graph, node, notation, "theme", obj)


def _items(graph: Graph, task: URIRef, notation: str) -> Iterator[dict]:
    for _node, item in item_nodes(graph, task, notation):
        yield item


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


# --- the judgements read back: agreement before adjudication, and the final decisions --------------------------------

NOT_ADDED = "not-added"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def by_item(records: list[dict]) -> dict[str, dict]:
    """One judgement per item; a second judgement of the same item by the same reviewer is an error, not a vote."""
    found: dict[str, dict] = {}
    for r in records:
        if r["item"] in found:
            raise ValueError(f"{r['item']}: judged twice by the same reviewer / 同一审阅人重复判断")
        found[r["item"]] = r
    return found


def category(judgement: dict | None) -> str:
    """The category κ compares: keep, reject, replace:<new object> (two replacements agree only on the same
    object), add, or not-added (the item exists only because the other reviewer added it)."""
    if judgement is None:
        return NOT_ADDED
    if judgement["decision"] == "replace":
        return f"replace:{judgement.get('replacement') or ''}"
    return judgement["decision"]


def kind_of(item: str) -> str:
    return item.split("|")[1]


def cohen_kappa(pairs: list[tuple[str, str]]) -> tuple[float, float | None]:
    """(observed agreement, Cohen's κ) of two raters' categories; κ is None where chance agreement is 1 (both
    raters used one and the same category throughout: κ is undefined, not perfect)."""
    n = len(pairs)
    if n == 0:
        return 0.0, None
    observed = sum(a == b for a, b in pairs) / n
    cats = {c for pair in pairs for c in pair}
    chance = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in cats)
    if chance >= 1:
        return observed, None
    return observed, (observed - chance) / (1 - chance)


def agreement(a: list[dict], b: list[dict], packet_items: set[str]) -> list[dict]:
    """κ per link kind. The universe of a kind is every packet item of that kind (both reviewers judged each one)
    plus every item either reviewer added; an item one reviewer added is not-added for the other."""
    ja, jb = by_item(a), by_item(b)
    universe = sorted(packet_items | set(ja) | set(jb))
    table = []
    for kind in (*KINDS, "all"):
        items = [i for i in universe if kind in ("all", kind_of(i))]
        pairs = [(category(ja.get(i)), category(jb.get(i))) for i in items]
        judged = [(category(ja.get(i)), category(jb.get(i))) for i in items if i in packet_items]
        po, kappa = cohen_kappa(pairs)
        po_j, kappa_j = cohen_kappa(judged)
        table.append({"kind": kind, "items": len(items), "packet_items": len(judged),
                      "added_items": len(items) - len(judged), "agree": sum(x == y for x, y in pairs),
                      "observed": po, "kappa": kappa, "observed_packet": po_j, "kappa_packet": kappa_j})
    return table


def final_decisions(a: list[dict], b: list[dict], adjudication: list[dict], strict: bool = True) -> dict[str, dict]:
    """Item → the decision that stands: the reviewers' own where they agree, the adjudicator's where they differ.
    A disagreement the adjudication does not decide is an error (``strict``; nothing is guessed) or, before the
    adjudication exists, left out."""
    ja, jb = by_item(a), by_item(b)
    adj = by_item(adjudication)
    final = {}
    for item in sorted(set(ja) | set(jb)):
        x, y = ja.get(item), jb.get(item)
        if category(x) == category(y):
            decided = {**x, "source": "agreed", "sided_with": "both", "reason_b": y["reason"]}
        elif item in adj:
            decided = {**(x or y), **adj[item], "source": "adjudicated"}
        elif strict:
            raise ValueError(f"{item}: the reviewers differ and no adjudication decides it / 分歧未经裁定")
        else:
            continue
        if decided["decision"] != NOT_ADDED:
            final[item] = decided
    return final
