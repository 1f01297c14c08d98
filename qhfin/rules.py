"""The rule engine: scope, mandate, target and deadline rules of ``graph/rules/``, evaluated against one task.

A rule fires on a link the task already has, a phrase of its text or a heading above it, and quotes those words as
its evidence; a rule with no trigger is a default and always fires. The rules come compiled from ``Vocabulary``.
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from .links import Link, TaskText
from .namespaces import QHFIN
from .vocabulary import CompiledRule, Vocabulary


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
    return task.source_offset(pos) if pos >= 0 else None


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
