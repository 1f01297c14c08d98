"""Instruments, themes and target groups a task's text names, and what each implies through the hierarchy.

A concept implies its broader concepts (R-THEME-HIERARCHY, R-INSTRUMENT-HIERARCHY); an instrument or a target group
implies the themes it serves (R-INSTRUMENT-THEME, R-GROUP-THEME), less those the review withdrew.
"""

from __future__ import annotations

from rdflib import URIRef

from .links import Link, TaskText
from .namespaces import QHFIN, RULE
from .vocabulary import Vocabulary

RULE_HIERARCHY = RULE["R-THEME-HIERARCHY"]
RULE_INSTRUMENT_HIERARCHY = RULE["R-INSTRUMENT-HIERARCHY"]
RULE_INSTRUMENT_THEME = RULE["R-INSTRUMENT-THEME"]
RULE_GROUP_THEME = RULE["R-GROUP-THEME"]

CONCEPT_PROPS = {QHFIN.usesInstrument: RULE_INSTRUMENT_HIERARCHY, QHFIN.supportsTheme: RULE_HIERARCHY,
                 QHFIN.targetsGroup: RULE_HIERARCHY}


def implications(task: TaskText, vocab: Vocabulary, prop: URIRef, concept: URIRef, words: str | None,
                 offset: int | None) -> list[Link]:
    """What a link to a concept implies: its broader concepts, and the themes an instrument or group serves."""
    links = [Link(task.iri, prop, broader, QHFIN.RuleDerived, words, offset, concept, CONCEPT_PROPS[prop])
             for broader in vocab.ancestors(concept)]
    if prop != QHFIN.supportsTheme:
        rule = RULE_INSTRUMENT_THEME if prop == QHFIN.usesInstrument else RULE_GROUP_THEME
        withdrawn = set(vocab.graph.objects(concept, QHFIN.withdrawnTheme))
        for theme in sorted(set(vocab.graph.objects(concept, QHFIN.servesTheme)) - withdrawn):
            for t in (theme, *vocab.ancestors(theme)):
                links.append(Link(task.iri, QHFIN.supportsTheme, t, QHFIN.RuleDerived, words, offset, concept, rule))
    return links


def concept_links(task: TaskText, vocab: Vocabulary) -> list[Link]:
    """Instruments, themes and target groups the text names, and what they imply through the hierarchy."""
    links: list[Link] = []
    for prop, matcher in ((QHFIN.usesInstrument, vocab.instruments), (QHFIN.supportsTheme, vocab.themes),
                          (QHFIN.targetsGroup, vocab.groups)):
        for m in matcher.find(task.text):
            offset = task.source_offset(m.start)
            links.append(Link(task.iri, prop, m.concept, QHFIN.Stated, m.label, offset))
            links += implications(task, vocab, prop, m.concept, m.label, offset)
    return links
