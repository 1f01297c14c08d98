"""SHACL gate: every build is validated against ``shapes/``; a violation fails the build and CI.

Reports cite the shape, so a curator sees which requirement a node breaks (node · path · message · shape).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .errors import QhfinError
from .rdfterms import to_oxigraph

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

    def readable(self, graph: Graph) -> str:
        """The finding as a person reads it: severity in words, the node by its short name and label, the message."""
        from .namespaces import PREFIXES
        from .resolve import label

        def short(iri: str) -> str:
            best = max(((p, ns) for p, ns in PREFIXES.items() if iri.startswith(str(ns))), key=lambda x: len(str(x[1])),
                       default=None)
            return f"{best[0]}:{iri[len(str(best[1])):]}" if best else iri

        name = label(graph, URIRef(self.focus)) if self.focus.startswith("http") else ""
        node = short(self.focus) + (f"「{name}」" if name and name != self.focus else "")
        severity = {"Violation": "违规 Violation", "Warning": "警告 Warning", "Info": "提示 Info"}.get(self.severity, self.severity)
        return f"{severity} · {node} · {short(self.path)}：{self.message_zh} / {self.message_en}"


def shapes_graph(shapes_dir: Path) -> Graph:
    g = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def _messages(report: Graph, result: URIRef) -> tuple[str, str]:
    zh = en = ""
    for m in report.objects(result, SH.resultMessage):
        if isinstance(m, Literal) and m.language == "zh":
            zh = str(m)
        elif isinstance(m, Literal) and m.language == "en" or not en:
            en = str(m)
    return zh or en, en or zh


SHAPES_NS = "https://w3id.org/qhfin/shapes#"
HEADER_RE = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")


class ShapesError(QhfinError, ValueError):
    """A shapes file or violation query that does not parse: an error at load time, never a silent pass."""


@dataclass(frozen=True)
class ViolationQuery:
    """A requirement written as SPARQL: zero rows passes (shapes/sparql/NAME.rq)."""

    name: str
    severity: str
    message_zh: str
    message_en: str
    path: str
    text: str

    @classmethod
    def read(cls, path: Path) -> ViolationQuery:
        header = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            m = HEADER_RE.match(line)
            if m:
                header[m.group(1)] = m.group(2).strip()
        missing = {"severity", "message_zh", "message_en"} - set(header)
        if missing:
            raise ShapesError(f"{path}: header lacks {', '.join(sorted(missing))} / 文件头缺少 {', '.join(sorted(missing))}")
        text = path.read_text(encoding="utf-8")
        try:
            ox.Store().query(text)  # pyoxigraph's parser judges it, as it will run it
        except SyntaxError as exc:  # the parser's own message is the useful part
            raise ShapesError(f"{path}: {exc}") from exc
        return cls(path.stem, header["severity"], header["message_zh"], header["message_en"], header.get("path", ""), text)

    def run(self, data: Graph | ox.Store) -> list[Finding]:
        """The query's rows as findings, run by pyoxigraph (on the graph, copied into a store unless one is given):
        rdflib's own SPARQL engine took 25 s of a 35 s gate for the eight queries, which nest EXISTS in FILTERs."""
        store = data if isinstance(data, ox.Store) else to_store(data)
        found = []
        solutions = store.query(self.text)  # type: ignore[union-attr]
        names = solutions.variables  # type: ignore[union-attr]
        for row in solutions:  # type: ignore[union-attr]
            values = {v.value: row[v].value for v in names if row[v] is not None}
            found.append(Finding(self.severity, values.get("this", ""), self.path,
                                 self.message_zh.format_map(_Blank(values)), self.message_en.format_map(_Blank(values)),
                                 SHAPES_NS + self.name))
        return found


def to_store(data: Graph) -> ox.Store:
    """The graph's triples in an in-memory pyoxigraph store (its default graph)."""
    blanks: dict = {}
    store = ox.Store()
    store.bulk_extend(ox.Quad(*(to_oxigraph(n, blanks) for n in triple)) for triple in data)  # type: ignore[misc]
    return store


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def violation_queries(shapes_dir: Path) -> list[ViolationQuery]:
    return [ViolationQuery.read(p) for p in sorted((shapes_dir / "sparql").glob("*.rq"))]


def validate(data: Graph, shapes: Graph, queries: list[ViolationQuery] | None = None) -> list[Finding]:
    """All SHACL results and violation-query rows, violations first."""
    # pyshacl copies the data graph before it validates unless it may work in place: 1.2 s of every gate and matrix
    # import at the plan's size. In place is safe while no shape carries a SHACL rule (sh:rule), the one thing that
    # would write into the data (inference is off), so a rule added to the shapes brings the copy back.
    _conforms, report, _text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
        inplace=(None, SH.rule, None) not in shapes,
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
    store = to_store(data) if queries else None
    for query in queries or []:
        findings += query.run(store)  # type: ignore[arg-type]
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


def check(data: Graph, shapes_dir: Path) -> list[Finding]:
    """The whole gate: the SHACL shapes and the violation queries of ``shapes_dir``."""
    return validate(data, shapes_graph(shapes_dir), violation_queries(shapes_dir))


def exit_code(findings: list[Finding]) -> int:
    """0 conforms (warnings allowed), 1 violations."""
    return 1 if any(f.severity == "Violation" for f in findings) else 0
