"""Build the knowledge graph from the source of record and the hand-written data in ``graph/``.

Deterministic: the same inputs give an isomorphic dataset (no clocks, no blank nodes in the output, sorted
iteration), so a rebuild can be compared with what was shipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, VOID, XSD

from . import annotate, names, reviewed
from .atomic import is_data_file
from .body_roles import body_links
from .concept_links import CONCEPT_PROPS, concept_links, implications
from .config import Config
from .document import TaskRecord, structure_graph, task_graph, tasks, unit_iri
from .errors import QhfinError
from .links import Link, TaskText
from .namespaces import (
    BASE,
    DATASET,
    ELI,
    GRAPH_CURATED,
    GRAPH_DERIVED,
    GRAPH_PLAN,
    GRAPH_STATED,
    ID,
    PLAN_IRI,
    PREFIXES,
    QHFIN,
    RULE,
)
from .rules import deadline, rule_links
from .source import Span, Unit, normalised_with_offsets, parse, read_source
from .staff_graphs import STAFF_GRAPHS, add_staff_graphs
from .vocabulary import Vocabulary

BASIS_GRAPH = {QHFIN.Stated: GRAPH_STATED, QHFIN.RuleDerived: GRAPH_DERIVED, QHFIN.Curated: GRAPH_CURATED}
DATA_DIRS = ("vocab", "rules", "data", "curated")


class BuildError(QhfinError, ValueError):
    """The hand-written data contradicts the source or itself; the message names the file and the task."""


@dataclass
class Inputs:
    source: str
    hand: Graph  # ontology + every file under graph/
    files: dict[Path, Graph]


def data_files(config: Config) -> list[Path]:
    return sorted(p for d in DATA_DIRS for p in (config.graph_dir / d).glob("*.ttl") if is_data_file(p))


def read_inputs(config: Config, overrides: dict[Path, str] | None = None) -> Inputs:
    """Read the source and every data file; ``overrides`` replaces a file's text (a trial build of an import)."""
    overrides = overrides or {}
    source = read_source(config.source_file)
    hand = Graph()
    files: dict[Path, Graph] = {}
    plan_overrides = (p for p in overrides if p.parent.name not in STAFF_GRAPHS)  # staff graphs: add_staff_graphs
    for path in sorted({config.ontology_file, *data_files(config), *plan_overrides}):
        g = Graph()
        try:
            if path in overrides:
                g.parse(data=overrides[path], format="turtle")
            else:
                g.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises several types; all mean the file is not valid Turtle
            raise BuildError(f"{path}: {exc}") from exc
        files[path] = g
        hand += g
    return Inputs(source, hand, files)


def _file_of(inputs: Inputs, subject: URIRef, prop: URIRef) -> str:
    for path, g in inputs.files.items():
        if (subject, prop, None) in g:
            return str(path)
    return "graph/"


def _task_text(source: str, span: Span, units: frozenset[URIRef], iri: URIRef, parent: URIRef | None = None) -> TaskText:
    text, offsets = normalised_with_offsets(source, span)
    return TaskText(iri, text, tuple(offsets), units, parent)


def _units_of(record: TaskRecord) -> frozenset[URIRef]:
    return frozenset(unit_iri(record.path[: i + 1]) for i in range(len(record.path)))


def sub_tasks(inputs: Inputs, parents: dict[URIRef, TaskText]) -> Iterator[TaskText]:
    """Clause-level sub-tasks declared in graph/curated/, located inside their sentence."""
    for sub in sorted(inputs.hand.subjects(QHFIN.subTaskOf, None)):
        parent_iri = inputs.hand.value(sub, QHFIN.subTaskOf)
        where = _file_of(inputs, sub, QHFIN.subTaskOf)
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
        where = _file_of(inputs, task.iri, QHFIN.curatedLink)
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
    links = annotate.dedupe(links)
    if not any(lk.role == QHFIN.Lead for lk in links) and parent_links:
        for lk in parent_links:
            if lk.role == QHFIN.Lead:
                links.append(Link(task.iri, lk.prop, lk.obj, QHFIN.RuleDerived, lk.evidence, lk.offset,
                                  rule=annotate.RULE_INHERIT, role=QHFIN.Lead, order=lk.order))
    try:
        return reviewed.confirm(task.iri, links, reviewed.confirmations(inputs.hand, task.iri), rejected - overruled)
    except ValueError as exc:
        raise BuildError(f"{_file_of(inputs, task.iri, QHFIN.confirmedLink)}: {exc}") from exc


