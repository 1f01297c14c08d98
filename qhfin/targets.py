"""Chapter 3's 2025 targets against Chapter 1's 2020 baselines, with the growth they require and the tasks behind them."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from . import status
from .namespaces import QHFIN
from .plan_tasks import leaf_tasks
from .resolve import label

NO_DIRECT = ("没有任务经原文、审定或复审确认直接推动该指标；所列任务（如有）仅为规则建议。",
             "No task moves this indicator directly by the plan's words, a curator's or the review's judgement; the "
             "tasks listed, if any, are only rules' proposals.")

RELATION_NAME = {QHFIN.AtLeast: "at-least", QHFIN.Exceeds: "exceeds", QHFIN.Approximately: "approximately",
                 QHFIN.Maintain: "maintain", QHFIN.FullCoverage: "full-coverage", QHFIN.RaiseTo: "raise-to"}


def _number(value: object) -> float | None:
    if value is None:
        return None
    try:
        return float(Decimal(str(value)))
    except ArithmeticError:
        return None


def _year(value: object) -> int | None:
    return int(str(value)[:4]) if value is not None and str(value)[:4].isdigit() else None


def required_growth(baseline: float | None, base_year: int | None, target: float | None, year: int | None) -> float | None:
    """Compound annual growth from the baseline to the target, in per cent; None where it means nothing."""
    if None in (baseline, base_year, target, year) or baseline <= 0 or year <= base_year:
        return None
    return round(((target / baseline) ** (1 / (year - base_year)) - 1) * 100, 2)


def target_record(graph: Graph, target: URIRef, order: dict[URIRef, int] | None = None) -> dict:
    """One target; ``order`` (leaf task → its place in the plan) is computed once by ``targets`` for all of them."""
    unit = graph.value(target, QHFIN.unit)
    value, year = _number(graph.value(target, QHFIN.targetValue)), _year(graph.value(target, QHFIN.targetYear))
    baseline = graph.value(target, QHFIN.baseline)
    base = None
    if baseline is not None:
        base = {"id": str(baseline), "value": _number(graph.value(baseline, QHFIN.value)),
                "year": _year(graph.value(baseline, QHFIN.refPeriod)),
                "as_printed": str(graph.value(baseline, QHFIN.asPrinted) or ""),
                "derived": graph.value(baseline, QHFIN.basis) == QHFIN.RuleDerived}
    growth = required_growth(base["value"] if base else None, base["year"] if base else None, value, year)
    if unit is not None and str(unit).endswith("/percent"):
        growth = None  # a share does not compound
    notes = sorted(graph.objects(target, QHFIN.baselineNote), key=lambda n: (getattr(n, "language", "") != "zh", str(n)))
    if order is None:
        order = plan_order(graph)
    tasks = sorted((t for t in set(graph.subjects(QHFIN.contributesTo, target)) if t in order), key=order.__getitem__)
    moves = [_moves(graph, t, target) for t in tasks]
    direct = any(m["status"] != "rule-proposal" for m in moves)
    return {
        "id": str(target),
        "label": label(graph, target),
        "label_en": label(graph, target, "en"),
        "value": value,
        "unit": label(graph, unit) if unit is not None else None,
        "unit_en": label(graph, unit, "en") if unit is not None else None,
        "year": year,
        "relation": RELATION_NAME.get(graph.value(target, QHFIN.targetRelation)),
        "as_printed": str(graph.value(target, QHFIN.asPrinted) or ""),
        "text": str(graph.value(target, QHFIN.sourceText) or ""),
        "baseline": base,
        "baseline_note": [str(n) for n in notes if getattr(n, "language", None) != "en"],  # Chinese first
        "baseline_note_en": [str(n) for n in notes if getattr(n, "language", None) == "en"],
        "series": series(graph, target, unit),
        "path": growth_path(base["value"] if base else None, base["year"] if base else None, value, year, growth),
        "required_annual_growth_percent": growth,
        "tasks": [{"id": str(t), "label": label(graph, t), **m} for t, m in zip(tasks, moves, strict=True)],
        "moved_directly": direct,
        "no_direct_task": None if direct else {"zh": NO_DIRECT[0], "en": NO_DIRECT[1]},
        "comment": [str(c) for c in sorted(graph.objects(target, RDFS.comment),
                                           key=lambda c: (getattr(c, "language", None) != "zh", str(c)))],
    }


def series(graph: Graph, target: URIRef, unit: object) -> list[dict]:
    """Chapter 1's yearly figures (2015–2020) of the target's indicator, in the target's unit, for the chart."""
    indicator = graph.value(target, QHFIN.indicator)
    found = {}
    for obs in graph.subjects(QHFIN.indicator, indicator) if indicator is not None else ():
        year, value = str(graph.value(obs, QHFIN.refPeriod) or ""), _number(graph.value(obs, QHFIN.value))
        if (obs, RDF.type, QHFIN.ActualFigure) in graph:  # actuals are drawn by the evaluation, not as the plan's series
            continue
        if year.isdigit() and value is not None and graph.value(obs, QHFIN.unit) == unit and obs != target:
            found[int(year)] = {"year": int(year), "value": value, "as_printed": str(graph.value(obs, QHFIN.asPrinted) or "")}
    return [found[y] for y in sorted(found)]


def growth_path(baseline: float | None, base_year: int | None, target: float | None, year: int | None,
                growth: float | None) -> list[dict]:
    """The yearly values the target implies from the baseline: compound at the required growth, or a straight line
    for a share (which does not compound)."""
    if None in (baseline, base_year, target, year) or year <= base_year:
        return []
    steps = year - base_year
    if growth is not None:
        return [{"year": base_year + i, "value": round(baseline * (1 + growth / 100) ** i, 4)} for i in range(steps + 1)]
    return [{"year": base_year + i, "value": round(baseline + (target - baseline) * i / steps, 4)} for i in range(steps + 1)]


def _moves(graph: Graph, task: URIRef, target: URIRef) -> dict:
    """Why a task moves a target: the review's reason (or a curator's note), else the rule's rationale."""
    nodes = [n for n in graph.objects(task, QHFIN.qualifiedLink)
             if graph.value(n, QHFIN.linkProperty) == QHFIN.contributesTo and graph.value(n, QHFIN.linkObject) == target]
    keys = [status.node_status(graph, n) for n in nodes]
    key = status.strongest(keys)
    node = nodes[keys.index(key)] if nodes else None
    notes = [x for x in graph.objects(node, QHFIN.curationNote) if getattr(x, "language", None) == "zh"] if node else []
    rule = graph.value(node, QHFIN.rule) if node is not None else None
    if notes:
        zh = str(sorted(notes)[0])
        en = "Reviewed: see the reason in Chinese" if key != "rule-proposal" else "curated"
    elif rule is not None:
        zh, en = label(graph, rule, "zh") + "（规则，未经复审）", label(graph, rule, "en") + " (rule, not reviewed)"
    else:
        zh, en = "", ""
    return {"status": key, "status_zh": status.zh(key), "status_en": status.en(key), "reason_zh": zh, "reason_en": en,
            "rule": str(rule) if rule is not None else None}


def plan_order(graph: Graph) -> dict[URIRef, int]:
    return {t: i for i, t in enumerate(leaf_tasks(graph))}


def targets(graph: Graph) -> dict:
    found = sorted(graph.subjects(RDF.type, QHFIN.Target), key=lambda t: int(graph.value(t, QHFIN.startOffset) or 0))
    order = plan_order(graph)  # once, not once per target: at 0.5 M quads that was 35 s for /api/targets
    results = [target_record(graph, t, order) for t in found]
    return {"count": len(results), "results": results}
