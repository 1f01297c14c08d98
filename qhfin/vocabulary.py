"""The hand-written vocabularies and rules, read once per build: what annotation looks up for every task.

A ``Matcher`` finds a scheme's concepts in a text by their labels; a ``CompiledRule`` is a rule of ``graph/rules/``
with its triggers read out of the graph; ``Vocabulary`` holds the matchers and compiles each class of rules once.
Evaluating the rules against a task is ``qhfin.rules``' business, above this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .links import Match
from .namespaces import QHFIN


class Matcher:
    """Finds a scheme's concepts in a text by their Chinese labels, longest match first."""

    def __init__(self, graph: Graph, classes: Iterable[URIRef]) -> None:
        concepts = {s for cls in classes for s in graph.subjects(RDF.type, cls)}
        labels: dict[str, URIRef] = {}
        self.exclusions: dict[URIRef, list[str]] = {}
        for concept in sorted(concepts):
            for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel):
                for label in graph.objects(concept, prop):
                    if isinstance(label, Literal) and label.language == "zh" and str(label).strip():
                        labels.setdefault(str(label), concept)
            self.exclusions[concept] = [str(x) for x in graph.objects(concept, QHFIN.matchExclusion)]
        self.labels = sorted(labels.items(), key=lambda item: (-len(item[0]), item[0]))
        self.concepts = concepts

    def find(self, text: str) -> list[Match]:
        taken: list[tuple[int, int]] = []
        found: list[Match] = []
        for label, concept in self.labels:
            start = text.find(label)
            while start >= 0:
                end = start + len(label)
                free = all(end <= a or start >= b for a, b in taken)
                if free and not self._excluded(concept, text, start, end):
                    taken.append((start, end))
                    found.append(Match(concept, start, end, label))
                start = text.find(label, start + 1)
        return sorted(found, key=lambda m: m.start)

    def _excluded(self, concept: URIRef, text: str, start: int, end: int) -> bool:
        for phrase in self.exclusions.get(concept, ()):
            pos = text.find(phrase)
            while pos >= 0:
                if pos <= start and end <= pos + len(phrase):
                    return True
                pos = text.find(phrase, pos + 1)
        return False


@dataclass(frozen=True)
class CompiledRule:
    """A rule's triggers, read once per build (rules are evaluated for every task)."""

    iri: URIRef
    priority: int
    triggers: tuple[tuple[URIRef, URIRef, str], ...]  # (link property, value, words to quote)
    phrases: tuple[str, ...]
    within: tuple[tuple[URIRef, str], ...]

    @property
    def is_default(self) -> bool:
        return not (self.triggers or self.phrases or self.within)


def _zh_label(g: Graph, iri: URIRef) -> str:
    """The Chinese preferred label (never "any language": the evidence must not change between builds)."""
    for label in g.objects(iri, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == "zh":
            return str(label)
    return str(iri)


def compile_rule(g: Graph, rule: URIRef) -> CompiledRule | None:
    """The rule's triggers less those the review withdrew; None when the review withdrew all of them (a rule with
    no trigger left must not turn into a default that fires everywhere)."""
    withdrawn = {str(w) for w in g.objects(rule, QHFIN.withdrawnTrigger)}
    triggers = []
    for prop, link_prop in ((QHFIN.whenInstrument, QHFIN.usesInstrument), (QHFIN.whenTheme, QHFIN.supportsTheme),
                            (QHFIN.whenBody, QHFIN.responsibleBody)):
        for value in sorted(g.objects(rule, prop)):
            if str(value) not in withdrawn:
                triggers.append((link_prop, value, _zh_label(g, value)))
    within = []
    for unit in sorted(g.objects(rule, QHFIN.whenWithin)):
        if str(unit) in withdrawn:
            continue
        heading = g.value(rule, QHFIN.evidence) or g.value(unit, QHFIN.heading) or g.value(unit, RDFS.label)
        within.append((unit, str(heading) if heading is not None else str(unit)))
    priority = g.value(rule, QHFIN.priority)
    phrases = tuple(sorted(str(p) for p in g.objects(rule, QHFIN.whenPhrase) if str(p) not in withdrawn))
    if withdrawn and not (triggers or phrases or within):
        return None
    return CompiledRule(rule, int(priority) if priority is not None else 1000, tuple(triggers), phrases, tuple(within))


@dataclass
class Vocabulary:
    """The hand-written vocabularies and rules, read once per build."""

    graph: Graph
    themes: Matcher = field(init=False)
    instruments: Matcher = field(init=False)
    groups: Matcher = field(init=False)
    bodies: Matcher = field(init=False)

    def __post_init__(self) -> None:
        g = self.graph
        self._rules: dict[URIRef, list[CompiledRule]] = {}
        self._ancestors: dict[URIRef, list[URIRef]] = {}
        self.themes = Matcher(g, [QHFIN.Theme])
        self.instruments = Matcher(g, [QHFIN.Instrument])
        self.groups = Matcher(g, [QHFIN.TargetGroup])
        self.bodies = Matcher(g, [QHFIN.Body, QHFIN.BodyGroup])

    def ancestors(self, concept: URIRef) -> list[URIRef]:
        """Broader concepts, nearest first, each once."""
        if concept not in self._ancestors:
            self._ancestors[concept] = self._broader(concept)
        return self._ancestors[concept]

    def _broader(self, concept: URIRef) -> list[URIRef]:
        seen: list[URIRef] = []
        frontier = [concept]
        while frontier:
            nxt = []
            for c in frontier:
                for b in sorted(self.graph.objects(c, SKOS.broader)):
                    if b not in seen and b != concept:
                        seen.append(b)
                        nxt.append(b)
            frontier = nxt
        return seen

    def rules(self, cls: URIRef) -> list[CompiledRule]:
        """The rules of a class, most specific (lowest priority number) first; compiled once."""
        if cls not in self._rules:
            compiled = [compile_rule(self.graph, r) for r in set(self.graph.subjects(RDF.type, cls))]
            live = [r for r in compiled if r is not None]
            self._rules[cls] = sorted(live, key=lambda r: (r.priority, str(r.iri)))
        return self._rules[cls]