def _rejected(link: Link, rejected: set) -> bool:
    return (link.prop, link.obj, None) in rejected or (link.prop, link.obj, link.role) in rejected


def _local(iri: URIRef) -> str:
    text = str(iri)
    for prefix in (str(QHFIN._NS), BASE + "id/"):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text.rsplit("/", 1)[-1]


def link_iri(link: Link) -> URIRef:
    role = f"/{_local(link.role)}" if link.role is not None else ""
    return URIRef(f"{link.task}/link/{_local(link.prop)}/{_local(link.obj)}{role}/{_local(link.basis)}")


def emit_link(ds: Dataset, link: Link) -> None:
    plan = ds.graph(GRAPH_PLAN)
    ds.graph(BASIS_GRAPH[link.basis]).add((link.task, link.prop, link.obj))
    node = link_iri(link)
    is_body = link.prop == QHFIN.responsibleBody
    plan.add((link.task, QHFIN.involvement if is_body else QHFIN.qualifiedLink, node))
    plan.add((node, RDF.type, QHFIN.Involvement if is_body else QHFIN.LinkAssertion))
    plan.add((node, QHFIN.linkProperty, link.prop))
    plan.add((node, QHFIN.body if is_body else QHFIN.linkObject, link.obj))
    if is_body:
        plan.add((node, QHFIN.linkObject, link.obj))
    plan.add((node, QHFIN.basis, link.basis))
    if link.evidence:
        plan.add((node, QHFIN.evidence, Literal(link.evidence, lang="zh")))
    if link.offset is not None:
        plan.add((node, QHFIN.evidenceOffset, Literal(link.offset)))
    for prop, value in ((QHFIN.viaConcept, link.via), (QHFIN.rule, link.rule), (QHFIN.role, link.role)):
        if value is not None:
            plan.add((node, prop, value))
    if link.order is not None:
        plan.add((node, QHFIN.order, Literal(link.order)))
    for note in link.notes:
        plan.add((node, QHFIN.curationNote, note))
    if link.reviewed:
        plan.add((node, QHFIN.reviewStatus, QHFIN.Reviewed))
    elif link.basis == QHFIN.RuleDerived:
        plan.add((node, QHFIN.reviewStatus, QHFIN.Proposal))


def _copy_hand(ds: Dataset, inputs: Inputs) -> None:
    """Everything hand-written goes into the plan graph, except the curators' link records (turned into IRIs)."""
    plan = ds.graph(GRAPH_PLAN)
    skip: set[BNode] = set()
    for prop in (QHFIN.curatedLink, QHFIN.rejectedLink, QHFIN.confirmedLink):
        skip |= {o for o in inputs.hand.objects(None, prop) if isinstance(o, BNode)}
    for s, p, o in inputs.hand:
        if s in skip or o in skip:
            continue
        plan.add((s, p, o))
    for task, node in sorted(inputs.hand.subject_objects(QHFIN.rejectedLink)):
        prop, obj = inputs.hand.value(node, QHFIN.linkProperty), inputs.hand.value(node, QHFIN.linkObject)
        role = inputs.hand.value(node, QHFIN.role)
        suffix = f"/{_local(role)}" if role is not None else ""
        iri = URIRef(f"{task}/rejected/{_local(prop)}/{_local(obj)}{suffix}")
        plan.add((task, QHFIN.rejectedLink, iri))
        for p, o in inputs.hand.predicate_objects(node):
            plan.add((iri, p, o))
        plan.add((iri, RDF.type, QHFIN.LinkRejection))


