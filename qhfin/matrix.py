"""The 任务分工表 (task-responsibility matrix): one data function, many writers (see ``qhfin.writers``).

Rows follow the plan's order; 重点任务 is the paragraph's lead phrase (or the nearest heading), 具体措施 the task's
verbatim text. Bodies can be shown as named in 2021 or as after the 2023 reform of the financial regulators; the
latter is marked as derived, since the plan never uses those names.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from . import status
from .bodies import Concern, concerns, how_text
from .duties import moved_name
from .errors import QhfinError
from .namespaces import ELI, ORG, QHFIN
from .resolve import Resolver, label

ERAS = ("2021", "2023")
LEVELS = ("task", "paragraph")
COLUMNS = [  # (key, zh, en)
    ("seq", "序号", "No."),
    ("id", "任务编号", "Task ID"),
    ("chapter", "章节", "Chapter / section"),
    ("key_task", "重点任务", "Key task"),
    ("measure", "具体措施", "Specific measure"),
    ("lead", "牵头单位", "Lead unit(s)"),
    ("cooperating", "配合单位", "Cooperating unit(s)"),
    ("addressees", "实施主体", "Addressed actors"),
    ("deadline", "完成时限", "Deadline"),
    ("targets", "关联指标", "Related targets"),
    ("instruments", "政策工具", "Policy instruments"),
    ("source", "原文出处", "Source"),
    ("lead_basis", "牵头依据", "Basis of the lead"),
    ("review_status", "审定状态", "Review status"),
]

# what the matrix's row count counts (not measures: a sentence split into clauses is one row per clause)
COUNT_OF = {"task": {"key": "row", "zh": "行：每句一行，分为分句的句子每个分句一行",
                     "en": "rows: one per sentence, or one per clause where a sentence is split into clauses"},
            "paragraph": {"key": "paragraph", "zh": "行：每段一行", "en": "rows: one per paragraph"}}
CONCERNS_COLUMN = ("concerns", "与所选单位的关系", "How it concerns the body asked for")  # with a body filter only


@dataclass(frozen=True)
class Filters:
    chapter: str | None = None  # "4" or "4-1" or "4-1-2"
    theme: str | None = None
    body: str | None = None
    instrument: str | None = None
    direct: bool = False  # with body: leave out the tasks addressed to the groups it belongs to


class MatrixError(QhfinError, ValueError):
    """A filter that names nothing; the message is in Chinese and English."""


def _ordered(graph: Graph, task: URIRef, role: URIRef) -> list[tuple[URIRef, str]]:
    """Bodies in a role, in the order listed, each with the status of its link (see ``qhfin.status``)."""
    found: dict[URIRef, tuple[int, list[str]]] = {}
    for node in graph.objects(task, QHFIN.involvement):
        if graph.value(node, QHFIN.role) == role:
            order = graph.value(node, QHFIN.order)
            body = graph.value(node, QHFIN.body)
            first, keys = found.get(body, (999, []))
            found[body] = (min(first, int(order) if order is not None else 999), keys + [status.node_status(graph, node)])
    return [(body, status.strongest(keys)) for body, (_o, keys) in sorted(found.items(), key=lambda x: (x[1][0], str(x[0])))]


def _target_status(graph: Graph, task: URIRef) -> list[str]:
    keys = [status.node_status(graph, n) for n in graph.objects(task, QHFIN.qualifiedLink)
            if graph.value(n, QHFIN.linkProperty) == QHFIN.contributesTo]
    return sorted(keys, key=status.STRENGTH.index)  # strongest first, whatever order the graph was read in


def _review_status(leads: list, cooperating: list, targets: list[str]) -> str:
    """审定状态: how each kind of link in the row came about, e.g. 牵头：规则·已审定；配合：审定、原文."""
    parts = []
    for name, keys in (("牵头", [k for _b, k in leads]), ("配合", [k for _b, k in cooperating]), ("指标", targets)):
        if keys:
            parts.append(f"{name}：" + "、".join(status.zh(k) for k in dict.fromkeys(keys)))
    return "；".join(parts)


def _successor(graph: Graph, body: URIRef) -> URIRef | None:
    for event in graph.objects(body, ORG.changedBy):
        result = graph.value(event, ORG.resultingOrganization)
        if result is not None:
            return result
    return None


def _body_name(graph: Graph, body: URIRef, era: str) -> str:
    name = label(graph, body)
    if era == "2023" and (successor := _successor(graph, body)) is not None:
        certainty = graph.value(graph.value(body, ORG.changedBy), QHFIN.certainty)
        mark = "（2023年改革后名称，推导" + ("，未经证实" if certainty == QHFIN.Unconfirmed else "") + "）"
        return label(graph, successor) + mark
    return name


def doc_path(graph: Graph, task: URIRef) -> list[URIRef]:
    """Document units from the chapter down to the paragraph holding the task."""
    units, node = [], graph.value(task, ELI.is_part_of)
    while node is not None and (node, RDF.type, QHFIN.Task) in graph:
        node = graph.value(node, ELI.is_part_of)
    while node is not None and (node, RDF.type, QHFIN.Plan) not in graph:
        units.insert(0, node)
        node = graph.value(node, ELI.is_part_of)
    return units


def _chapter_label(graph: Graph, units: list[URIRef]) -> str:
    parts = []
    for unit in units:
        written = graph.value(unit, QHFIN.numberAsWritten)
        if written is not None:
            parts.append(str(written))
    return "".join(parts)


def _key_task(graph: Graph, units: list[URIRef]) -> str:
    for unit in reversed(units):
        for prop in (QHFIN.leadPhrase, QHFIN.heading):
            value = graph.value(unit, prop)
            if value is not None:
                return str(value)
    return ""


def _notation(graph: Graph, task: URIRef) -> str:
    return str(graph.value(task, SKOS.notation))


def sentence_tasks(graph: Graph) -> list[URIRef]:
    """Sentence-level tasks in plan order."""
    return sorted(
        (t for t in graph.subjects(RDF.type, QHFIN.Task) if graph.value(t, QHFIN.subTaskOf) is None),
        key=lambda t: int(graph.value(t, QHFIN.order)),
    )


def leaf_tasks(graph: Graph) -> list[URIRef]:
    """Tasks in plan order; a sentence split into clauses is represented by its clauses."""
    result = []
    for sentence in sentence_tasks(graph):
        subs = sorted(graph.subjects(QHFIN.subTaskOf, sentence), key=lambda t: int(graph.value(t, QHFIN.startOffset)))
        result.extend(subs or [sentence])
    return result


def _matches(graph: Graph, task: URIRef, prop: URIRef, iri: URIRef) -> bool:
    parent = graph.value(task, QHFIN.subTaskOf)
    return (task, prop, iri) in graph or (parent is not None and (parent, prop, iri) in graph and prop != QHFIN.responsibleBody)


def _selected(graph: Graph, task: URIRef, filters: Filters, resolver: Resolver) -> Concern | bool:
    """False, or True — or, with a body filter, how the task concerns the body (itself, succeeded, via a group)."""
    if filters.chapter:
        wanted = filters.chapter.split("-")
        have = _notation(graph, task).split(".")[0].split("-")
        if have[: len(wanted)] != wanted:
            return False
    for kind, value, prop in (("theme", filters.theme, QHFIN.supportsTheme),
                              ("instrument", filters.instrument, QHFIN.usesInstrument)):
        if value and not _matches(graph, task, prop, _resolve(resolver, kind, value)):
            return False
    if filters.body:
        body = _resolve(resolver, "body", filters.body)
        return next((c for c in concerns(graph, body, filters.direct) if (task, QHFIN.responsibleBody, c.iri) in graph),
                    False)
    return True


def _resolve(resolver: Resolver, kind: str, value: str) -> URIRef:
    try:
        return resolver.resolve(kind, value)
    except LookupError as exc:
        raise MatrixError(str(exc)) from exc


def _named(graph: Graph, items: list[tuple[URIRef, str]], era: str, task: URIRef,
           exclude: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(IRI, cell name) per body, each once; in the 2023 era a duty the reform moved (where the move is attested)
    names its new owner, so a body may appear under a new IRI, and a body and its renamed predecessor count as one
    (the cell that says why the duty moved wins)."""
    seen: dict[str, tuple[str, str]] = {}  # key (the body as of the era) -> (IRI, name)
    for body, _status in items:
        moved = moved_name(graph, task, body) if era == "2023" else None
        iri = moved[1] if moved and moved[1] is not None else str(body)
        key = iri if moved and moved[1] is not None else _same_as(graph, body) if era == "2023" else iri
        if key in exclude:
            continue
        if key not in seen or moved:
            seen[key] = (seen[key][0] if key in seen else iri, moved[0] if moved else _body_name(graph, body, era))
    return list(seen.values())


