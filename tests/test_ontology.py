"""The Python terms and ontology/qhfin.ttl agree, and every term is labelled in both languages."""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS

from qhfin.namespaces import QHFIN


def ontology_terms(config) -> tuple[Graph, set[str]]:
    g = Graph().parse(config.ontology_file)
    ns = str(QHFIN._NS)
    return g, {str(s)[len(ns) :] for s in g.subjects() if str(s).startswith(ns)}


def test_python_namespace_matches_the_ontology(config):
    _g, terms = ontology_terms(config)
    assert set(QHFIN.__annotations__) == terms


def test_misspelt_term_fails_loudly():
    import pytest

    with pytest.raises(AttributeError):
        QHFIN.responsibleBodies  # noqa: B018


def test_every_term_has_zh_and_en_label_and_definition(config):
    g, terms = ontology_terms(config)
    missing = []
    for name in sorted(terms):
        term = QHFIN[name]
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in g.objects(term, prop) if isinstance(o, Literal)}
            if not {"zh", "en"} <= langs:
                missing.append((name, prop))
    assert missing == []


def test_issue_contract_terms_exist(config):
    _g, terms = ontology_terms(config)
    contract = {"Task", "Body", "Instrument", "Theme", "Target", "Indicator", "sourceText", "responsibleBody",
                "usesInstrument", "supportsTheme", "contributesTo", "dependsOn"}
    assert contract <= terms
