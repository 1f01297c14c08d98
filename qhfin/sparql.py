"""A SPARQL request's way through qhfin: prepare → guard → run under a deadline (``engine``) → serialize.

The guard lets the parser decide: text that parses as a query may run; text that parses as an update is refused
(403); anything else is a syntax error (400) carrying the parser's message. A query that would reach outside the
dataset — ``SERVICE``, or ``FROM``/``FROM NAMED`` naming a graph this dataset does not hold — is refused before it
runs, so neither the network nor the file system is ever touched. Serializers write the answer from pyoxigraph
terms (the embedded engine's, and the external engine's once its answer is parsed back), so both engines cut rows
at the same limit and mark the cut the same way.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from .cells import csv_rows
from .errors import QhfinError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# media type → format, in order of preference (werkzeug's best_match takes the first on a tie, e.g. for */*)
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
ASK_TYPES = {k: v for k, v in SELECT_TYPES.items() if v in ("json", "xml")}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "text/plain": "nt",
    "application/json": "jsonld",
}
MEDIA = {  # format → the media type we answer with
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
NATIVE = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV,
          "tsv": ox.QueryResultsFormat.TSV}
RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdfxml": ox.RdfFormat.RDF_XML}


class SparqlError(QhfinError):
    """A refusal of a query, with its HTTP status; the web layer renders it as is."""

    code = "sparql-error"


class QuerySyntaxError(SparqlError):
    code = "query-syntax"


class QueryFailed(SparqlError):
    code = "query-failed"


class UpdateRefused(SparqlError):
    status, code = 403, "update-refused"


class OutsideRefused(SparqlError):
    status, code = 403, "outside-dataset"


class NotAcceptable(SparqlError):
    status, code = 406, "not-acceptable"


class TooLarge(SparqlError):
    status, code = 413, "query-too-large"


class TimeLimit(SparqlError):
    status, code = 503, "time-limit"


class Busy(SparqlError):
    status, code = 503, "busy"


class Upstream(SparqlError):
    status, code = 502, "upstream-error"


class UpstreamTimeout(SparqlError):
    status, code = 504, "upstream-timeout"


def syntax_error(detail: str) -> QuerySyntaxError:
    return QuerySyntaxError("SPARQL查询语法错误", "The SPARQL query has a syntax error", detail)


@dataclass(frozen=True)
class Decision:
    """What the guard learnt about a query: its form and the graphs its own dataset clause names."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    projection: tuple[str, ...] | None = None  # a SELECT's variables; None for SELECT * and the other forms
    open_ended: bool = False  # a SELECT with no LIMIT, OFFSET or trailing VALUES: it may be capped (``capped``)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


# one text of each form, touching most of the grammar (prefixes, graphs, paths, OPTIONAL, FILTER, functions,
# aggregates, VALUES, solution modifiers)
_WARM_TEXTS = (
    'PREFIX ex: <http://example.org/> SELECT DISTINCT ?s (COUNT(?o) AS ?n) WHERE { GRAPH ?g { ?s a ex:C ; ex:p/ex:q* ?o .'
    ' OPTIONAL { ?o ex:r "x"@zh } FILTER(?n > 1 && REGEX(STR(?o), "a", "i") || LANG(?o) = "zh") } VALUES ?s { ex:a } }'
    " GROUP BY ?s HAVING (?n > 0) ORDER BY DESC(?n) LIMIT 10 OFFSET 1",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o MINUS { ?s ?p 1 } }",
    "DESCRIBE <http://example.org/a>",
)


def warm_parser() -> None:
    """Import the parser and use it: pyparsing prepares ("streamlines") each part of the grammar the first time a
    parse reaches it — 60 ms for the first query, 10 ms for the first FILTER … — which the forkserver then pays
    once, instead of every worker on its first queries."""
    for text in _WARM_TEXTS:
        guard(text, ())


FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