def _same_as(graph: Graph, body: URIRef) -> str:
    """The body as of 2023 where an attested reorganisation made it another (an unconfirmed one merges nothing)."""
    event = graph.value(body, ORG.changedBy)
    if event is not None and graph.value(event, QHFIN.certainty) == QHFIN.Attested:
        return str(_successor(graph, body) or body)
    return str(body)


def _keys(graph: Graph, named: list[tuple[str, str]], era: str) -> tuple[str, ...]:
    return tuple(_same_as(graph, URIRef(i)) if era == "2023" else i for i, _ in named)


def _labels(graph: Graph, task: URIRef, prop: URIRef) -> list[str]:
    parent = graph.value(task, QHFIN.subTaskOf)
    objs = set(graph.objects(task, prop)) | (set(graph.objects(parent, prop)) if parent is not None else set())
    return sorted(label(graph, o) for o in objs)


def _source_ref(graph: Graph, task: URIRef, units: list[URIRef], start: int) -> str:
    """Where to find the task in the printed plan: 第四章一、(一)第1段第2句."""
    notation = _notation(graph, task)
    parts = notation.split(".")[0].split("-")
    clause = f"第{notation.split('.')[1]}分句" if "." in notation else ""
    return f"{_chapter_label(graph, units)}第{parts[3]}段第{parts[4]}句{clause}（原文第{start}字符起）"


