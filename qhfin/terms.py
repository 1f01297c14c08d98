"""The words for the closed vocabularies — roles, bases, kinds of thing, link properties — read from the ontology.

``ontology/qhfin.ttl`` labels each role, basis, class and property in Chinese and English; every page, export and
message takes its words from there, so that no two tables in code can disagree with it or with each other (they
did: 原文明述 / 原文写明 / 原文). The keys (``lead``, ``stated`` …) are the API's stable names for the individuals.
The ontology is read on first use, never at import.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import URIRef

from .config import ROOT
from .namespaces import QHFIN

ROLES = {"lead": QHFIN.Lead, "cooperating": QHFIN.Cooperating, "addressee": QHFIN.Addressee,
         "per-duty": QHFIN.PerDuty, "mentioned": QHFIN.Mentioned}
BASES = {"stated": QHFIN.Stated, "curated": QHFIN.Curated, "rule": QHFIN.RuleDerived}
KINDS = {"task": QHFIN.Task, "paragraph": QHFIN.Paragraph, "body": QHFIN.Body, "instrument": QHFIN.Instrument,
         "theme": QHFIN.Theme, "group": QHFIN.TargetGroup, "target": QHFIN.Target}
# "text" names no basis of the ontology: a measure that the query's own words matched (qhfin.measures), never a
# statement of the graph; its words, in full and short, (zh, en)
TEXT_MATCH, TEXT_MATCH_SHORT = {"text": ("文字匹配", "text match")}, {"text": ("文字", "text")}
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"


@functools.cache
def _words() -> dict[str, dict[str, dict[str, str]]]:
    """property (rdfs:label, skos:altLabel) → IRI → language → its value, for every term of the ontology."""
    found: dict[str, dict[str, dict[str, str]]] = {RDFS_LABEL: {}, SKOS_ALT_LABEL: {}}
    for quad in ox.parse(path=str(ROOT / "ontology" / "qhfin.ttl"), format=ox.RdfFormat.TURTLE):
        if quad.predicate.value in found and isinstance(quad.object, ox.Literal) and quad.object.language:
            found[quad.predicate.value].setdefault(quad.subject.value, {})[quad.object.language] = quad.object.value
    return found


def label(iri: URIRef | str, lang: str = "zh") -> str:
    """The ontology's label of a term; its local name when the ontology has none (a test keeps that from happening)."""
    return _words()[RDFS_LABEL].get(str(iri), {}).get(lang) or str(iri).rsplit("#", 1)[-1]


def short(iri: URIRef | str, lang: str = "zh") -> str:
    """The short form of a term, as a tag or a table cell shows it (原文, 规则): its skos:altLabel, else its label."""
    return _words()[SKOS_ALT_LABEL].get(str(iri), {}).get(lang) or label(iri, lang)


class Labels(Mapping[str, str]):
    """key → the label of the term it names, in one language: reads like the dicts it replaces."""

    def __init__(self, terms: Mapping[str, URIRef], lang: str = "zh",
                 extra: Mapping[str, tuple[str, str]] | None = None, form: Callable[[str, str], str] = label) -> None:
        """``extra``: keys that name no term of the ontology (e.g. a link made by the document's structure), with
        their (zh, en) words; ``form``: ``label``, or ``short`` for the short forms."""
        self.terms, self.lang, self.extra, self.form = terms, lang, extra or {}, form

    def __getitem__(self, key: str) -> str:
        if key in self.extra:
            return self.extra[key][0 if self.lang == "zh" else 1]
        return self.form(self.terms[key], self.lang)

    def __iter__(self) -> Iterator[str]:
        return iter({**self.terms, **self.extra})

    def __len__(self) -> int:
        return len({**self.terms, **self.extra})


ROLE_ZH, ROLE_EN = Labels(ROLES), Labels(ROLES, "en")
BASIS_ZH, BASIS_EN = Labels(BASES, extra=TEXT_MATCH), Labels(BASES, "en", extra=TEXT_MATCH)
BASIS_SHORT_ZH = Labels(BASES, extra=TEXT_MATCH_SHORT, form=short)
KIND_ZH, KIND_EN = Labels(KINDS), Labels(KINDS, "en")
ROLE_NAME = {iri: key for key, iri in ROLES.items()}  # individual → the API's key
BASIS_NAME = {iri: key for key, iri in BASES.items()}