def _repairs(ds: Dataset, inputs: Inputs, plan_unit: Unit, texts: list[TaskText]) -> None:
    """Record every removed line break, and attach the curated repairs to the tasks and units they touch."""
    g = ds.graph(GRAPH_PLAN)
    source = inputs.source
    repairs: list[tuple[URIRef, int, int]] = []
    for unit in plan_unit.walk():
        for offset in unit.line_breaks:
            end = offset
            while end < len(source) and source[end] in " \t\u3000\n":
                end += 1
            iri = ID[f"repair/line-break-{offset}"]
            if (iri, RDF.type, QHFIN.SourceRepair) in g:
                continue
            g.add((iri, RDF.type, QHFIN.SourceRepair))
            g.add((iri, QHFIN.repairKind, QHFIN.LineBreak))
            g.add((iri, QHFIN.startOffset, Literal(offset)))
            g.add((iri, QHFIN.endOffset, Literal(end)))
            g.add((iri, QHFIN.originalText, Literal(source[max(0, offset - 4) : end + 4])))
            joined = source[max(0, offset - 4) : offset] + source[end : end + 4]
            g.add((iri, QHFIN.readingText, Literal(joined, lang="zh")))
            g.add((iri, RDFS.label, Literal(f"断行（第{source.count(chr(10), 0, offset) + 1}行末）", lang="zh")))
            g.add((iri, RDFS.label, Literal(f"line break at the end of line {source.count(chr(10), 0, offset) + 1}", lang="en")))
            repairs.append((iri, offset, end))
    for iri in inputs.hand.subjects(RDF.type, QHFIN.SourceRepair):
        start = int(inputs.hand.value(iri, QHFIN.startOffset))
        repairs.append((iri, start, int(inputs.hand.value(iri, QHFIN.endOffset))))
    for task in texts:
        lo, hi = task.offsets[0], task.offsets[-1] + 1
        for iri, start, end in repairs:
            if start < hi and end > lo:
                g.add((task.iri, QHFIN.repair, iri))


def _dataset_description(ds: Dataset, config: Config) -> None:
    g = ds.graph(GRAPH_PLAN)
    d = DATASET["qhfin"]
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, DCTERMS.title, Literal("青海省“十四五”金融业发展规划任务知识图谱", lang="zh")))
    g.add((d, DCTERMS.title, Literal("Knowledge graph of the tasks of Qinghai's 14th Five-Year Financial Plan", lang="en")))
    g.add((d, RDFS.label, Literal("qhfin 知识图谱", lang="zh")))
    g.add((d, RDFS.label, Literal("qhfin knowledge graph", lang="en")))
    g.add((d, DCTERMS.source, PLAN_IRI))
    g.add((d, DCTERMS.language, Literal("zh")))
    g.add((d, VOID.uriSpace, Literal(BASE + "id/")))
    g.add((d, VOID.vocabulary, URIRef(str(QHFIN._NS))))
    g.add((PLAN_IRI, DCTERMS.title, Literal("青海省“十四五”金融业发展规划", lang="zh")))
    g.add((PLAN_IRI, DCTERMS.title, Literal("Qinghai Province 14th Five-Year Financial Industry Development Plan", lang="en")))
    g.add((PLAN_IRI, RDFS.label, Literal("青海省“十四五”金融业发展规划", lang="zh")))
    g.add((PLAN_IRI, RDFS.label, Literal("Qinghai 14th Five-Year Financial Plan", lang="en")))
    g.add((PLAN_IRI, DCTERMS.issued, Literal("2021-12-24", datatype=XSD.date)))
    g.add((PLAN_IRI, DCTERMS.date, Literal("2022-01-03", datatype=XSD.date)))
    g.add((PLAN_IRI, DCTERMS.publisher, Literal("青海省人民政府办公厅", lang="zh")))
    g.add((PLAN_IRI, DCTERMS.temporal, Literal("2021/2025")))
    g.add((PLAN_IRI, ELI.type_document, Literal("规范性文件", lang="zh")))


