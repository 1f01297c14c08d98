"""Links every task to its bodies, instruments, themes, target groups, targets and deadline, each with its basis.

Three kinds of basis, never mixed up (docs/modelling.md):
- *stated*: the words are in the task's own text and are quoted (a vocabulary label, "X牵头", "鼓励X…");
- *rule-derived*: a named rule in ``graph/rules/`` (or a hierarchy / pattern rule) produced it, and says which;
- *curated*: a curator wrote it in ``graph/curated/``, with a note.
Curators can also reject an automatic link; the rejection is kept, the link is not made.

A task's own links come from ``body_roles`` (the bodies and their roles), ``concept_links`` (instruments, themes,
target groups) and ``rules`` (scope, mandate, target and deadline rules); this module applies the curators' and the
review's records to them, finds the clause-level sub-tasks and the deadlines, and gives each task its final links.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from . import reviewed
from .body_roles import body_links
from .concept_links import CONCEPT_PROPS, concept_links, implications
from .document import TaskRecord, unit_iri
from .inputs import BuildError, Inputs, file_of
from .links import Link, TaskText
from .namespaces import ELI, PLAN_IRI, QHFIN, RULE
from .rules import deadline, rule_links
from .source import normalised_with_offsets
from .vocabulary import Vocabulary

RULE_INHERIT = RULE["R-INHERIT-PARENT"]
RULE_FROM_CLAUSES = RULE["R-LEAD-FROM-CLAUSES"]


def task_text(source: str, record: TaskRecord) -> TaskText:
    """A sentence-level task as annotation reads it: its normalised text, offsets and the units above it."""
    text, offsets = normalised_with_offsets(source, record.span)
    units = frozenset(unit_iri(record.path[: i + 1]) for i in range(len(record.path)))
    return TaskText(record.iri, text, tuple(offsets), units)


def sub_tasks(inputs: Inputs, parents: dict[URIRef, TaskText]) -> Iterator[TaskText]:
    """Clause-level sub-tasks declared in graph/curated/, located inside their sentence."""
    for sub in sorted(inputs.hand.subjects(QHFIN.subTaskOf, None)):
        parent_iri = inputs.hand.value(sub, QHFIN.subTaskOf)
        where = file_of(inputs, sub, QHFIN.subTaskOf)
        parent = parents.get(parent_iri)
        if parent is None:
            raise BuildError(f"{where}: {sub} is a sub-task of {parent_iri}, which is not a sentence-level task")
        clause = str(inputs.hand.value(sub, QHFIN.sourceText) or "")
        start = parent.text.find(clause) if clause else -1
        if start < 0 or parent.text.find(clause, start + 1) >= 0:
            raise BuildError(f"{where}: {sub}: qhfin:sourceText is not found exactly once in {parent_iri}'s text")
        yield TaskText(sub, clause, parent.offsets[start : start + len(clause)], parent.units, parent_iri)


def curated_links(inputs: Inputs, task: TaskText) -> tuple[list[Link], list[tuple[URIRef, URIRef, URIRef | None]]]:
    """Links and rejections a curator wrote for this task; stated ones must quote the task's own words."""
    g = inputs.hand
    links, rejections = [], []
    def key(node: BNode) -> tuple[str, ...]:  # blank nodes have no stable order: sort by content
        return tuple(str(g.value(node, p) or "") for p in (QHFIN.linkProperty, QHFIN.linkObject, QHFIN.role, QHFIN.evidence))

    for node in sorted(g.objects(task.iri, QHFIN.curatedLink), key=key):
        prop, obj = g.value(node, QHFIN.linkProperty), g.value(node, QHFIN.linkObject)
        basis = g.value(node, QHFIN.basis) or QHFIN.Curated
        evidence = g.value(node, QHFIN.evidence)
        where = file_of(inputs, task.iri, QHFIN.curatedLink)
        if prop is None or obj is None:
            raise BuildError(f"{where}: {task.iri}: a curated link needs qhfin:linkProperty and qhfin:linkObject")
        if basis == QHFIN.Stated and (evidence is None or str(evidence) not in task.text):
            raise BuildError(f"{where}: {task.iri}: a stated link must quote words of the task (qhfin:evidence)")
        notes = tuple(sorted(g.objects(node, QHFIN.curationNote)))
        pos = task.text.find(str(evidence)) if evidence is not None else -1
        links.append(Link(task.iri, prop, obj, basis, str(evidence) if evidence is not None else None,
                          task.offsets[pos] if pos >= 0 else None, role=g.value(node, QHFIN.role),
                          order=50 + len(links), notes=notes, reviewed=reviewed.from_review(g, node)))
    for node in g.objects(task.iri, QHFIN.rejectedLink):
        rejections.append((g.value(node, QHFIN.linkProperty), g.value(node, QHFIN.linkObject),
                           g.value(node, QHFIN.role)))
    return links, rejections