def guard(text: str, graphs: Collection[str]) -> Decision:
    """Parse with rdflib's SPARQL parser and decide; raises the refusal the text deserves.

    The parser is imported here, not with the module: it takes half a second, and only the query workers (where
    the forkserver imports and warms it once, ``warm_parser``) and the named-query check need it."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseBaseException as exc:
        try:
            update = parseUpdate(text)
        except (ParseBaseException, RecursionError):
            raise syntax_error(str(exc)) from None
        if not isinstance(update.get("request"), list):  # only a prologue, comments or nothing: an empty update
            raise QuerySyntaxError("查询为空：没有 SELECT、ASK、CONSTRUCT 或 DESCRIBE",
                                   "The query is empty: no SELECT, ASK, CONSTRUCT or DESCRIBE", str(exc)) from None
        raise UpdateRefused("本服务只读，拒绝SPARQL更新（INSERT、DELETE、LOAD、CLEAR……）",
                            "This service is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR …) are refused") from None
    except RecursionError:
        raise syntax_error("query nested too deeply") from None
    query = tree[1]
    if _contains(query, "ServiceGraphPattern"):
        raise OutsideRefused("本服务不执行 SERVICE 联邦查询，不访问任何外部地址",
                             "SERVICE is refused: this service never calls out to other addresses")
    defaults = tuple(str(c["default"]) for c in query.get("datasetClause") or [] if "default" in c)
    named = tuple(str(c["named"]) for c in query.get("datasetClause") or [] if "named" in c)
    check_graphs([*defaults, *named], graphs)
    projection = None
    if query.name == "SelectQuery" and "projection" in query:
        projection = tuple(str(v.get("var") or v.get("evar")) for v in query["projection"])
    open_ended = query.name == "SelectQuery" and "limitoffset" not in query and "valuesClause" not in query
    return Decision(FORMS[query.name], defaults, named, projection, open_ended)


QUERY_BASE = "https://w3id.org/qhfin/id/"  # relative IRIs in a query resolve here: <task/4-1-1-1-1> is a task


def based(text: str) -> str:
    """The text with the service's base IRI declared first (a BASE of the query's own, later, still wins): for an
    external store, which would otherwise refuse a relative IRI or resolve it against its own address."""
    return f"BASE <{QUERY_BASE}>\n{text}"


def capped(text: str, decision: Decision, row_limit: int) -> str:
    """The query asked for one row more than the limit when it set no limit itself: the engine then stops early
    (and an external one sends no more than that), and the extra row still tells that the answer was cut."""
    return f"{text}\nLIMIT {row_limit + 1}\n" if decision.open_ended else text


def check_graphs(names: Iterable[str], graphs: Collection[str]) -> None:
    """FROM, FROM NAMED, default-graph-uri and named-graph-uri may name only graphs of this dataset."""
    outside = [n for n in names if n not in graphs]
    if outside:
        raise OutsideRefused("只能指定本数据集中的命名图，本服务不读取外部图或文件",
                             "Only graphs of this dataset may be named; this service never reads other graphs or files",
                             f"{', '.join(outside)} ∉ {{{', '.join(sorted(graphs))}}}")


def _contains(node: object, name: str) -> bool:
    if getattr(node, "name", None) == name:
        return True
    if isinstance(node, dict):
        return any(_contains(v, name) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_contains(v, name) for v in node)
    return False


# ---------------------------------------------------------------- content negotiation


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


@functools.lru_cache(maxsize=512)
def negotiate(accept: str | None) -> Formats:
    """The formats for a request's Accept header, as it came; none means */*, i.e. our defaults. Remembered per
    header: matching one against the three tables costs as much as answering a query from the cache, and clients
    send the same few headers again and again."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    if not accept:
        return Formats()
    parsed = parse_accept_header(accept, MIMEAccept)
    return Formats(*(None if (m := parsed.best_match(list(t))) is None else t[m]
                     for t in (SELECT_TYPES, ASK_TYPES, GRAPH_TYPES)))


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
    parsed JSON or, for the other formats, from a second run (``rerun``) — the rare, already expensive case."""
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


# ---------------------------------------------------------------- bindings


Binding = tuple[str, str, str]  # ("iri", value, "") or ("literal", lexical form, datatype IRI or "@lang")

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term(binding: Binding) -> ox.NamedNode | ox.Literal:
    kind, value, extra = binding
    if kind == "iri":
        if _IRI_FORBIDDEN.search(value):
            raise QuerySyntaxError("参数不是有效的IRI", "The parameter is not a valid IRI", value)
        return ox.NamedNode(value)
    if extra.startswith("@"):
        return ox.Literal(value, language=extra[1:])
    return ox.Literal(value, datatype=ox.NamedNode(extra or XSD_STRING))


def values_clause(bindings: dict[str, Binding]) -> str:
    """A VALUES block for an external engine, which has no way to take bindings: terms written by pyoxigraph's
    own term writer (never the raw parameter text), each IRI checked first."""
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(str(term(b)) for b in bindings.values())
    return f"VALUES ({names}) {{ ({row}) }}"


def with_bindings(text: str, bindings: dict[str, Binding]) -> str:
    """The query with a VALUES block opening its WHERE group (a named query of ours, of any form)."""
    if not bindings:
        return text
    at = _where_brace(text)
    return text[: at + 1] + " " + values_clause(bindings) + " " + text[at + 1 :]


_SKIP = re.compile(r'#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
                   r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>|[?$]\w+|[\w.:-]*:[\w.-]*')
_WHERE = re.compile(r"where\b", re.IGNORECASE)


def _where_brace(text: str) -> int:
    """Index of the '{' that opens the WHERE group: the one after the keyword WHERE (outside comments, strings,
    IRIs, variables and prefixed names), else the first '{' (SELECT and ASK may leave the keyword out; a CONSTRUCT's
    template comes before its WHERE)."""
    i, first = 0, -1
    while i < len(text):
        if text[i] == "{" and first < 0:
            first = i
        if (text[i] in "wW" and _WHERE.match(text, i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_:?$"))):
            brace = text.find("{", i)
            if brace >= 0:
                return brace
        m = _SKIP.match(text, i)
        i = m.end() if m and m.end() > i else i + 1
    if first >= 0:
        return first
    raise syntax_error("no WHERE group")
