"""Which of four things a link is, as every page and export says it: 原文 (the plan states it), 审定 (a curator or the
review made it), 规则·已审定 (a rule proposed it and the review kept it) or 规则·未审定 (a rule's proposal nobody has
judged). A guess must never read like the plan: this is the one place that names the difference. The words are the
ontology's short forms of the basis and the review status (``qhfin.terms.short``)."""

from __future__ import annotations

from rdflib import Graph, URIRef

from .namespaces import QHFIN
from .terms import BASES, short

STRENGTH = ("stated", "curated", "rule-reviewed", "rule-proposal")


def node_status(graph: Graph, node: URIRef) -> str:
    basis = graph.value(node, QHFIN.basis)
    if basis == QHFIN.Stated:
        return "stated"
    if basis == QHFIN.Curated:
        return "curated"
    return "rule-reviewed" if (node, QHFIN.reviewStatus, QHFIN.Reviewed) in graph else "rule-proposal"


def strongest(keys: list[str]) -> str:
    """Of several reasons for one link, the one a reader should see first (the plan's words before anyone's)."""
    return min(keys, key=STRENGTH.index) if keys else "rule-proposal"


def words(key: str, lang: str) -> str:
    """原文 · 审定 · 规则·已审定 · 规则·未审定 (stated · curated · rule, reviewed · rule, not reviewed (proposal))."""
    if key in ("stated", "curated"):
        return short(BASES[key], lang)
    review = short({"rule-reviewed": QHFIN.Reviewed, "rule-proposal": QHFIN.Proposal}[key], lang)
    return short(BASES["rule"], lang) + ("·" if lang == "zh" else ", ") + review


def zh(key: str) -> str:
    return words(key, "zh")


def en(key: str) -> str:
    return words(key, "en")
