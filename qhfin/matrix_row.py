"""One row of the 任务分工表: a task's place in the plan, its text, its bodies by role, targets and instruments, and
how each of those links came about (``qhfin.status``).

重点任务 is the paragraph's lead phrase (or the nearest heading), 具体措施 the task's verbatim text. Bodies can be
named as in 2021 or as after the 2023 reform of the financial regulators; the latter is marked as derived, since the
plan never uses those names.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef

from . import status
from .duties import moved_name
from .namespaces import ORG, QHFIN
from .plan_tasks import doc_path, notation
from .resolve import label

ERAS = ("2021", "2023")
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


def body_name(graph: Graph, body: URIRef, era: str) -> str:
    name = label(graph, body)
    if era == "2023" and (successor := _successor(graph, body)) is not None:
        certainty = graph.value(graph.value(body, ORG.changedBy), QHFIN.certainty)
        mark = "（2023年改革后名称，推导" + ("，未经证实" if certainty == QHFIN.Unconfirmed else "") + "）"
        return label(graph, successor) + mark
    return name


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
            seen[key] = (seen[key][0] if key in seen else iri, moved[0] if moved else body_name(graph, body, era))
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
    written = notation(graph, task)
    parts = written.split(".")[0].split("-")
    clause = f"第{written.split('.')[1]}分句" if "." in written else ""
    return f"{_chapter_label(graph, units)}第{parts[3]}段第{parts[4]}句{clause}（原文第{start}字符起）"


def row(graph: Graph, task: URIRef, era: str = "2021") -> dict:
    """The task's row, its bodies named as in ``era`` (one of ``ERAS``)."""
    units = doc_path(graph, task)
    leads = _ordered(graph, task, QHFIN.Lead)
    cooperating = _ordered(graph, task, QHFIN.Cooperating) + _ordered(graph, task, QHFIN.PerDuty)
    addressees = _ordered(graph, task, QHFIN.Addressee)
    lead_named = _named(graph, leads, era, task)
    coop_named = _named(graph, cooperating, era, task, exclude=_keys(graph, lead_named, era))
    start = int(graph.value(task, QHFIN.startOffset))
    return {
        "id": notation(graph, task),
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


def text_of(value: object) -> str:
    """A cell as a spreadsheet shows it: lists joined with 、."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, Literal):
        return str(value)
    return "" if value is None else str(value)
