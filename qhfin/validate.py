"""SHACL gate: every build is validated against ``shapes/``; a violation fails the build and CI.

Reports cite the shape, so a curator sees which requirement a node breaks (node · path · message · shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


@dataclass(frozen=True, order=True)
class Finding:
    severity: str  # "Violation" | "Warning" | "Info"
    focus: str
    path: str
    message_zh: str
    message_en: str
    shape: str

    def line(self) -> str:
        return f"{self.severity}\t{self.focus}\t{self.path}\t{self.message_zh} / {self.message_en}\t{self.shape}"


def shapes_graph(shapes_dir: Path) -> Graph:
    g = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _shape_name(report: Graph, result: URIRef) -> str:
    """The named shape behind a result: for an anonymous property shape, the node shape that holds it."""
    shape = report.value(result, SH.sourceShape)
    if isinstance(shape, URIRef):
        return str(shape)
    return str(shape)


def _messages(report: Graph, result: URIRef) -> tuple[str, str]:
    zh = en = ""
    for m in report.objects(result, SH.resultMessage):
        if isinstance(m, Literal) and m.language == "zh":
            zh = str(m)
        elif isinstance(m, Literal) and m.language == "en":
            en = str(m)
        elif not en:
            en = str(m)
    return zh or en, en or zh


def validate(data: Graph, shapes: Graph) -> list[Finding]:
    """All SHACL results, violations first."""
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    named = _named_shapes(shapes)
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        zh, en = _messages(report, result)
        source = report.value(result, SH.sourceShape)
        findings.append(
            Finding(
                str(severity).rsplit("#", 1)[-1],
                str(report.value(result, SH.focusNode)),
                str(report.value(result, SH.resultPath) or ""),
                zh,
                en,
                named.get(source, str(source)),
            )
        )
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(SH[f.severity], 3), f.shape, f.focus, f.path))


def _named_shapes(shapes: Graph) -> dict:
    """Map every (possibly anonymous) shape to the named node shape it belongs to."""
    owner = {}
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        if not isinstance(node_shape, URIRef):
            continue
        owner[node_shape] = str(node_shape)
        for prop in (SH.property, SH.sparql):
            for part in shapes.objects(node_shape, prop):
                owner[part] = str(node_shape)
    return owner


def exit_code(findings: list[Finding]) -> int:
    """0 conforms (warnings allowed), 1 violations."""
    return 1 if any(f.severity == "Violation" for f in findings) else 0
