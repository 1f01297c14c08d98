"""The plan's document structure as RDF: plan → chapters → sections → subsections → paragraphs → tasks.

IRIs follow docs/modelling.md; they are made from the numbers the plan prints, so they stay stable as long as the
source of record does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from .namespaces import ELI, PLAN_IRI, QHFIN, TASK
from .source import TASK_CHAPTERS, Span, Unit, normalise

KIND_CLASS = {
    "chapter": QHFIN.Chapter,
    "section": QHFIN.Section,
    "subsection": QHFIN.Subsection,
    "paragraph": QHFIN.Paragraph,
    "footnote": QHFIN.Footnote,
}
KIND_SEGMENT = {"chapter": "ch", "section": "s", "subsection": "ss", "paragraph": "p", "footnote": "fn"}
KIND_EN = {"chapter": "Chapter", "section": "§", "subsection": "", "paragraph": "¶", "footnote": "note"}


@dataclass(frozen=True)
class TaskRecord:
    """One sentence-level task as the structure gives it, before annotation."""

    iri: URIRef
    notation: str
    span: Span
    text: str
    paragraph: URIRef
    path: tuple[Unit, ...]  # chapter … paragraph
    order: int  # position in plan order, from 1


def unit_iri(path: tuple[Unit, ...]) -> URIRef:
    parts = "/".join(f"{KIND_SEGMENT[u.kind]}{u.number}" for u in path)
    return URIRef(f"{PLAN_IRI}/{parts}")


def task_notation(path: tuple[Unit, ...], sentence: int) -> str:
    """C-S-U-P-N with 0 for a level the text does not have."""
    numbers = {u.kind: u.number for u in path}
    levels = ("chapter", "section", "subsection", "paragraph")
    return "-".join(str(numbers.get(level, 0)) for level in levels) + f"-{sentence}"


def _walk(unit: Unit, path: tuple[Unit, ...]) -> Iterator[tuple[Unit, tuple[Unit, ...]]]:
    for child in unit.children:
        child_path = (*path, child)
        yield child, child_path
        yield from _walk(child, child_path)


def tasks(plan: Unit, source: str) -> list[TaskRecord]:
    """Every sentence of the body text of Chapters 4–7, in plan order."""
    records: list[TaskRecord] = []
    for unit, path in _walk(plan, ()):
        if unit.kind != "paragraph" or path[0].kind != "chapter" or path[0].number not in TASK_CHAPTERS:
            continue
        for sentence in unit.sentences:
            notation = task_notation(path, sentence.number)
            records.append(
                TaskRecord(
                    TASK[notation],
                    notation,
                    sentence.span,
                    sentence.span.text(source),
                    unit_iri(path),
                    path,
                    len(records) + 1,
                )
            )
    return records


def _label_en(path: tuple[Unit, ...]) -> str:
    chapter = path[0]
    parts = [f"Chapter {chapter.number}"] if chapter.kind == "chapter" else []
    for unit in path[1:]:
        parts.append({"section": f"§{unit.number}", "subsection": f"({unit.number})",
                      "paragraph": f"¶{unit.number}", "footnote": f"note {unit.number}"}[unit.kind])
    return " ".join(parts) if parts else f"Preamble ¶{path[-1].number}"


def _label_zh(unit: Unit, source: str) -> str:
    heading = unit.title.text(source).rstrip("。") if unit.title else ""
    if unit.kind == "paragraph":
        return heading or f"第{unit.number}段"
    if unit.kind == "footnote":
        return f"脚注{unit.number_as_written}"
    return f"{unit.number_as_written}{heading}"


def structure_graph(plan: Unit, source: str) -> Graph:
    """Triples for the plan and all its subdivisions, with headings, numbers, order and offsets."""
    g = Graph()
    g.add((PLAN_IRI, RDF.type, QHFIN.Plan))
    for unit, path in _walk(plan, ()):
        iri = unit_iri(path) if path[0].kind == "chapter" else URIRef(f"{PLAN_IRI}/p{unit.number}")
        parent = unit_iri(path[:-1]) if len(path) > 1 else PLAN_IRI
        g.add((iri, RDF.type, KIND_CLASS[unit.kind]))
        g.add((iri, ELI.is_part_of, parent))
        g.add((parent, ELI.has_part, iri))
        g.add((iri, QHFIN.order, Literal(unit.number)))
        g.add((iri, RDFS.label, Literal(_label_zh(unit, source), lang="zh")))
        g.add((iri, RDFS.label, Literal(_label_en(path), lang="en")))
        g.add((iri, QHFIN.startOffset, Literal(unit.span.start)))
        g.add((iri, QHFIN.endOffset, Literal(unit.span.end)))
        if unit.number_as_written:
            g.add((iri, QHFIN.numberAsWritten, Literal(unit.number_as_written)))
        if unit.title is not None:
            heading = Literal(unit.title.text(source).rstrip("。"), lang="zh")
            g.add((iri, QHFIN.leadPhrase if unit.kind == "paragraph" else QHFIN.heading, heading))
        if unit.kind in ("paragraph", "footnote"):
            g.add((iri, QHFIN.sourceText, Literal(normalise(source[unit.span.start : unit.span.end]), lang="zh")))
    return g


def task_graph(records: list[TaskRecord]) -> Graph:
    g = Graph()
    for record in records:
        g.add((record.iri, RDF.type, QHFIN.Task))
        g.add((record.iri, ELI.is_part_of, record.paragraph))
        g.add((record.paragraph, ELI.has_part, record.iri))
        g.add((record.iri, DCTERMS.isPartOf, PLAN_IRI))
        g.add((record.iri, QHFIN.order, Literal(record.order)))
        g.add((record.iri, QHFIN.sourceText, Literal(record.text, lang="zh")))
        g.add((record.iri, QHFIN.startOffset, Literal(record.span.start)))
        g.add((record.iri, QHFIN.endOffset, Literal(record.span.end)))
        g.add((record.iri, SKOS.notation, Literal(record.notation)))
    return g


def gyear(year: int) -> Literal:
    return Literal(str(year), datatype=XSD.gYear)
