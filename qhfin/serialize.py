"""The last step of a query (prepare → guard → run → **serialize**): content negotiation and the answer's writers.

Media types are tables, negotiation is werkzeug's. Serializers write the answer from pyoxigraph terms (the embedded
engine's, and the external engine's once its answer is parsed back, ``parse_answer``), so both engines cut rows at
the same limit and mark the cut the same way.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from .cells import csv_rows
from .media import RDF, RESULTS, accepted
from .sparql import XSD_STRING, NotAcceptable

SELECT_TYPES = accepted(RESULTS)  # media type → format (qhfin.media: the one table)
ASK_TYPES = {k: v for k, v in SELECT_TYPES.items() if v in ("json", "xml")}
GRAPH_TYPES = accepted(tuple(s for s in RDF if not s.quads))
MEDIA = {s.name: s.media_type for s in (*RESULTS, *RDF)}  # format → the media type we answer with
NATIVE = {s.name: s.oxigraph for s in RESULTS}
RDF_FORMATS = {s.name: s.oxigraph for s in RDF}



@dataclass(frozen=True)
class Formats:
    """The format chosen for each kind of answer (None: the client accepts none of ours for that kind)."""

    select: str | None = "json"
    ask: str | None = "json"
    graph: str | None = "turtle"

    def for_form(self, form: str) -> str:
        fmt = {"SELECT": self.select, "ASK": self.ask}.get(form, self.graph)
        if fmt is None:
            table = {"SELECT": SELECT_TYPES, "ASK": ASK_TYPES}.get(form, GRAPH_TYPES)
            raise NotAcceptable("无法以所要求的格式提供该查询的结果", f"No acceptable format for a {form} answer",
                                "available: " + ", ".join(dict.fromkeys(MEDIA[f].split(";")[0] for f in table.values())))
        return fmt


# ---------------------------------------------------------------- answers


@dataclass
class Answer:
    media_type: str
    body: bytes
    form: str
    rows: int = 0
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def render(result: object, form: str, fmt: str, row_limit: int, prefixes: dict[str, str] | None = None,
           rerun: Callable[[], object] | None = None) -> Answer:
    """A pyoxigraph result (solutions, boolean or triples) in ``fmt``, cut after ``row_limit`` rows.

    Solutions are written by pyoxigraph's own serializer (Rust: two to three times faster than building the
    document term by term here) and then counted; only an answer past the row limit is written here, from the
    parsed JSON or, for the other formats, from a second run (``rerun``) — the rare, already expensive case.
    Triples in N-Triples (what programs ask a graph in) are written by pyoxigraph too, into a writer that stops it
    one line past the limit (``_Lines``): no Python object per triple, and a large graph is never written whole."""
    if form == "ASK":
        return Answer(MEDIA[fmt], write_boolean(bool(result), fmt), form, 1)
    if form == "SELECT" and rerun is not None:
        body = result.serialize(format=NATIVE[fmt])  # type: ignore[attr-defined]
        if fmt == "json":
            rows = _oxigraph_json_rows(body)
            if rows is None:
                return select_json(body, row_limit)
            return _cut_json(body, rows, row_limit)
        rows = count_rows(body, fmt)
        if rows <= row_limit:
            return Answer(MEDIA[fmt], body, form, rows)
        result = rerun()
    if form != "SELECT" and fmt == "nt" and rerun is not None:
        lines = _Lines(row_limit)
        with contextlib.suppress(_Lines.Enough):
            result.serialize(lines, format=ox.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
        body, rows, truncated = lines.cut()
        return Answer(MEDIA[fmt], body, form, rows, truncated)
    if form == "SELECT":
        variables = [v.value for v in result.variables]  # type: ignore[attr-defined]
        rows = list(islice(result, row_limit + 1))  # type: ignore[call-overload]
        truncated = len(rows) > row_limit
        rows = rows[:row_limit]
        return Answer(MEDIA[fmt], write_select(variables, rows, fmt, truncated), form, len(rows), truncated)
    triples = list(islice(result, row_limit + 1))  # type: ignore[call-overload]
    truncated = len(triples) > row_limit
    triples = triples[:row_limit]
    body = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes if fmt == "turtle" else None)
    return Answer(MEDIA[fmt], body or b"", form, len(triples), truncated)


class _Lines:
    """A binary file for pyoxigraph's N-Triples writer (one triple a line: a line break inside a literal is
    escaped) that stops it, by raising ``Enough``, once it holds more than ``limit`` lines."""

    class Enough(Exception):
        pass

    def __init__(self, limit: int) -> None:
        self.limit, self.lines, self.chunks = limit, 0, []

    def write(self, chunk: bytes) -> int:
        self.chunks.append(bytes(chunk))
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise self.Enough
        return len(chunk)

    def flush(self) -> None:
        pass

    def cut(self) -> tuple[bytes, int, bool]:
        """The first ``limit`` lines, how many, and whether there were more."""
        body = b"".join(self.chunks)
        if self.lines <= self.limit:
            return body, self.lines, False
        end = -1
        for _ in range(self.limit):
            end = body.index(b"\n", end + 1)
        return body[: end + 1], self.limit, True


def select_json(body: bytes, row_limit: int) -> Answer:
    """A SPARQL JSON results document (ours or an upstream's) checked, counted, marked and cut at ``row_limit``.

    Parsed once, to check it. Laid out compactly (pyoxigraph's and the Oxigraph server's way, confirmed by the
    row count) it goes out as it came, cut at the limit and marked ``truncated`` after ``head``; laid out any
    other way, its first ``row_limit`` rows are written anew. A document that is not SPARQL JSON is a ValueError."""
    parsed = json.loads(body)
    head = parsed.get("head") if isinstance(parsed, dict) else None
    bindings = (parsed.get("results") or {}).get("bindings") if isinstance(parsed, dict) else None
    if not isinstance(head, dict) or not isinstance(head.get("vars", []), list) or not isinstance(bindings, list):
        raise ValueError("not a SPARQL JSON results document")
    if body.startswith(b'{"head":') and body.endswith(b"]}}") and _oxigraph_json_rows(body) == len(bindings):
        return _cut_json(body, len(bindings), row_limit)  # laid out as pyoxigraph writes it: cut as such
    truncated = len(bindings) > row_limit
    out = {"head": head, "truncated": truncated, "results": {"bindings": bindings[:row_limit]}}
    return Answer(MEDIA["json"], json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode(), "SELECT",
                  min(len(bindings), row_limit), truncated)


def _cut_json(body: bytes, rows: int, row_limit: int) -> Answer:
    """A compact SPARQL JSON document of ``rows`` rows, cut where row ``row_limit + 1`` opens and closed again,
    marked ``truncated`` (after ``head``) either way."""
    truncated = rows > row_limit
    if truncated:
        at = -1
        for _ in range(row_limit):
            at = body.find(b',{"', at + 1)
        body = (body[:at] if row_limit else body[: body.index(b'"bindings":[') + 12]) + b"]}}"
    marked = b'},"truncated":' + (b"true" if truncated else b"false") + b',"results":'
    return Answer(MEDIA["json"], body.replace(b'},"results":', marked, 1), "SELECT", min(rows, row_limit), truncated)


def _oxigraph_json_rows(body: bytes) -> int | None:
    """Rows of a JSON document as pyoxigraph writes it, without parsing it (None: count by parsing).

    A quote inside a string is always escaped, so an unescaped ``,{"`` can only open the next non-empty row
    (a term opens with ``:{"``). An empty row ``{}`` cannot be told from text that way: then we parse."""
    if b"{}" in body:
        return None
    rows = body.count(b',{"')
    return rows + 1 if b'"bindings":[{"' in body else rows


def count_rows(body: bytes, fmt: str) -> int:
    """Rows in a results document as pyoxigraph writes it: TSV escapes line breaks, XML escapes ``<``."""
    if fmt == "tsv":
        return body.count(b"\n") - 1
    if fmt == "xml":
        return body.count(b"<result>")
    return sum(1 for _ in csv_rows(body.decode("utf-8"))) - 1


def write_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return json.dumps({"head": {}, "boolean": value}).encode()


def write_select(variables: list[str], rows: list, fmt: str, truncated: bool) -> bytes:
    return {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt](variables, rows, truncated)


def _json_term(term: object) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")}}


def _json(variables: list[str], rows: list, truncated: bool) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    # "truncated" is an extension member that readers ignore; before "results", which streaming readers read last
    return json.dumps({"head": {"vars": variables}, "truncated": truncated, "results": {"bindings": bindings}},
                      ensure_ascii=False, separators=(",", ":")).encode()


_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_XML_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
                                "\t": "&#9;"})


def escape(text: str) -> str:
    """Text as XML character data. (``xml.sax.saxutils`` does this too, but imports ``urllib.request`` with it:
    a fifth of the query workers' start.)"""
    return text.translate(_XML_TEXT)


def quoteattr(text: str) -> str:
    """Text as a double-quoted XML attribute value."""
    return f'"{text.translate(_XML_ATTRIBUTE)}"'


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _xml(variables: list[str], rows: list, truncated: bool) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    if truncated:
        out.append('<link href="https://w3id.org/qhfin/ontology#truncated"/>')
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True) if t is not None]
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _csv(variables: list[str], rows: list, truncated: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else ("_:" + t.value if isinstance(t, ox.BlankNode) else t.value)
                         for t in row])
    return buffer.getvalue().encode()


def _tsv(variables: list[str], rows: list, truncated: bool) -> bytes:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def parse_answer(body: bytes, form: str, media_type: str) -> object:
    """An external engine's answer back into pyoxigraph terms, so that it is cut and written like ours."""
    if form in ("SELECT", "ASK"):
        fmt = ox.QueryResultsFormat.XML if "xml" in media_type else ox.QueryResultsFormat.JSON
        return ox.parse_query_results(body, format=fmt)
    return iter([q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)])
