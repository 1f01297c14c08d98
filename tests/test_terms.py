"""The words for roles, bases and kinds come from the ontology, in both languages, and nowhere else (issue 14)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from qhfin.config import ROOT
from qhfin.terms import BASES, KINDS, ROLES, Labels

ONTOLOGY = Graph().parse(ROOT / "ontology" / "qhfin.ttl")
TERMS = {**{f"role:{k}": v for k, v in ROLES.items()}, **{f"basis:{k}": v for k, v in BASES.items()},
         **{f"kind:{k}": v for k, v in KINDS.items()}}


def test_the_collector_found_every_term():
    assert len(TERMS) == 15


@pytest.mark.parametrize("key", sorted(TERMS))
def test_each_term_has_the_ontologys_label_in_both_languages(key):
    iri = TERMS[key]
    labels = {lit.language: str(lit) for lit in ONTOLOGY.objects(iri, RDFS.label) if isinstance(lit, Literal)}
    table = {"role": ROLES, "basis": BASES, "kind": KINDS}[key.split(":")[0]]
    short = key.split(":", 1)[1]
    assert labels.get("zh") and labels.get("en")
    assert Labels(table)[short] == labels["zh"] and Labels(table, "en")[short] == labels["en"]
