"""Writing the built dataset: each link as a triple in its basis's graph plus a qualified record in the plan graph,
the hand-written data, the source repairs, and the dataset's own description.

Deterministic as the build must be: link and rejection records get IRIs made from their content, never blank nodes.
"""

from __future__ import annotations

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID, XSD

from .config import Config
from .inputs import Inputs
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
    QHFIN,
)
from .source import Unit

BASIS_GRAPH = {QHFIN.Stated: GRAPH_STATED, QHFIN.RuleDerived: GRAPH_DERIVED, QHFIN.Curated: GRAPH_CURATED}


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


def copy_hand(ds: Dataset, inputs: Inputs) -> None:
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


def add_repairs(ds: Dataset, inputs: Inputs, plan_unit: Unit, texts: list[TaskText]) -> None:
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


def add_dataset_description(ds: Dataset, config: Config) -> None:
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