def row(graph: Graph, task: URIRef, era: str = "2021") -> dict:
    units = doc_path(graph, task)
    leads = _ordered(graph, task, QHFIN.Lead)
    cooperating = _ordered(graph, task, QHFIN.Cooperating) + _ordered(graph, task, QHFIN.PerDuty)
    addressees = _ordered(graph, task, QHFIN.Addressee)
    lead_named = _named(graph, leads, era, task)
    coop_named = _named(graph, cooperating, era, task, exclude=_keys(graph, lead_named, era))
    start = int(graph.value(task, QHFIN.startOffset))
    return {
        "id": _notation(graph, task),
        "iri": str(task),
        "chapter": _chapter_label(graph, units),
        "key_task": _key_task(graph, units),
        "measure": str(graph.value(task, QHFIN.sourceText)),
        "label": label(graph, task),
        "label_en": label(graph, task, "en"),
        "lead": [name for _i, name in lead_named],
        "lead_ids": [i for i, _name in lead_named],
        "cooperating": [name for _i, name in coop_named],
        "cooperating_ids": [i for i, _name in coop_named],
        "addressees": [name for _i, name in _named(graph, addressees, era, task)],
        "deadline": str(graph.value(task, QHFIN.deadline) or ""),
        "targets": _labels(graph, task, QHFIN.contributesTo),
        "instruments": _labels(graph, task, QHFIN.usesInstrument),
        "source": _source_ref(graph, task, units, start),
        "lead_basis": "、".join(dict.fromkeys(status.zh(k) for _, k in leads)),
        "review_status": _review_status(leads, cooperating, _target_status(graph, task)),
        "path": [str(u) for u in units],
    }


def matrix(graph: Graph, filters: Filters = Filters(), level: str = "task", era: str = "2021",
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
        if concern := _selected(graph, task, filters, resolver):
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
                bodies.setdefault(body, _body_name(graph, URIRef(body), era))
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


def text_of(value: object) -> str:
    """A cell as a spreadsheet shows it: lists joined with 、."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, Literal):
        return str(value)
    return "" if value is None else str(value)


__all__ = ["COLUMNS", "Filters", "MatrixError", "matrix", "row", "text_of"]
