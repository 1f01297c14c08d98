"""Who answers for a body's tasks: the body itself, the bodies it succeeded, and — one step — the groups it belongs to.

A policy officer asking for 国家金融监督管理总局青海监管局 in 2026 means the tasks the plan (2021) gave its predecessor,
青海银保监局; asking for 青海银行 she also means the tasks the plan addresses to 地方法人银行, a group the bank belongs
to. Membership is one step (a body's direct ``skos:broader`` groups): climbing on, every guarantee company would end
up answering for every local financial organisation. Successions follow ``org:ChangeEvent`` (``org:resultedFrom`` /
``org:originalOrganization``) and keep their certainty: an unconfirmed reform is said to be unconfirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .namespaces import ORG, QHFIN
from .resolve import label

HOW = {"direct": ("本单位", "itself"), "succeeds": ("承继", "succeeds"), "via": ("经由", "via")}


@dataclass(frozen=True)
class Concern:
    """A body whose tasks concern the asked one, and how: itself, a predecessor it succeeds, or a group it is in."""

    iri: URIRef
    how: str  # direct | succeeds | via
    certain: bool = True


def _is_body(graph: Graph, iri: object) -> bool:
    return any((iri, RDF.type, c) in graph for c in (QHFIN.Body, QHFIN.BodyGroup))


def change(graph: Graph, body: URIRef, direction: str) -> list[tuple[URIRef, URIRef]]:
    """(other body, event) for the bodies this one became ("after") or came from ("before"), one reform step."""
    found = []
    if direction == "after":
        for event in graph.objects(body, ORG.changedBy):
            found += [(o, event) for o in graph.objects(event, ORG.resultingOrganization)]
        for event in graph.subjects(ORG.originalOrganization, body):
            found += [(o, event) for o in graph.objects(event, ORG.resultingOrganization)]
    else:
        for event in graph.objects(body, ORG.resultedFrom):
            found += [(o, event) for o in graph.objects(event, ORG.originalOrganization)]
        for event in graph.subjects(ORG.resultingOrganization, body):
            found += [(o, event) for o in graph.objects(event, ORG.originalOrganization)]
    return sorted(set(found))


def _certain(graph: Graph, event: URIRef) -> bool:
    return graph.value(event, QHFIN.certainty) != QHFIN.Unconfirmed


def groups(graph: Graph, body: URIRef) -> list[URIRef]:
    """The groups a body belongs to directly (one step), in label order."""
    return sorted((g for g in graph.objects(body, SKOS.broader) if _is_body(graph, g)), key=lambda g: label(graph, g))


def concerns(graph: Graph, body: URIRef, direct: bool = False) -> list[Concern]:
    """The bodies whose tasks answer a question about ``body``, best first: itself, every body it succeeded (and
    theirs), then its groups unless ``direct``."""
    found = [Concern(body, "direct")]
    frontier, certain = [(body, True)], {body: True}
    while frontier:
        current, sure = frontier.pop(0)
        for before, event in change(graph, current, "before"):
            if before not in certain:
                certain[before] = sure and _certain(graph, event)
                found.append(Concern(before, "succeeds", certain[before]))
                frontier.append((before, certain[before]))
    if not direct:
        seen = {c.iri for c in found}
        found += [Concern(g, "via") for g in groups(graph, body) if g not in seen]
    return found


def status(graph: Graph, body: URIRef) -> dict:
    """What the body is now: its successors after the reforms (with date and certainty) and its predecessors."""
    def ref(iri: URIRef, event: URIRef) -> dict:
        date = graph.value(event, DCTERMS.date)
        return {"id": str(iri), "label": label(graph, iri), "label_en": label(graph, iri, "en"),
                "date": str(date) if isinstance(date, Literal) else None, "certain": _certain(graph, event),
                "event": str(event), "event_label": label(graph, event), "event_label_en": label(graph, event, "en")}

    return {"now": [ref(o, e) for o, e in change(graph, body, "after")],
            "before": [ref(o, e) for o, e in change(graph, body, "before")],
            "groups": [{"id": str(g), "label": label(graph, g), "label_en": label(graph, g, "en")} for g in groups(graph, body)]}


def short_label(graph: Graph, iri: URIRef) -> str:
    """The shortest Chinese name that still reads as a name (青海银保监局 rather than the full title)."""
    names = [str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(iri, p)
             if isinstance(v, Literal) and v.language == "zh" and len(str(v)) >= 4]
    return min(names, key=lambda n: (len(n), n)) if names else label(graph, iri)


def how_text(graph: Graph, concern: Concern) -> tuple[str, str]:
    """“承继 青海银保监局” / “succeeds …”, “经由 政府性融资担保机构” / “via …”; empty for the body itself."""
    if concern.how == "direct":
        return "", ""
    zh, en = HOW[concern.how]
    unsure_zh, unsure_en = ("（未经证实）", " (unconfirmed)") if not concern.certain else ("", "")
    return (f"{zh} {short_label(graph, concern.iri)}{unsure_zh}", f"{en} {label(graph, concern.iri, 'en')}{unsure_en}")


ROLE_ORDER = ("lead", "cooperating", "per-duty", "addressee", "mentioned")
ROLES = {QHFIN.Lead: "lead", QHFIN.Cooperating: "cooperating", QHFIN.PerDuty: "per-duty", QHFIN.Addressee: "addressee",
         QHFIN.Mentioned: "mentioned"}
CHAPTER_ZH = {"4": "第四章", "5": "第五章", "6": "第六章", "7": "第七章"}


def profile(graph: Graph, body: URIRef) -> dict:
    """A body in plain language: what it is, what it is now, and the tasks it leads, cooperates on or is addressed
    by (its own and those it succeeded, then those of its groups), by role and chapter."""
    roles: dict[str, dict[str, list[dict]]] = {}
    seen: set[tuple[str, str]] = set()
    for concern in concerns(graph, body):
        zh, en = how_text(graph, concern)
        for node in graph.subjects(QHFIN.body, concern.iri):
            task = next(graph.subjects(QHFIN.involvement, node), None)
            role = ROLES.get(graph.value(node, QHFIN.role))
            if task is None or role is None or graph.value(task, QHFIN.subTaskOf) is not None:
                continue
            notation = str(graph.value(task, SKOS.notation))
            if (notation, role) in seen:
                continue
            seen.add((notation, role))
            roles.setdefault(role, {}).setdefault(notation.split("-")[0], []).append({
                "id": str(task), "notation": notation, "label": label(graph, task), "label_en": label(graph, task, "en"),
                "how": concern.how, "how_zh": zh, "how_en": en})
    by_role = []
    for role in ROLE_ORDER:
        chapters = roles.get(role, {})
        by_role.append({"role": role, "count": sum(map(len, chapters.values())), "chapters": [
            {"chapter": c, "label": CHAPTER_ZH[c], "label_en": f"Chapter {c}",
             "tasks": sorted(ts, key=lambda x: (x["how"] == "via", [int(n) for n in x["notation"].split("-")]))}
            for c, ts in sorted(chapters.items())]})
    kinds = [{"id": str(k), "label": label(graph, k), "label_en": label(graph, k, "en")}
             for k in sorted(graph.objects(body, QHFIN.bodyKind), key=lambda k: label(graph, k))]
    named = graph.value(body, QHFIN.namedInPlan)
    return {"id": str(body), "label": label(graph, body), "label_en": label(graph, body, "en"),
            "definition": _text(graph, body, SKOS.definition, "zh"), "definition_en": _text(graph, body, SKOS.definition, "en"),
            "comment": _text(graph, body, RDFS.comment, "zh"), "comment_en": _text(graph, body, RDFS.comment, "en"),
            "named_in_plan": None if named is None else bool(named.toPython()), "kinds": kinds,
            "is_group": (body, RDF.type, QHFIN.BodyGroup) in graph, **status(graph, body), "roles": by_role,
            "members": [{"id": str(m), "label": label(graph, m), "label_en": label(graph, m, "en")}
                        for m in sorted(graph.subjects(SKOS.broader, body), key=lambda m: label(graph, m)) if _is_body(graph, m)]}


def _text(graph: Graph, iri: URIRef, prop: URIRef, lang: str) -> str:
    # sorted: the same text whichever order the graph was read in (the whole graph or a view of it)
    return " ".join(sorted(str(v) for v in graph.objects(iri, prop) if isinstance(v, Literal) and v.language == lang))
