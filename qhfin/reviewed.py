"""What the build does with the double review's decisions (graph/curated/review.ttl, written by ``qhfin review apply``).

Three records come from the review, beside the curators' usual two:
- ``qhfin:rejectedLink`` with ``dcterms:source`` the review: like any rejection, and it also removes a *curated* link
  of the same property, object and role (an older curator's judgement the review overturned);
- ``qhfin:curatedLink`` with ``dcterms:source`` the review: a link the review added or put in place of another;
- ``qhfin:confirmedLink``: a link the review kept. The link (whatever made it) is marked ``qhfin:Reviewed`` with the
  reason; where no rule proposes it any more (a rule was narrowed after the review), it is made with a curated basis,
  so that the reviewed rows stay right whatever the rules propose next.

A rule-derived lead the review never saw is dropped from a row whose lead the review decided: the review, not a rule
written later, says who leads that row. Every other rule-derived link the review did not judge is a proposal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from .links import Link
from .namespaces import ID, QHFIN

REVIEW = ID["review/double-review-2026"]
CONFIRMED_NOTE_EN = Literal("Reviewed: kept in the 2026 double review (reason in Chinese)", lang="en")


@dataclass(frozen=True)
class Confirmation:
    prop: URIRef
    obj: URIRef
    role: URIRef | None
    notes: tuple[Literal, ...]


def from_review(g: Graph, node: BNode) -> bool:
    return (node, DCTERMS.source, REVIEW) in g


def confirmations(g: Graph, task: URIRef) -> list[Confirmation]:
    """The review's confirmations of a task, in a stable order (blank nodes have none of their own)."""
    found = []
    for node in g.objects(task, QHFIN.confirmedLink):
        prop, obj = g.value(node, QHFIN.linkProperty), g.value(node, QHFIN.linkObject)
        if prop is None or obj is None:
            raise ValueError(f"{task}: a confirmed link needs qhfin:linkProperty and qhfin:linkObject")
        notes = tuple(sorted(g.objects(node, QHFIN.curationNote)))
        if not any(isinstance(n, Literal) and n.language == "zh" for n in notes):
            raise ValueError(f"{task}: the confirmed link to {obj} carries no reason (qhfin:curationNote @zh)")
        found.append(Confirmation(prop, obj, g.value(node, QHFIN.role), notes))
    return sorted(found, key=lambda c: (str(c.prop), str(c.obj), str(c.role)))


def review_rejections(g: Graph, task: URIRef) -> set[tuple[URIRef, URIRef, URIRef | None]]:
    return {(g.value(n, QHFIN.linkProperty), g.value(n, QHFIN.linkObject), g.value(n, QHFIN.role))
            for n in g.objects(task, QHFIN.rejectedLink) if from_review(g, n)}


def overturned(link: Link, rejected: set[tuple[URIRef, URIRef, URIRef | None]]) -> bool:
    """A curated link (not the review's own) that the review rejected."""
    return not link.reviewed and (link.key in rejected or (link.prop, link.obj, None) in rejected)


def merge(curated: list[Link]) -> list[Link]:
    """A link the review added that a curator had already written is one link: reviewed, with both notes."""
    review = {lk.key: lk for lk in curated if lk.reviewed}
    out = []
    for lk in curated:
        if not lk.reviewed and lk.key in review:
            mine = review[lk.key]
            review[lk.key] = replace(mine, notes=tuple(dict.fromkeys(mine.notes + lk.notes)))
            continue
        out.append(lk)
    return [review.get(lk.key, lk) if lk.reviewed else lk for lk in out]


def confirm(task: URIRef, links: list[Link], confirmed: list[Confirmation],
            vetoed: set[tuple[URIRef, URIRef, URIRef | None]] = frozenset()) -> list[Link]:
    """Mark what the review kept; make what it kept and no rule proposes (unless a curator rejected it after the
    review, e.g. through ``qhfin matrix import``: ``vetoed``); drop rule leads it never saw, and a rule's 配合 for a
    body that leads the row."""
    links = list(links)
    for c in confirmed:
        hits = [i for i, lk in enumerate(links)
                if lk.prop == c.prop and lk.obj == c.obj and (c.role is None or lk.role == c.role)]
        for i in hits:
            links[i] = replace(links[i], reviewed=True, notes=tuple(dict.fromkeys(links[i].notes + c.notes)))
        if not hits and (c.prop, c.obj, c.role) not in vetoed and (c.prop, c.obj, None) not in vetoed:
            links.append(Link(task, c.prop, c.obj, QHFIN.Curated, role=c.role, order=90 + len(links),
                              notes=c.notes, reviewed=True))
    if any(lk.role == QHFIN.Lead and lk.reviewed for lk in links):
        links = [lk for lk in links
                 if not (lk.role == QHFIN.Lead and lk.basis == QHFIN.RuleDerived and not lk.reviewed)]
    leads = {lk.obj for lk in links if lk.role == QHFIN.Lead}
    return [lk for lk in links if not (lk.role == QHFIN.Cooperating and lk.obj in leads
                                       and lk.basis == QHFIN.RuleDerived and not lk.reviewed)]
