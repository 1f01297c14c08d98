"""“哪些措施支持乡村振兴？” — the measures that match a theme, instrument, body, target or text, each with the why.

One data function; the CLI, the JSON API and the pages render what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .matrix import doc_path, sentence_tasks
from .namespaces import QHFIN
from .resolve import Resolver, label
from .status import en as status_en
from .status import node_status
from .status import zh as status_zh

BASIS_NAME = {QHFIN.Stated: "stated", QHFIN.RuleDerived: "rule", QHFIN.Curated: "curated"}
ROLE_NAME = {QHFIN.Lead: "lead", QHFIN.Cooperating: "cooperating", QHFIN.Addressee: "addressee",
             QHFIN.PerDuty: "per-duty", QHFIN.Mentioned: "mentioned"}
ROLE_ZH = {"lead": "牵头", "cooperating": "配合", "addressee": "实施主体", "per-duty": "按职责分工负责", "mentioned": "提及"}
FILTERS = (("theme", QHFIN.supportsTheme), ("instrument", QHFIN.usesInstrument), ("body", QHFIN.responsibleBody),
           ("target", QHFIN.contributesTo), ("group", QHFIN.targetsGroup))


@dataclass(frozen=True)
class Query:
    theme: str | None = None
    instrument: str | None = None
    body: str | None = None
    target: str | None = None
    group: str | None = None
    q: str | None = None
    role: str | None = None  # with body: only this role
    chapter: str | None = None


def why(graph: Graph, task: URIRef, prop: URIRef, obj: URIRef) -> list[dict]:
    """Every reason the task has this link, plan statements first."""
    reasons = []
    for node in graph.objects(task, QHFIN.involvement if prop == QHFIN.responsibleBody else QHFIN.qualifiedLink):
        if graph.value(node, QHFIN.linkProperty) != prop or graph.value(node, QHFIN.linkObject) != obj:
            continue
        basis = BASIS_NAME.get(graph.value(node, QHFIN.basis), "unknown")
        evidence = graph.value(node, QHFIN.evidence)
        via, rule = graph.value(node, QHFIN.viaConcept), graph.value(node, QHFIN.rule)
        reason = {"basis": basis, "evidence": str(evidence) if evidence is not None else None,
                  "offset": _int(graph.value(node, QHFIN.evidenceOffset))}
        if via is not None:
            reason["via"] = {"id": str(via), "label": label(graph, via), "kind": _kind(graph, via)}
        if rule is not None:
            reason["rule"] = {"id": str(rule), "notation": str(graph.value(rule, SKOS.notation) or ""),
                              "label": label(graph, rule)}
        role = graph.value(node, QHFIN.role)
        if role is not None:
            reason["role"] = ROLE_NAME.get(role)
        reason["zh"], reason["en"] = _explain(reason, label(graph, obj))
        notes = [str(n) for n in graph.objects(node, QHFIN.curationNote) if isinstance(n, Literal)]
        if notes:
            reason["note"] = notes
        key = node_status(graph, node)
        reason["status"], reason["status_zh"], reason["status_en"] = key, status_zh(key), status_en(key)
        reason["reviewed"] = (node, QHFIN.reviewStatus, QHFIN.Reviewed) in graph
        review = [n for n in notes if n.startswith("复审")]
        if review:
            reason["zh"] += f"；{review[0]}"
        reasons.append(reason)
    order = {"stated": 0, "curated": 1, "rule": 2}
    return sorted(reasons, key=lambda r: (order.get(r["basis"], 3), r.get("offset") or 0))


def _int(value: object) -> int | None:
    return int(value) if value is not None else None


def _kind(graph: Graph, iri: URIRef) -> str:
    for cls, name in ((QHFIN.Theme, "theme"), (QHFIN.Instrument, "instrument"), (QHFIN.TargetGroup, "group"),
                      (QHFIN.Body, "body"), (QHFIN.BodyGroup, "body"), (QHFIN.Target, "target"), (QHFIN.Task, "task")):
        if (iri, RDF.type, cls) in graph:
            return name
    return "other"


def _explain(reason: dict, obj_label: str) -> tuple[str, str]:
    ev = reason.get("evidence") or ""
    if reason["basis"] == "stated":
        return f"原文写明“{ev}”", f"stated in the text: “{ev}”"
    if reason["basis"] == "curated":
        return "人工审定", "curated"
    if "via" in reason:
        via = reason["via"]["label"]
        kind_zh = {"instrument": "政策工具", "group": "服务对象", "theme": "下位概念"}.get(reason["via"]["kind"], "概念")
        return (f"经由{kind_zh}“{via}”（原文“{ev}”）推导为“{obj_label}”",
                f"via the {reason['via']['kind']} “{via}” (text: “{ev}”), derived as “{obj_label}”")
    rule = reason.get("rule", {})
    trigger_zh, trigger_en = (f"（依据：“{ev}”）", f" (trigger: “{ev}”)") if ev else ("", "")
    return (f"依规则{rule.get('notation', '')}“{rule.get('label', '')}”推导{trigger_zh}",
            f"derived by rule {rule.get('notation', '')}{trigger_en}")


def summary(graph: Graph, task: URIRef) -> dict:
    """A task as the API and the pages show it."""
    bodies = []
    for node in graph.objects(task, QHFIN.involvement):
        body = graph.value(node, QHFIN.body)
        bodies.append((_int(graph.value(node, QHFIN.order)) or 0, {
            "id": str(body), "label": label(graph, body), "label_en": label(graph, body, "en"),
            "role": ROLE_NAME.get(graph.value(node, QHFIN.role)),
            "basis": BASIS_NAME.get(graph.value(node, QHFIN.basis)),
        }))
    seen, ordered = set(), []
    for _order, b in sorted(bodies, key=lambda x: (x[0], x[1]["id"], x[1]["role"] or "")):
        if (b["id"], b["role"]) not in seen:
            seen.add((b["id"], b["role"]))
            ordered.append(b)
    return {
        "id": str(task),
        "notation": str(graph.value(task, SKOS.notation)),
        "label": label(graph, task),
        "label_en": label(graph, task, "en"),
        "text": str(graph.value(task, QHFIN.sourceText)),
        "path": [{"id": str(u), "label": label(graph, u)} for u in doc_path(graph, task)],
        "bodies": ordered,
        "instruments": _concepts(graph, task, QHFIN.usesInstrument),
        "themes": _concepts(graph, task, QHFIN.supportsTheme),
        "groups": _concepts(graph, task, QHFIN.targetsGroup),
        "targets": _concepts(graph, task, QHFIN.contributesTo),
        "deadline": str(graph.value(task, QHFIN.deadline) or ""),
    }


def _concepts(graph: Graph, task: URIRef, prop: URIRef) -> list[dict]:
    return [{"id": str(o), "label": label(graph, o), "label_en": label(graph, o, "en")}
            for o in sorted(graph.objects(task, prop), key=lambda o: label(graph, o))]


class QueryError(ValueError):
    """A parameter names nothing; message in Chinese and English."""


def measures(graph: Graph, query: Query, resolver: Resolver | None = None) -> dict:
    """Sentence-level tasks matching every given filter, in plan order, each with why it matched."""
    resolver = resolver or Resolver(graph)
    wanted: list[tuple[str, URIRef, URIRef]] = []
    for name, prop in FILTERS:
        value = getattr(query, name)
        if value:
            try:
                wanted.append((name, prop, resolver.resolve(name, value)))
            except LookupError as exc:
                raise QueryError(str(exc)) from exc
    results = []
    for task in sentence_tasks(graph):  # a measure is a sentence; its clauses are shown on its page
        if query.chapter and not str(graph.value(task, SKOS.notation)).startswith(query.chapter.rstrip("-") + "-"):
            continue
        reasons = []
        ok = True
        for name, prop, iri in wanted:
            holders = _holders(graph, task, prop, iri) if name != "body" else [task] if (task, prop, iri) in graph else []
            if not holders:
                ok = False
                break
            found = [_in_clause(graph, h, r) if h != task else r for h in holders for r in why(graph, h, prop, iri)]
            if name == "body" and query.role:
                found = [r for r in found if r.get("role") == query.role]
                if not found:
                    ok = False
                    break
            reasons += [{"filter": name, "concept": str(iri), **r} for r in found]
        if not ok:
            continue
        if query.q and not _text_match(graph, task, query.q):
            continue
        if query.q:
            reasons.append({"filter": "q", "basis": "text", "evidence": query.q,
                            "zh": f"原文或标签含“{query.q}”", "en": f"text or label contains “{query.q}”"})
        results.append({**summary(graph, task), "why": reasons})
    return {"query": {k: v for k, v in query.__dict__.items() if v}, "count": len(results), "results": results}


def _holders(graph: Graph, task: URIRef, prop: URIRef, iri: URIRef) -> list[URIRef]:
    """The sentence, or else those of its clauses that have the link: a sentence answers for what a clause of it
    does (a matrix row is a clause; the 信用户/村/乡/县 campaign is one clause of 4-1-3-1-1)."""
    if (task, prop, iri) in graph:
        return [task]
    clauses = graph.subjects(QHFIN.subTaskOf, task)
    return sorted((c for c in clauses if (c, prop, iri) in graph), key=lambda c: int(graph.value(c, QHFIN.startOffset) or 0))


def _in_clause(graph: Graph, clause: URIRef, reason: dict) -> dict:
    notation = str(graph.value(clause, SKOS.notation))
    return {**reason, "clause": notation, "zh": f"分句{notation}：{reason['zh']}", "en": f"clause {notation}: {reason['en']}"}


def _text_match(graph: Graph, task: URIRef, text: str) -> bool:
    needle = text.strip().lower()
    haystacks = [str(graph.value(task, QHFIN.sourceText))] + [str(x) for x in graph.objects(task, SKOS.prefLabel)]
    haystacks += [str(x) for x in graph.objects(task, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))]
    return any(needle in h.lower() for h in haystacks)
