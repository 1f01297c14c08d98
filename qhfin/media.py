"""Media types, in one table: every RDF syntax and SPARQL results format the service reads or writes, with its
name, the media type it is answered with, the media types taken as meaning it, its file suffix and the parsers'
and serializers' names for it. Negotiation, the SPARQL answers, the dumps, the service description and the CLI
all read their lists from here (issue 14)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Syntax:
    name: str  # ours: ``format=turtle``, ``--format nt`` …
    media_type: str  # what we answer with (charset included where the type has one)
    also: tuple[str, ...]  # other media types a client may ask for it by
    suffix: str  # file suffix of a download
    rdflib: str  # rdflib's plugin name
    w3c: str  # its name under http://www.w3.org/ns/formats/ (the service description)
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None
    quads: bool = False  # a dataset syntax (named graphs kept)

    @property
    def bare(self) -> str:
        """The media type without parameters."""
        return self.media_type.split(";")[0]


RESULTS = (  # SPARQL results, in order of preference (werkzeug's best_match takes the first on a tie, e.g. */*)
    Syntax("json", "application/sparql-results+json", ("application/json",), "srj", "json", "SPARQL_Results_JSON",
           ox.QueryResultsFormat.JSON),
    Syntax("xml", "application/sparql-results+xml; charset=utf-8", (), "srx", "xml", "SPARQL_Results_XML",
           ox.QueryResultsFormat.XML),
    Syntax("csv", "text/csv; charset=utf-8", (), "csv", "csv", "SPARQL_Results_CSV", ox.QueryResultsFormat.CSV),
    Syntax("tsv", "text/tab-separated-values; charset=utf-8", (), "tsv", "tsv", "SPARQL_Results_TSV",
           ox.QueryResultsFormat.TSV),
)
RDF = (  # RDF syntaxes, in order of preference
    Syntax("turtle", "text/turtle; charset=utf-8", ("application/x-turtle",), "ttl", "turtle", "Turtle",
           ox.RdfFormat.TURTLE),
    Syntax("nt", "application/n-triples", ("text/plain",), "nt", "nt", "N-Triples", ox.RdfFormat.N_TRIPLES),
    Syntax("jsonld", "application/ld+json", ("application/json",), "jsonld", "json-ld", "JSON-LD",
           ox.RdfFormat.JSON_LD),
    Syntax("rdfxml", "application/rdf+xml", (), "rdf", "xml", "RDF_XML", ox.RdfFormat.RDF_XML),
    Syntax("trig", "application/trig", (), "trig", "trig", "TriG", ox.RdfFormat.TRIG, quads=True),
    Syntax("nquads", "application/n-quads", (), "nq", "nquads", "N-Quads", ox.RdfFormat.N_QUADS, quads=True),
)
BY_NAME = {s.name: s for s in (*RESULTS, *RDF)}
# the dump formats: name → (rdflib serializer, file suffix, media type)
FORMATS = {n: (BY_NAME[n].rdflib, BY_NAME[n].suffix, BY_NAME[n].bare) for n in ("trig", "turtle", "nt", "nquads", "jsonld")}


def accepted(syntaxes: tuple[Syntax, ...]) -> dict[str, str]:
    """media type → name, first every syntax's own type, then the other types it is asked for by."""
    table = {s.bare: s.name for s in syntaxes}
    for s in syntaxes:
        for other in s.also:
            table.setdefault(other, s.name)
    return table
