"""The bodies a task's text names, with the role its wording gives each of them (pattern rules P-*).

"X牵头" makes X the lead, "会同X" a cooperating body, "X按职责分工负责" a body acting per its duties, "鼓励X…",
"X要…" or "压实X…责任" an addressee; any other body named is mentioned. Bodies listed together ("青海银行、农商行")
share the wording.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from .links import Link, Match, TaskText
from .namespaces import BODY_KIND, QHFIN, RULE
from .vocabulary import Vocabulary

DIRECTIVE_VERBS = ("鼓励和支持", "引导支持", "动员鼓励", "鼓励", "支持", "引导", "推动", "督促", "指导", "发挥", "帮助", "要求")
NOT_ACTORS = (BODY_KIND["platform"], BODY_KIND["market-infrastructure"])  # "发挥平台作用": a platform is used, it does not act
DUTY_VERBS = ("压实", "落实")  # "压实金融监管部门风险防控监管责任": X carries the duty
DIRECTIVE_GAP = re.compile(r"^[^，。；、：“”]{0,8}$")  # "鼓励符合条件的" + 农商行: a few words may stand between
CREATION_WORDS = ("设立", "建立", "组建", "发展", "引进", "引入", "培育", "筹建")  # "支持设立X": X is made, not the actor
LIST_JOINERS = ("、", "和", "及", "与")
RDF_TYPE_KIND = QHFIN.bodyKind
ROLE_STRENGTH = [QHFIN.Lead, QHFIN.PerDuty, QHFIN.Addressee, QHFIN.Cooperating, QHFIN.Mentioned]

RULE_LEAD_PATTERN = RULE["P-LEAD"]
RULE_COOPERATING_PATTERN = RULE["P-COOPERATING"]
RULE_PER_DUTY_PATTERN = RULE["P-PER-DUTY"]
RULE_ADDRESSEE_PATTERN = RULE["P-ADDRESSEE"]
RULE_MENTION = RULE["P-MENTION"]


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
                             task.source_offset(at), rule=rule, role=role, order=order)
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
