"""Which of four things a link is, as every page and export says it: 原文 (the plan states it), 审定 (a curator or the
review made it), 规则·已审定 (a rule proposed it and the review kept it) or 规则·未审定 (a rule's proposal nobody has
judged). A guess must never read like the plan: this is the one place that names the difference."""

from __future__ import annotations

from rdflib import Graph, URIRef

from .namespaces import QHFIN

STATUS = {  # key: (zh, en)
    "stated": ("原文", "stated"),
    "curated": ("审定", "curated"),
    "rule-reviewed": ("规则·已审定", "rule, reviewed"),
    "rule-proposal": ("规则·未审定", "rule, not reviewed (proposal)"),
}
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


def zh(key: str) -> str:
    return STATUS[key][0]


def en(key: str) -> str:
    return STATUS[key][1]
