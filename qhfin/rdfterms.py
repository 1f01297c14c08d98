"""Terms between rdflib, which the domain functions walk, and pyoxigraph, which parses, stores and queries: one
conversion each way, so that a literal's datatype and language come through the same everywhere."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .sparql import XSD_STRING


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """A pyoxigraph term as rdflib's (a plain string literal without its xsd:string, as rdflib writes it)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = term.datatype.value if not term.language else None
    return Literal(term.value, lang=term.language, datatype=None if datatype == XSD_STRING else datatype)


def to_oxigraph(node: Node, blanks: dict[BNode, ox.BlankNode]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """An rdflib term as pyoxigraph's; ``blanks`` keeps each blank node one node across the calls that share it."""
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return blanks.setdefault(node, ox.BlankNode())
    assert isinstance(node, Literal)
    if node.language:
        return ox.Literal(str(node), language=node.language)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)) if node.datatype else None)
