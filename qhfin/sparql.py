"""A SPARQL request's way through qhfin, and what every step shares: **prepare** → guard → run → serialize.

``qhfin.guard`` decides whether a text may run, ``qhfin.engine`` runs it under a deadline (embedded or external),
``qhfin.serialize`` writes the answer. This module holds what they all speak: the refusals, each with its HTTP
status and a message in Chinese and English (the web layer renders them as they are), and the preparation of a
text — the service's base IRI, the row cap, parameters as bindings (never spliced in as text).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import QhfinError
from .tokens import tokenize

if TYPE_CHECKING:  # the guard imports this module: its Decision is named here for the type checker only
    from .guard import Decision

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


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


QUERY_BASE = "https://w3id.org/qhfin/id/"  # relative IRIs in a query resolve here: <task/4-1-1-1-1> is a task


def based(text: str) -> str:
    """The text with the service's base IRI declared first (a BASE of the query's own, later, still wins): for an
    external store, which would otherwise refuse a relative IRI or resolve it against its own address."""
    return f"BASE <{QUERY_BASE}>\n{text}"


def capped(text: str, decision: Decision, row_limit: int) -> str:
    """The query asked for one row more than the limit when it set no limit itself: the engine then stops early
    (and an external one sends no more than that), and the extra row still tells that the answer was cut."""
    return f"{text}\nLIMIT {row_limit + 1}\n" if decision.open_ended else text


# ---------------------------------------------------------------- bindings


Binding = tuple[str, str, str]  # ("iri", value, "") or ("literal", lexical form, datatype IRI or "@lang")

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term(binding: Binding) -> ox.NamedNode | ox.Literal:
    kind, value, extra = binding
    if kind == "iri":
        try:
            if _IRI_FORBIDDEN.search(value):
                raise ValueError("a character IRIs may not hold")
            return ox.NamedNode(value)  # pyoxigraph refuses some code points the pattern lets through
        except ValueError:
            raise QuerySyntaxError("参数不是有效的IRI", "The parameter is not a valid IRI", value) from None
    if extra.startswith("@"):
        return ox.Literal(value, language=extra[1:])
    return ox.Literal(value, datatype=ox.NamedNode(extra or XSD_STRING))


def bind_clause(bindings: dict[str, Binding]) -> str:
    """One BIND per parameter, for an external engine, which has no way to take bindings: terms written by
    pyoxigraph's own term writer (never the raw parameter text), each IRI checked first.

    BIND, not VALUES: for the one row of parameters, ``{ BIND (t AS ?v) P }`` is ``Join({?v → t}, P)`` as
    ``{ VALUES ?v { t } P }`` is, on every SPARQL 1.1 store; but Virtuoso 7 does not take a VALUES binding as the
    start of a transitive path (``?task qhfin:dependsOn+ ?upstream``): alone it refuses the query ("transitive start
    not given"), joined with other patterns it walks from every subject and answers wrong rows (make
    scale-virtuoso: bench/scale-0.5M-virtuoso-2026-12-06*.md)."""
    return " ".join(f"BIND ({term(b)} AS ?{name})" for name, b in bindings.items())


def with_bindings(text: str, bindings: dict[str, Binding]) -> str:
    """The query with its parameters bound (``bind_clause``) where its WHERE group opens (a named query of ours),
    and each IRI parameter also written in as a constant wherever its variable occurs in the WHERE group.

    The constant, as grlc writes its parameters in, because a store plans a query from its text: bound by a BIND
    (or a VALUES) joined with a UNION, Oxigraph evaluates the UNION as if the variable were free — every plan's
    tasks and names in a store of many, 40 s instead of 3 s at 5 M quads (``queries/view-names.rq``) — and a
    subquery, whose variables are its own, never sees the binding at all. The BIND stays, for the projection and
    the CONSTRUCT template. An assignment (``AS ?v``) and a subquery's projection keep the variable; IRIs only, each
    checked and written by ``term``: a literal parameter (a search text) stays a binding."""
    if not bindings:
        return text
    at = _where_brace(text)
    constants = {name: str(term(b)) for name, b in bindings.items() if b[0] == "iri"}
    body, out, last, before, projecting, open_ = text[at + 1:], [], 0, "", False, 1
    for t in tokenize(body) if constants else ():
        word = t.keyword()
        open_ += (t.text == "{") - (t.text == "}") if t.kind == "punct" else 0
        if not open_:  # the WHERE group has closed: GROUP BY, ORDER BY and the rest keep the variable
            break
        if word == "SELECT":
            projecting = True
        elif t.text == "{" or word == "WHERE":
            projecting = False
        elif t.kind == "var" and t.text[1:] in constants and before != "AS" and not projecting:
            out += [body[last:t.start], constants[t.text[1:]]]
            last = t.start + len(t.text)
        before = word
    body = "".join(out) + body[last:]
    return text[: at + 1] + " " + bind_clause(bindings) + " " + body


def _where_brace(text: str) -> int:
    """Index of the '{' token that opens the WHERE group: the first at the top level, except in a CONSTRUCT, whose
    template comes first — there the first after its WHERE. Comments, strings and IRIs are tokens of their own, so a
    brace or a "where" inside them is never taken; nor is a subquery's WHERE, which is not at the top level."""
    construct = after_where = False
    for t in tokenize(text):
        if t.depth:
            continue
        word = t.keyword()
        if word == "CONSTRUCT":
            construct = True
        elif word == "WHERE":
            after_where = True
        elif t.text == "{" and (after_where or not construct):
            return t.start
    raise syntax_error("no WHERE group")
