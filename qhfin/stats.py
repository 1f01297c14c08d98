"""Counts that say how complete the encoding is: by class, by chapter, by basis; and coverage of the text."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph
from rdflib.namespace import RDF, SKOS

from .namespaces import QB, QHFIN
from .source import TASK_CHAPTERS, chapter, parse


def coverage(source: str, graph: Graph) -> dict[int, float]:
    """Share of each task chapter's body characters (no headings, no blanks) inside a sentence-level task."""
    run_in = [str(graph.value(r, QHFIN.originalText)) for r in graph.subjects(QHFIN.repairKind, QHFIN.RunInParagraph)]
    plan = parse(source, run_in)
    covered = [0] * len(source)
    for task in graph.subjects(RDF.type, QHFIN.Task):
        if graph.value(task, QHFIN.subTaskOf) is not None:
            continue
        for i in range(int(graph.value(task, QHFIN.startOffset)), int(graph.value(task, QHFIN.endOffset))):
            covered[i] += 1
    result = {}
    for number in TASK_CHAPTERS:
        unit = chapter(plan, number)
        headings = set()
        for u in unit.walk():
            if u.title is not None and u.kind != "chapter":
                headings.update(range(u.title.start, u.title.end + 1))
        body = [i for i in range(unit.title.end, unit.span.end) if not source[i].isspace() and i not in headings
                and not _heading_line(source, i)]
        result[number] = sum(1 for i in body if covered[i] == 1) / len(body) if body else 0.0
    return result


def _heading_line(source: str, i: int) -> bool:
    """Characters of a heading line (第X章…, 一、…, (一)…) that are not body text."""
    start = source.rfind("\n", 0, i) + 1
    line = source[start : source.find("\n", i)]
    head = line.split("。", 1)[0]
    return (i - start) <= len(head) and (line.startswith("第") and "章" in line[:4]
                                        or line[:2].endswith("、") or line.startswith("("))


def counts(graph: Graph) -> dict[str, object]:
    classes = Counter()
    for cls in (QHFIN.Task, QHFIN.Body, QHFIN.BodyGroup, QHFIN.Instrument, QHFIN.Theme, QHFIN.TargetGroup,
                QHFIN.Target, QHFIN.Indicator, QHFIN.Paragraph, QHFIN.MandateRule, QHFIN.ScopeRule,
                QHFIN.DataQualityFinding, QHFIN.SourceRepair):
        classes[cls.split("#")[-1]] = len(set(graph.subjects(RDF.type, cls)))
    classes["Observation"] = len(set(graph.subjects(RDF.type, QB.Observation)))
    by_chapter = Counter()
    sub_tasks = 0
    for task in graph.subjects(RDF.type, QHFIN.Task):
        if graph.value(task, QHFIN.subTaskOf) is not None:
            sub_tasks += 1
            continue
        by_chapter[f"ch{str(graph.value(task, SKOS.notation)).split('-')[0]}"] += 1
    links = Counter()
    for node in set(graph.subjects(QHFIN.basis, None)):
        prop = graph.value(node, QHFIN.linkProperty)
        if prop is None:
            continue
        role = graph.value(node, QHFIN.role)
        kind = prop.split("#")[-1] + (f"/{role.split('#')[-1]}" if role is not None else "")
        links[f"{kind} · {graph.value(node, QHFIN.basis).split('#')[-1]}"] += 1
    return {"classes": dict(classes), "tasks_by_chapter": dict(sorted(by_chapter.items())),
            "sub_tasks": sub_tasks, "links": dict(sorted(links.items())), "triples": len(graph)}
