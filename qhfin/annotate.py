"""Links every task to its bodies, instruments, themes, target groups, targets and deadline, each with its basis.

Three kinds of basis, never mixed up (docs/modelling.md):
- *stated*: the words are in the task's own text and are quoted (a vocabulary label, "X牵头", "鼓励X…");
- *rule-derived*: a named rule in ``graph/rules/`` (or a hierarchy / pattern rule) produced it, and says which;
- *curated*: a curator wrote it in ``graph/curated/``, with a note.
Curators can also reject an automatic link; the rejection is kept, the link is not made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import BODY_KIND, QHFIN, RULE

DIRECTIVE_VERBS = ("鼓励和支持", "引导支持", "动员鼓励", "鼓励", "支持", "引导", "推动", "督促", "指导", "发挥", "帮助", "要求")
NOT_ACTORS = (BODY_KIND["platform"], BODY_KIND["market-infrastructure"])  # "发挥平台作用": a platform is used, it does not act
DUTY_VERBS = ("压实", "落实")  # "压实金融监管部门风险防控监管责任": X carries the duty
DIRECTIVE_GAP = re.compile(r"^[^，。；、：“”]{0,8}$")  # "鼓励符合条件的" + 农商行: a few words may stand between
CREATION_WORDS = ("设立", "建立", "组建", "发展", "引进", "引入", "培育", "筹建")  # "支持设立X": X is made, not the actor
LIST_JOINERS = ("、", "和", "及", "与")
RDF_TYPE_KIND = QHFIN.bodyKind
ROLE_STRENGTH = [QHFIN.Lead, QHFIN.PerDuty, QHFIN.Addressee, QHFIN.Cooperating, QHFIN.Mentioned]

RULE_HIERARCHY = RULE["R-THEME-HIERARCHY"]
RULE_INSTRUMENT_HIERARCHY = RULE["R-INSTRUMENT-HIERARCHY"]
RULE_INSTRUMENT_THEME = RULE["R-INSTRUMENT-THEME"]
RULE_GROUP_THEME = RULE["R-GROUP-THEME"]
RULE_LEAD_PATTERN = RULE["P-LEAD"]
RULE_COOPERATING_PATTERN = RULE["P-COOPERATING"]
RULE_PER_DUTY_PATTERN = RULE["P-PER-DUTY"]
RULE_ADDRESSEE_PATTERN = RULE["P-ADDRESSEE"]
RULE_MENTION = RULE["P-MENTION"]
RULE_INHERIT = RULE["R-INHERIT-PARENT"]
RULE_FROM_CLAUSES = RULE["R-LEAD-FROM-CLAUSES"]


@dataclass(frozen=True)
class TaskText:
    """What annotation needs of a task: its IRI, text, where each character came from, and where it sits."""

    iri: URIRef
    text: str
    offsets: tuple[int, ...]
    units: frozenset[URIRef]  # every document unit above the task
    parent: URIRef | None = None


@dataclass(frozen=True)
class Link:
    task: URIRef
    prop: URIRef
    obj: URIRef
    basis: URIRef
    evidence: str | None = None
    offset: int | None = None
    via: URIRef | None = None
    rule: URIRef | None = None
    role: URIRef | None = None
    order: int | None = None
    notes: tuple[Literal, ...] = ()
    reviewed: bool = False  # judged by the 2026 double review (graph/curated/review.ttl): kept, replaced or added

    @property
    def key(self) -> tuple[URIRef, URIRef, URIRef | None]:
        return (self.prop, self.obj, self.role)


@dataclass(frozen=True)
class Match:
    concept: URIRef
    start: int
    end: int
    label: str


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


def _offset(task: TaskText, start: int | None) -> int | None:
    return task.offsets[start] if start is not None and start < len(task.offsets) else None


def _body_lists(text: str, matches: list[Match]) -> list[list[Match]]:
    """Group body mentions that the text lists together ("青海银行、农商行")."""
    groups: list[list[Match]] = []
    for m in matches:
        if groups and text[groups[-1][-1].end : m.start] in LIST_JOINERS:
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def body_links(task: TaskText, vocab: Vocabulary) -> list[Link]:
    """Bodies the text names, with the role its wording gives them (pattern rules P-*)."""
    text = task.text
    links: dict[URIRef, Link] = {}
    order = 0
    previous_end = 0
    for group in _body_lists(text, vocab.bodies.find(text)):
        first, last = group[0], group[-1]
        after, before = text[last.end :], text[previous_end : first.start]
        offset_before = previous_end
        previous_end = last.end
        listed = text[first.start : last.end]
        role, evidence, start, rule = QHFIN.Mentioned, None, first.start, RULE_MENTION
        if after.startswith("牵头"):
            role, evidence, rule = QHFIN.Lead, listed + "牵头", RULE_LEAD_PATTERN
        elif after.startswith("按职责分工负责"):
            role, evidence, rule = QHFIN.PerDuty, listed + "按职责分工负责", RULE_PER_DUTY_PATTERN
        elif before.endswith("会同"):
            role, evidence, start, rule = QHFIN.Cooperating, "会同" + listed, first.start - 2, RULE_COOPERATING_PATTERN
        elif after.startswith("要"):
            role, evidence, rule = QHFIN.Addressee, listed + "要", RULE_ADDRESSEE_PATTERN
        elif (duty := _duty(text, before, offset_before, last.end)) is not None:
            role, start, rule = QHFIN.Addressee, duty[0], RULE_ADDRESSEE_PATTERN
            evidence = duty[1]
        elif any((m.concept, RDF_TYPE_KIND, kind) in vocab.graph for m in group for kind in NOT_ACTORS):
            pass
        else:
            for verb in DIRECTIVE_VERBS:
                pos = before.rfind(verb)
                gap = before[pos + len(verb) :] if pos >= 0 else ""
                if (pos >= 0 and DIRECTIVE_GAP.match(gap) and not any(w in gap for w in CREATION_WORDS)
                        and not gap.startswith("与")):
                    role, start, rule = QHFIN.Addressee, offset_before + pos, RULE_ADDRESSEE_PATTERN
                    evidence = text[start : last.end]
                    break
        for m in group:
            order += 1
            words, at = (evidence, start) if evidence is not None else (m.label, m.start)
            candidate = Link(task.iri, QHFIN.responsibleBody, m.concept, QHFIN.Stated, words,
                             _offset(task, at), rule=rule, role=role, order=order)
            current = links.get(m.concept)
            if current is None or ROLE_STRENGTH.index(role) < ROLE_STRENGTH.index(current.role):
                links[m.concept] = candidate if current is None else _replace(candidate, order=current.order)
    return list(links.values())


def _duty(text: str, before: str, offset_before: int, end: int) -> tuple[int, str] | None:
    """"压实/落实 X …责任": the verb right before X and 责任 later in the same clause."""
    for verb in DUTY_VERBS:
        if before.endswith(verb):
            clause_end = min([i for i in (text.find("，", end), text.find("。", end)) if i >= 0] or [len(text)])
            if "责任" in text[end:clause_end]:
                start = offset_before + len(before) - len(verb)
                return start, text[start : text.find("责任", end) + 2]
    return None


def _replace(link: Link, **changes: object) -> Link:
    values = {k: getattr(link, k) for k in link.__dataclass_fields__}
    values.update(changes)
    return Link(**values)


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
            offset = _offset(task, m.start)
            links.append(Link(task.iri, prop, m.concept, QHFIN.Stated, m.label, offset))
            links += implications(task, vocab, prop, m.concept, m.label, offset)
    return links


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


def _fires(rule: CompiledRule, task: TaskText, present: set[tuple[URIRef, URIRef]]) -> str | None:
    """The words that make a rule fire for a task, or None. A rule with no trigger always fires (a default)."""
    for link_prop, value, words in rule.triggers:
        if (link_prop, value) in present:
            return words
    for phrase in rule.phrases:
        if phrase in task.text:
            return phrase
    for unit, heading in rule.within:
        if unit in task.units:
            return heading
    return "" if rule.is_default else None


def _evidence_offset(task: TaskText, words: str) -> int | None:
    pos = task.text.find(words) if words else -1
    return _offset(task, pos) if pos >= 0 else None


def rule_links(task: TaskText, vocab: Vocabulary, links: list[Link]) -> list[Link]:
    """Scope, mandate and target rules, evaluated against what the task already has."""
    out: list[Link] = []
    present = {(link.prop, link.obj) for link in links}
    for rule in vocab.rules(QHFIN.ScopeRule):
        words = _fires(rule, task, present)
        if words is None:
            continue
        for theme in sorted(vocab.graph.objects(rule.iri, QHFIN.impliesTheme)):
            for t in (theme, *vocab.ancestors(theme)):
                out.append(Link(task.iri, QHFIN.supportsTheme, t, QHFIN.RuleDerived, words,
                                _evidence_offset(task, words), theme if t != theme else None, rule.iri))
    present |= {(link.prop, link.obj) for link in out}
    out += _mandate_links(task, vocab, links, present)
    for rule in vocab.rules(QHFIN.TargetRule):
        words = _fires(rule, task, present)
        if words is None:
            continue
        for target in sorted(vocab.graph.objects(rule.iri, QHFIN.impliesTarget)):
            out.append(Link(task.iri, QHFIN.contributesTo, target, QHFIN.RuleDerived, words,
                            _evidence_offset(task, words), rule=rule.iri))
    return out


def _mandate_links(task: TaskText, vocab: Vocabulary, links: list[Link], present: set) -> list[Link]:
    """The most specific mandate rule that fires gives the lead; every other one a cooperating body."""
    fired = []
    for rule in vocab.rules(QHFIN.MandateRule):
        words = _fires(rule, task, present)
        if words is not None:
            fired.append((rule, words))
    if not fired:
        return []
    stated_lead = any(link.role == QHFIN.Lead for link in links)
    best = fired[0][0].priority
    out = []
    order = 100  # rule-derived bodies come after the ones the text lists
    assigned: set[URIRef] = set()
    for rule, words in fired:
        is_lead = not stated_lead and rule.priority == best
        for body in sorted(vocab.graph.objects(rule.iri, QHFIN.assignsBody)):
            if body in assigned:
                continue
            assigned.add(body)
            order += 1
            out.append(Link(task.iri, QHFIN.responsibleBody, body, QHFIN.RuleDerived, words,
                            _evidence_offset(task, words), rule=rule.iri,
                            role=QHFIN.Lead if is_lead else QHFIN.Cooperating, order=order))
    return out


def deadline(task: TaskText, vocab: Vocabulary) -> tuple[Literal, Literal | None, URIRef] | None:
    """The first deadline rule that fires: (wording, year, rule)."""
    for rule in vocab.rules(QHFIN.DeadlineRule):
        if _fires(rule, task, set()) is not None:
            return (vocab.graph.value(rule.iri, QHFIN.deadline), vocab.graph.value(rule.iri, QHFIN.deadlineYear), rule.iri)
    return None


def dedupe(links: Iterable[Link]) -> list[Link]:
    """One link per (property, object, role, basis), the first one found; a body keeps one rule-derived role."""
    seen: dict[tuple, Link] = {}
    for link in links:
        seen.setdefault((*link.key, link.basis), link)
    kept = list(seen.values())
    bodies = [lk for lk in kept if lk.prop == QHFIN.responsibleBody]
    stated = {(lk.obj, lk.role) for lk in bodies if lk.basis != QHFIN.RuleDerived}
    leads = {lk.obj for lk in bodies if lk.role == QHFIN.Lead and lk.basis != QHFIN.RuleDerived}
    rule_leads = {lk.obj for lk in bodies if lk.role == QHFIN.Lead}
    result = []
    for link in kept:
        if link.prop == QHFIN.responsibleBody and link.basis == QHFIN.RuleDerived and (
            (link.obj, link.role) in stated
            or (link.obj in leads and link.role in (QHFIN.Lead, QHFIN.Cooperating))
            or (link.obj in rule_leads and link.role == QHFIN.Cooperating)
        ):
            continue
        result.append(link)
    return result
