"""Links every task to its bodies, instruments, themes, target groups, targets and deadline, each with its basis.

Three kinds of basis, never mixed up (docs/modelling.md):
- *stated*: the words are in the task's own text and are quoted (a vocabulary label, "X牵头", "鼓励X…");
- *rule-derived*: a named rule in ``graph/rules/`` (or a hierarchy / pattern rule) produced it, and says which;
- *curated*: a curator wrote it in ``graph/curated/``, with a note.
Curators can also reject an automatic link; the rejection is kept, the link is not made.

A task's own links come from ``body_roles`` (the bodies and their roles), ``concept_links`` (instruments, themes,
target groups) and ``rules`` (scope, mandate, target and deadline rules); this module keeps one link of each kind.
"""

from __future__ import annotations

from collections.abc import Iterable

from .links import Link
from .namespaces import QHFIN, RULE

RULE_INHERIT = RULE["R-INHERIT-PARENT"]
RULE_FROM_CLAUSES = RULE["R-LEAD-FROM-CLAUSES"]


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