def build(config: Config, overrides: dict[Path, str] | None = None) -> Dataset:
    inputs = read_inputs(config, overrides)
    source = inputs.source
    run_in = [str(inputs.hand.value(r, QHFIN.originalText))
              for r in inputs.hand.subjects(QHFIN.repairKind, QHFIN.RunInParagraph)]
    plan_unit = parse(source, run_in)
    records = tasks(plan_unit, source)
    vocab = Vocabulary(inputs.hand)

    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    plan = ds.graph(GRAPH_PLAN)
    plan += structure_graph(plan_unit, source)
    plan += task_graph(records)
    _copy_hand(ds, inputs)
    plan += names.traditional_forms(inputs.hand)  # look-up only: the matching above never reads them
    _dataset_description(ds, config)
    add_staff_graphs(ds, config)  # actual figures and progress reports, each in its own named graph

    texts = {r.iri: _task_text(source, r.span, _units_of(r), r.iri) for r in records}
    subs = list(sub_tasks(inputs, texts))
    all_links: dict[URIRef, list[Link]] = {}
    for record in records:
        all_links[record.iri] = annotate_task(inputs, vocab, texts[record.iri], None)
    for sub in subs:
        all_links[sub.iri] = annotate_task(inputs, vocab, sub, all_links[sub.parent])
        _add_sub_task(plan, sub, inputs.hand)
    _leads_from_clauses(all_links, subs)
    for task in [*texts.values(), *subs]:
        links = all_links[task.iri]
        for link in sorted(links, key=lambda lk: (str(lk.prop), lk.order or 0, str(lk.obj), str(lk.basis))):
            emit_link(ds, link)
        _deadline(plan, inputs, vocab, task)
        if not any(lk.role == QHFIN.Lead for lk in links):
            plan.add((task.iri, QHFIN.needsCuration, Literal("无规则可确定牵头单位，须人工审定", lang="zh")))
            plan.add((task.iri, QHFIN.needsCuration, Literal("No rule gives a lead; a curator must decide", lang="en")))
    _repairs(ds, inputs, plan_unit, [*texts.values(), *subs])
    return ds


def _leads_from_clauses(all_links: dict[URIRef, list[Link]], subs: list[TaskText]) -> None:
    """A sentence with no lead of its own takes its clauses' leads (R-LEAD-FROM-CLAUSES), in clause order."""
    for parent in dict.fromkeys(s.parent for s in subs):
        if any(lk.role == QHFIN.Lead for lk in all_links[parent]):
            continue
        seen: set[URIRef] = set()
        for sub in sorted((s for s in subs if s.parent == parent), key=lambda s: s.offsets[0]):
            for lk in all_links[sub.iri]:
                if lk.role == QHFIN.Lead and lk.obj not in seen:
                    seen.add(lk.obj)
                    all_links[parent].append(Link(parent, lk.prop, lk.obj, QHFIN.RuleDerived, rule=annotate.RULE_FROM_CLAUSES,
                                                  role=QHFIN.Lead, order=len(seen)))


def _add_sub_task(plan: Graph, sub: TaskText, hand: Graph) -> None:
    parent = sub.parent
    plan.add((sub.iri, QHFIN.startOffset, Literal(sub.offsets[0])))
    plan.add((sub.iri, QHFIN.endOffset, Literal(sub.offsets[-1] + 1)))
    plan.add((sub.iri, DCTERMS.isPartOf, PLAN_IRI))
    plan.add((sub.iri, SKOS.notation, Literal(str(sub.iri).rsplit("/", 1)[-1])))
    order = plan.value(parent, QHFIN.order)
    plan.add((sub.iri, QHFIN.order, Literal(int(order))))
    plan.add((sub.iri, ELI.is_part_of, parent))


def _deadline(plan: Graph, inputs: Inputs, vocab: Vocabulary, task: TaskText) -> None:
    stated = inputs.hand.value(task.iri, QHFIN.deadline)
    if stated is not None:
        if str(stated) not in task.text:
            where = _file_of(inputs, task.iri, QHFIN.deadline)
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


def union(ds: Dataset) -> Graph:
    """All named graphs as one graph, for validation and for the Turtle dump."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for quad_graph in ds.graphs():
        g += quad_graph
    return g


__all__ = ["BuildError", "build", "union", "RULE"]
