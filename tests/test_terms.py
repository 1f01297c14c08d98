"""The words for roles, bases and kinds come from the ontology, in both languages, and nowhere else (issue 14)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS

from qhfin.config import ROOT
from qhfin.namespaces import QHFIN
from qhfin.terms import BASES, KINDS, ROLES, Labels, label, short

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


SHORT = {**{f"basis:{k}": v for k, v in BASES.items()}, "review:reviewed": QHFIN.Reviewed,
         "review:proposal": QHFIN.Proposal}


@pytest.mark.parametrize("key", sorted(SHORT))
def test_each_short_form_is_one_altlabel_per_language_or_the_label(key):
    """A tag's short form (原文, 规则 …) is the term's one skos:altLabel in that language, else its rdfs:label."""
    iri = SHORT[key]
    for lang in ("zh", "en"):
        alts = [str(lit) for lit in ONTOLOGY.objects(iri, SKOS.altLabel) if isinstance(lit, Literal) and lit.language == lang]
        assert len(alts) <= 1
        assert short(iri, lang) == (alts[0] if alts else label(iri, lang))


@pytest.mark.parametrize(("key", "zh", "en"), [
    ("stated", "原文", "stated"), ("curated", "审定", "curated"), ("rule-reviewed", "规则·已审定", "rule, reviewed"),
    ("rule-proposal", "规则·未审定", "rule, not reviewed (proposal)")])
def test_a_links_status_is_said_in_the_ontologys_short_forms(key, zh, en):
    from qhfin import status

    assert (status.zh(key), status.en(key)) == (zh, en)
