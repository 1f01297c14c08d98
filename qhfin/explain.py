"""How one step of a path is said: a sentence in Chinese and English, and the basis of the link it follows.

The explorer (``qhfin.explore``) finds the paths; this words each hop for the people who read them — the CLI, the
JSON API and the page show the same words — and says on what the link rests: the plan's own words (stated), a
named rule, a curator's decision, the vocabulary's hierarchy or the document's structure. A link is never said
more firmly than its basis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .impact import BASIS_ZH, PREDICATE_IRI
from .terms import ROLE_ZH
from .text import quoted

if TYPE_CHECKING:
    from .explore import Edge, Explorer


def explain_step(ex: Explorer, edge: Edge, frm: str, to: str) -> dict:
    """One hop of a path, ``frm`` → ``to`` along ``edge`` (whichever way the edge points), explained."""
    s, o, _key = edge
    data = ex.net.edges[edge]
    pred, role = data["predicate"], data.get("role")
    zh, en = _sentence(ex, pred, role, s, o)
    basis_zh, basis_en = _basis(data)
    step = {"from": frm, "from_label": ex.net.nodes[frm]["label"], "to": to, "to_label": ex.net.nodes[to]["label"],
            "predicate": pred, "triple": [s, str(PREDICATE_IRI[pred]), o], "basis": data["basis"],
            "evidence": data["evidence"], "zh": zh + basis_zh, "en": en + basis_en}
    for extra in ("role", "rule", "note"):
        if data.get(extra):
            step[extra] = data[extra]
    return step


def _sentence(ex: Explorer, pred: str, role: str | None, s: str, o: str) -> tuple[str, str]:
    a, b = ex.name(s), ex.name(o)
    la, lb = ex.net.nodes[s]["label_en"], ex.net.nodes[o]["label_en"]
    if pred == "responsibleBody":
        if role == "mentioned":
            return f"{a}提及{b}", f"task “{la}” mentions {lb}"
        if role == "addressee":
            return f"{b}是{a}的实施主体", f"{lb} carries out “{la}”"
        return f"{b}{ROLE_ZH.get(role or '', '负责')}{a}", f"{lb} ({role}) in “{la}”"
    if pred == "subTaskOf":
        return f"{a}是{b}的分句", f"“{la}” is a clause of “{lb}”"
    zh = {"usesInstrument": "使用", "supportsTheme": "服务于", "targetsGroup": "服务于", "contributesTo": "推动",
          "dependsOn": "依赖", "broader": "属于", "is_part_of": "见于"}[pred]
    en = {"usesInstrument": "uses the instrument", "supportsTheme": "serves the theme", "targetsGroup": "serves",
          "contributesTo": "drives the target", "dependsOn": "depends on", "broader": "belongs to", "is_part_of": "is written in"}[pred]
    return f"{a}{zh}{b}", f"“{la}” {en} “{lb}”"


def _basis(data: dict) -> tuple[str, str]:
    basis, evidence = data["basis"], data["evidence"]
    if basis == "stated":
        return f"（原文明述：{quoted(evidence)}）", f" (stated in the text: {quoted(evidence)})"
    if basis == "rule":
        return (f"（规则{data['rule']}推导，依据原文{quoted(evidence)}）" if evidence else f"（规则{data['rule']}推导）",
                f" (derived by rule {data['rule']}" + (f" from {quoted(evidence)})" if evidence else ")"))
    if basis == "curated":
        why = data.get("note") or (f"原文{quoted(evidence)}" if evidence else "")
        return f"（人工审定：{why}）" if why else "（人工审定）", " (curated)"
    if data["predicate"] == "broader":
        return "（词表中的上下位关系）", " (the vocabulary's hierarchy)"
    if data["predicate"] in ("subTaskOf", "is_part_of"):
        return "（文档结构）", " (the document's structure)"
    return f"（{BASIS_ZH.get(basis, basis)}）", f" ({basis})"