def annotate_task(inputs: Inputs, vocab: Vocabulary, task: TaskText, parent_links: list[Link] | None) -> list[Link]:
    """Text → links; curation applied before the rules run, so a rejected match implies nothing and a curated
    concept implies what a matched one would."""
    curated, rejections = curated_links(inputs, task)
    overruled = reviewed.review_rejections(inputs.hand, task.iri)
    curated = reviewed.merge([lk for lk in curated if not reviewed.overturned(lk, overruled)])
    rejected = set(rejections)
    rejected_concepts = {obj for prop, obj, role in rejections if role is None}
    links = body_links(task, vocab) + concept_links(task, vocab)
    links = [lk for lk in links if not _rejected(lk, rejected) and lk.via not in rejected_concepts]
    for link in curated:
        links.append(link)
        if link.prop in CONCEPT_PROPS:
            links += implications(task, vocab, link.prop, link.obj, link.evidence, link.offset)
    links += rule_links(task, vocab, links)
    links = [lk for lk in links if lk.basis == QHFIN.Curated or not _rejected(lk, rejected)]
    links = dedupe(links)
    if not any(lk.role == QHFIN.Lead for lk in links) and parent_links:
        for lk in parent_links:
            if lk.role == QHFIN.Lead:
                links.append(Link(task.iri, lk.prop, lk.obj, QHFIN.RuleDerived, lk.evidence, lk.offset,
                                  rule=RULE_INHERIT, role=QHFIN.Lead, order=lk.order))
    try:
        return reviewed.confirm(task.iri, links, reviewed.confirmations(inputs.hand, task.iri), rejected - overruled)
    except ValueError as exc:
        raise BuildError(f"{file_of(inputs, task.iri, QHFIN.confirmedLink)}: {exc}") from exc


def _rejected(link: Link, rejected: set) -> bool:
    return (link.prop, link.obj, None) in rejected or (link.prop, link.obj, link.role) in rejected


def dedupe(links: Iterable[Link]) -> list[Link]:
    """One link per (property, object, role, basis), the first one found; a body keeps one rule-derived role."""
    seen: dict[tuple, Link] = {}
    for link in links:
        seen.setdefault((*link.key, link.basis), link)
    kept = list(seen.values())
    bodies = [lk for lk in kept if lk.prop == QHFIN.responsibleBody]
    stated = {(lk.obj, lk.role) for lk in bodies if lk.basis != QHFIN.RuleDerived}
    leads = {lk.obj for lk in bodies if lk.role == QHFIN.Lead and lk.basis != QHFIN.RuleDerived}
    rule_leads = {lk.obj for lk in bodies if lk.role == QHFIN.Lead}
    result = []
    for link in kept:
        if link.prop == QHFIN.responsibleBody and link.basis == QHFIN.RuleDerived and (
            (link.obj, link.role) in stated
            or (link.obj in leads and link.role in (QHFIN.Lead, QHFIN.Cooperating))
            or (link.obj in rule_leads and link.role == QHFIN.Cooperating)
        ):
            continue
        result.append(link)
    return result


def leads_from_clauses(all_links: dict[URIRef, list[Link]], subs: list[TaskText]) -> None:
    """A sentence with no lead of its own takes its clauses' leads (R-LEAD-FROM-CLAUSES), in clause order."""
    for parent in dict.fromkeys(s.parent for s in subs):
        if any(lk.role == QHFIN.Lead for lk in all_links[parent]):
            continue
        seen: set[URIRef] = set()
        for sub in sorted((s for s in subs if s.parent == parent), key=lambda s: s.offsets[0]):
            for lk in all_links[sub.iri]:
                if lk.role == QHFIN.Lead and lk.obj not in seen:
                    seen.add(lk.obj)
                    all_links[parent].append(Link(parent, lk.prop, lk.obj, QHFIN.RuleDerived, rule=RULE_FROM_CLAUSES,
                                                  role=QHFIN.Lead, order=len(seen)))


def add_sub_task(plan: Graph, sub: TaskText, hand: Graph) -> None:
    parent = sub.parent
    plan.add((sub.iri, QHFIN.startOffset, Literal(sub.offsets[0])))
    plan.add((sub.iri, QHFIN.endOffset, Literal(sub.offsets[-1] + 1)))
    plan.add((sub.iri, DCTERMS.isPartOf, PLAN_IRI))
    plan.add((sub.iri, SKOS.notation, Literal(str(sub.iri).rsplit("/", 1)[-1])))
    order = plan.value(parent, QHFIN.order)
    plan.add((sub.iri, QHFIN.order, Literal(int(order))))
    plan.add((sub.iri, ELI.is_part_of, parent))


def add_deadline(plan: Graph, inputs: Inputs, vocab: Vocabulary, task: TaskText) -> None:
    stated = inputs.hand.value(task.iri, QHFIN.deadline)
    if stated is not None:
        if str(stated) not in task.text:
            where = file_of(inputs, task.iri, QHFIN.deadline)
            raise BuildError(f"{where}: {task.iri}: qhfin:deadline “{stated}” is not in the task's text")
        plan.add((task.iri, QHFIN.deadlineBasis, QHFIN.Stated))
        return
    found = deadline(task, vocab)
    if found is None:
        return
    wording, year, rule = found
    plan.add((task.iri, QHFIN.deadline, wording))
    if year is not None:
        plan.add((task.iri, QHFIN.deadlineYear, year))
    plan.add((task.iri, QHFIN.deadlineBasis, QHFIN.RuleDerived))
    plan.add((task.iri, QHFIN.deadlineRule, rule))

