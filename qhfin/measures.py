"""“哪些措施支持乡村振兴？” — the measures that match a theme, instrument, body, target or text, each with the why.

One data function; the CLI, the JSON API and the pages render what it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from .bodies import Concern, concerns, how_text
from .errors import QhfinError
from .namespaces import QHFIN
from .plan_tasks import doc_path, sentence_tasks
from .resolve import Resolver, label
from .status import en as status_en
from .status import node_status
from .status import zh as status_zh
from .terms import BASIS_NAME, ROLE_NAME
from .text import quoted, words

# what a measures count counts, said on every page and in every JSON answer that shows one
COUNT_OF = {"key": "measure", "zh": "措施：句级任务（分句的关联计入其所在的句子）",
            "en": "measures: sentence-level tasks (a clause's links count for its sentence)"}
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
    direct: bool = False  # with body: leave out the tasks addressed to the groups it belongs to


def why(graph: Graph, task: URIRef, prop: URIRef, obj: URIRef) -> list[dict]:
    """Every reason the task has this link, plan statements first."""
    reasons = []
    # in the nodes' order, not the graph's: the same answer from the whole graph and from a view of it
    for node in sorted(graph.objects(task, QHFIN.involvement if prop == QHFIN.responsibleBody else QHFIN.qualifiedLink)):
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
        notes = [str(n) for n in sorted(graph.objects(node, QHFIN.curationNote), key=_zh_first) if isinstance(n, Literal)]
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


def _zh_first(value: object) -> tuple[bool, str]:
    """Chinese first, then by text: an order that does not depend on how the graph was read."""
    return getattr(value, "language", None) != "zh", str(value)


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
        return f"原文写明{quoted(ev)}", f"stated in the text: {quoted(ev)}"
    if reason["basis"] == "curated":
        return "人工审定", "curated"
    if "via" in reason:
        via = reason["via"]["label"]
        kind_zh = {"instrument": "政策工具", "group": "服务对象", "theme": "下位概念"}.get(reason["via"]["kind"], "概念")
        return (f"经由{kind_zh}{quoted(via)}（原文{quoted(ev)}）推导为{quoted(obj_label)}",
                f"via the {reason['via']['kind']} {quoted(via)} (text: {quoted(ev)}), derived as {quoted(obj_label)}")
    rule = reason.get("rule", {})
    trigger_zh, trigger_en = (f"（依据：{quoted(ev)}）", f" (trigger: {quoted(ev)})") if ev else ("", "")
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


class QueryError(QhfinError, ValueError):
    """A parameter names nothing; message in Chinese and English."""


def measures(graph: Graph, query: Query, resolver: Resolver | None = None) -> dict:
    """Sentence-level tasks matching every given filter, in plan order, each with why it matched. A body answers
    for the bodies it succeeded and, one step, for its groups (marked, and ranked after its own tasks)."""
    resolver = resolver or Resolver(graph)
    wanted: list[tuple[str, URIRef, URIRef]] = []
    for name, prop in FILTERS:
        value = getattr(query, name)
        if value:
            try:
                wanted.append((name, prop, resolver.resolve(name, value)))
            except LookupError as exc:
                raise QueryError(str(exc)) from exc
    text = _TextQuery(graph, query.q) if query.q else None
    results = []
    for task in sentence_tasks(graph):  # a measure is a sentence; its clauses are shown on its page
        if query.chapter and not str(graph.value(task, SKOS.notation)).startswith(query.chapter.rstrip("-") + "-"):
            continue
        reasons, match = [], None
        for name, prop, iri in wanted:
            found, concern = _reasons(graph, task, name, prop, iri, query)
            if not found:
                break
            reasons += found
            match = concern if name == "body" else match
        else:
            if text is not None:
                hit = text.reason(task)
                if hit is None:
                    continue
                reasons.append(hit)
            result = {**summary(graph, task), "why": reasons}
            if match is not None:
                zh, en = how_text(graph, match)
                result["match"] = {"how": match.how, "body": {"id": str(match.iri), "label": label(graph, match.iri),
                                                              "label_en": label(graph, match.iri, "en")},
                                   "certain": match.certain, "zh": zh, "en": en}
            results.append(result)
    results.sort(key=lambda r: (r.get("match", {}).get("how") == "via", -_words_found(r)))
    answer = {"query": {k: v for k, v in query.__dict__.items() if v}, "count": len(results), "count_of": COUNT_OF,
              "results": results}
    if text is not None:
        answer["words"] = list(text.words)
    return answer


def _reasons(graph: Graph, task: URIRef, name: str, prop: URIRef, iri: URIRef, query: Query) -> tuple[list[dict], Concern | None]:
    """Why the task matches one filter; for a body, through the first of its concerns that the task names."""
    for concern in concerns(graph, iri, query.direct) if name == "body" else [Concern(iri, "direct")]:
        holders = _holders(graph, task, prop, concern.iri) if name != "body" else \
            [task] if (task, prop, concern.iri) in graph else []
        if not holders:
            continue
        found = [_in_clause(graph, h, r) if h != task else r for h in holders for r in why(graph, h, prop, concern.iri)]
        if name == "body" and query.role:
            found = [r for r in found if r.get("role") == query.role]
        if not found:
            continue
        zh, en = how_text(graph, concern)
        marked = []
        for r in found:
            r = {"filter": name, "concept": str(iri), **r}
            if zh:
                r.update(how=concern.how, through=str(concern.iri), zh=f"{zh}：{r['zh']}", en=f"{en}: {r['en']}")
            marked.append(r)
        return marked, concern
    return [], None


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


def _words_found(result: dict) -> int:
    return max((len(r.get("words", ())) for r in result["why"] if r["filter"] == "q"), default=0)


class _TextQuery:
    """Free text: the sentences that contain it; if none does, those that contain its words (jieba segmentation,
    so 生态保护 looks for 生态 and 保护, not for 生 and 态), most words first."""

    def __init__(self, graph: Graph, text: str) -> None:
        self.graph, self.text = graph, text.strip()
        self.exact = any(_haystack(graph, t, self.text.lower()) for t in sentence_tasks(graph))
        self.words = () if self.exact else tuple(w for w in words(self.text) if len(w) > 1)

    def reason(self, task: URIRef) -> dict | None:
        if self.exact:
            if not _haystack(self.graph, task, self.text.lower()):
                return None
            return {"filter": "q", "basis": "text", "evidence": self.text,
                    "zh": f"原文或标签含“{self.text}”", "en": f"text or label contains “{self.text}”"}
        found = [w for w in self.words if _haystack(self.graph, task, w)]
        if not found:
            return None
        quoted = "”“".join(found)
        return {"filter": "q", "basis": "text", "evidence": " ".join(found), "words": found,
                "zh": f"原文或标签含词语“{quoted}”（{len(found)}/{len(self.words)}）",
                "en": f"text or label contains the words “{quoted}” ({len(found)} of {len(self.words)})"}


def _haystack(graph: Graph, task: URIRef, needle: str) -> bool:
    """Whether the task's text or labels contain the (lower-case) needle."""
    haystacks = [str(graph.value(task, QHFIN.sourceText))] + [str(x) for x in graph.objects(task, SKOS.prefLabel)]
    haystacks += [str(x) for x in graph.objects(task, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))]
    return any(needle in h.lower() for h in haystacks)
