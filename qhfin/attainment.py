"""Target attainment, period-aware: each 2025 target against the actual figures staff entered, each with its source.

A figure is compared with the point the plan's path reaches at that figure's own date — a June balance with June's
point on the path the required annual growth implies, not with a year end — and a figure for the end of 2025 with
the target itself. Only published figures decide a status; so does a sum the graph computes from published
components (``qhfin:sumOf``: deposits + loans), the way the plan's own baseline was computed. A derived or
secondary figure entered by staff is shown, marked as such, with the status it would suggest, and decides nothing.
Where nothing is known the status is 无数据.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from .namespaces import QHFIN
from .resolve import label
from .targets import plan_order, target_record

STATUS = {
    "achieved": ("已实现", "achieved"),
    "not-achieved": ("未实现", "not achieved"),
    "on-track": ("符合进度", "on track"),
    "behind": ("滞后", "behind"),
    "undetermined": ("无法判断", "cannot be judged"),
    "no-data": ("无数据", "no data"),
}
KIND = {QHFIN.Published: "published", QHFIN.Derived: "derived", QHFIN.Secondary: "secondary"}
KIND_NAMES = {"published": ("公开发布", "published"), "derived": ("推算", "derived"), "secondary": ("二手", "secondary")}
SIGN = {QHFIN.MoreThan: ">", QHFIN.NotLessThan: "≥", QHFIN.LessThan: "<", QHFIN.NotMoreThan: "≤", QHFIN.About: "≈"}
TOLERANCE = 0.05  # 约 / 左右: within 5 % of the figure named (an interpretation; the plan gives no band)


def when(period: str) -> float:
    """The period's end as a decimal year: the end of 2020 is 2021.0, the end of June 2025 is 2025.5."""
    if "/" in period:
        period = period.rsplit("/", 1)[-1]
    year, _, month = period.partition("-")
    return int(year) + (int(month) / 12 if month else 1.0)


def period_label(period: str) -> tuple[str, str]:
    year, _, month = period.partition("-")
    if month:
        return f"{year}年{int(month)}月末", f"end of {date(int(year), int(month), 1):%B %Y}"
    return f"{year}年", str(year)


def _source(graph: Graph, node: URIRef) -> dict:
    src = graph.value(node, PROV.hadPrimarySource)
    urls = sorted(str(u) for u in graph.objects(src, FOAF.page)) if src is not None else []
    return {"id": str(src) if src is not None else None, "title": str(graph.value(src, DCTERMS.title) or ""),
            "url": urls[0] if urls else None, "urls": urls}


def unit_symbol(graph: Graph, unit: URIRef | None) -> str:
    """亿元, %, 家: the unit as figures are written."""
    return str(graph.value(unit, SKOS.notation) or label(graph, unit)) if unit is not None else ""


def actual(graph: Graph, node: URIRef) -> dict:
    """One actual figure as plain data: value, period, kind, source, quote, and how it was named."""
    period = str(graph.value(node, QHFIN.refPeriod))
    kind = KIND.get(graph.value(node, QHFIN.figureKind), "secondary")
    qualifier = graph.value(node, QHFIN.valueQualifier)
    zh, en = period_label(period)
    return {"id": str(node), "indicator": str(graph.value(node, QHFIN.indicator)), "period": period,
            "period_label": zh, "period_label_en": en, "t": when(period),
            "value": float(Decimal(str(graph.value(node, QHFIN.value)))), "qualifier": SIGN.get(qualifier),
            "unit": unit_symbol(graph, graph.value(node, QHFIN.unit)), "kind": kind, "kind_label": KIND_NAMES[kind][0],
            "kind_label_en": KIND_NAMES[kind][1], "decisive": kind == "published" and qualifier in (None, QHFIN.About),
            "source": _source(graph, node), "quote": str(graph.value(node, QHFIN.sourceText) or ""),
            "reported_as": str(graph.value(node, QHFIN.reportedAs) or ""),
            "note": str(graph.value(node, RDFS.comment) or ""), "derived_from": []}


def actuals_by_indicator(graph: Graph) -> dict[URIRef, list[dict]]:
    found: dict[URIRef, list[dict]] = {}
    for node in graph.subjects(RDF.type, QHFIN.ActualFigure):
        found.setdefault(graph.value(node, QHFIN.indicator), []).append(actual(graph, node))
    for figures in found.values():
        figures.sort(key=lambda a: (a["t"], a["kind"] != "published", a["id"]))
    return found


def sums(graph: Graph, indicator: URIRef, index: dict[URIRef, list[dict]]) -> list[dict]:
    """The indicator's value wherever every one of its ``qhfin:sumOf`` components is known at the same point."""
    parts = sorted(graph.objects(indicator, QHFIN.sumOf))
    if not parts:
        return []
    periods = set.intersection(*({a["period"] for a in index.get(p, []) if a["qualifier"] is None} for p in parts))
    result = []
    for period in sorted(periods, key=when):
        chosen = [min((a for a in index[p] if a["period"] == period and a["qualifier"] is None),
                      key=lambda a: (a["kind"] != "published", a["id"])) for p in parts]
        total = float(sum(Decimal(str(a["value"])) for a in chosen))
        zh, en = period_label(period)
        arithmetic = " + ".join(f"{label(graph, URIRef(a['indicator']))} {a['value']:g}（{a['kind_label']}）" for a in chosen)
        result.append({"id": f"{indicator}/sum/{period}", "indicator": str(indicator), "period": period,
                       "period_label": zh, "period_label_en": en, "t": when(period), "value": total,
                       "qualifier": None, "unit": chosen[0]["unit"], "kind": "derived", "kind_label": "推算",
                       "kind_label_en": "derived", "decisive": all(a["kind"] == "published" for a in chosen),
                       "source": {"id": None, "title": "由分项相加（本图谱计算）：" + "；".join(
                                      dict.fromkeys(a["source"]["title"] for a in chosen)),
                                  "url": None, "urls": sorted({u for a in chosen for u in a["source"]["urls"]})},
                       "quote": f"{arithmetic} = {total:g}", "reported_as": "", "note": "",
                       "derived_from": [a["id"] for a in chosen]})
    return result


def _meets(relation: str | None, value: float, qualifier: str | None, threshold: float) -> bool | None:
    """Does the figure satisfy the relation against the threshold? None when its qualifier leaves it open."""
    if relation in ("approximately", "maintain"):
        return None if qualifier in (">", "<", "≥", "≤") else abs(value - threshold) <= TOLERANCE * abs(threshold)
    if qualifier in (">", "≥"):
        return True if value >= threshold else None
    if qualifier in ("<", "≤"):
        return False if value <= threshold else None
    return value > threshold if relation == "exceeds" else value >= threshold


def path_at(record: dict, t: float) -> float | None:
    """The point the plan's path reaches at ``t``: compound growth for amounts, a straight line for shares,
    the level itself for a level to be maintained."""
    value, base = record["value"], record["baseline"]
    if value is None:
        return None
    if record["relation"] == "maintain":
        return value
    if not base or base["value"] is None:
        return None
    t0, t1 = record["baseline_t"], record["year"] + 1.0
    growth = record["required_annual_growth_percent"]
    if growth is not None:
        return base["value"] * (1 + growth / 100) ** (t - t0)
    return base["value"] + (value - base["value"]) * (t - t0) / (t1 - t0)


def judge(record: dict, figure: dict) -> tuple[str, float | None]:
    """(status key, the threshold it was compared with) for one figure."""
    final = figure["t"] >= record["year"] + 1.0
    threshold = record["value"] if final else path_at(record, figure["t"])
    if record["value"] is None:
        return "undetermined", None
    if threshold is None:  # no path (no baseline): only a figure already at the target says anything
        meets = _meets(record["relation"], figure["value"], figure["qualifier"], record["value"])
        return ("on-track", record["value"]) if meets else ("undetermined", None)
    meets = _meets(record["relation"], figure["value"], figure["qualifier"], threshold)
    if meets is None:
        return "undetermined", threshold
    if final:
        return ("achieved" if meets else "not-achieved"), threshold
    return ("on-track" if meets else "behind"), threshold


def related_indicators(graph: Graph, indicator: URIRef) -> list[URIRef]:
    found = set(graph.objects(indicator, SKOS.related)) | set(graph.subjects(SKOS.related, indicator))
    found |= set(graph.objects(indicator, QHFIN.sumOf))
    return sorted(found - {indicator})


def attainment(graph: Graph, target: URIRef, index: dict[URIRef, list[dict]], order: dict | None = None) -> dict:
    """One target: baseline, target, path, every actual with its source, and its status with the figure behind it."""
    record = target_record(graph, target, order)
    indicator = graph.value(target, QHFIN.indicator)
    baseline = graph.value(target, QHFIN.baseline)
    record["baseline_t"] = when(str(graph.value(baseline, QHFIN.refPeriod))) if baseline is not None else None
    own = sorted(index.get(indicator, []) + sums(graph, indicator, index), key=lambda a: a["t"])
    in_period = [a for a in own if a["t"] <= record["year"] + 1.0] if record["year"] else own
    for figure in own:
        figure["status"], figure["compared_with"] = judge(record, figure) if record["year"] else ("undetermined", None)
    decisive = [a for a in in_period if a["decisive"]]
    others = [a for a in in_period if not a["decisive"]]
    latest = decisive[-1] if decisive else None
    status = latest["status"] if latest else ("undetermined" if record["value"] is None and own else "no-data")
    indicative = others[-1] if others and (not latest or others[-1]["t"] > latest["t"]) else None
    record.update({
        "unit_symbol": unit_symbol(graph, graph.value(target, QHFIN.unit)), "indicator": str(indicator), "indicator_label": label(graph, indicator),
        "indicator_label_en": label(graph, indicator, "en"),
        "actuals": own, "latest": latest, "indicative": indicative,
        "status": status, "status_label": STATUS[status][0], "status_label_en": STATUS[status][1],
        "path": [{"t": t, "value": path_at(record, t)} for t in _path_times(record) if path_at(record, t) is not None],
        "related": [{"indicator": str(i), "label": label(graph, i), "label_en": label(graph, i, "en"),
                     "actuals": index[i]} for i in related_indicators(graph, indicator) if index.get(i)],
    })
    return record


def _path_times(record: dict) -> list[float]:
    if not record["year"]:
        return []
    start = record["baseline_t"] or record["year"] + 1.0
    return [start + i * 0.5 for i in range(int((record["year"] + 1.0 - start) * 2) + 1)]


def attainments(graph: Graph) -> list[dict]:
    index = actuals_by_indicator(graph)
    order = plan_order(graph)
    found = sorted(graph.subjects(RDF.type, QHFIN.Target), key=lambda t: int(graph.value(t, QHFIN.startOffset) or 0))
    return [attainment(graph, t, index, order) for t in found]


def context_indicators(graph: Graph, targets: list[dict]) -> list[dict]:
    """Indicators with actual figures but no target of their own (green lending, GDP …), with the plan's 2020 figure."""
    index = actuals_by_indicator(graph)
    measured = {URIRef(t["indicator"]) for t in targets}
    result = []
    for indicator in sorted(set(index) - measured, key=lambda i: label(graph, i)):
        base = next((o for o in graph.subjects(QHFIN.indicator, indicator)
                     if str(graph.value(o, QHFIN.refPeriod)) == "2020" and (o, RDF.type, QHFIN.ActualFigure) not in graph),
                    None)
        result.append({"indicator": str(indicator), "label": label(graph, indicator), "label_en": label(graph, indicator, "en"),
                       "unit": unit_symbol(graph, graph.value(indicator, QHFIN.unit)),
                       "baseline": {"value": float(Decimal(str(graph.value(base, QHFIN.value)))), "year": 2020, "t": 2021.0}
                       if base is not None else None,
                       "related_targets": [t["id"] for t in targets
                                           if indicator in related_indicators(graph, URIRef(t["indicator"]))],
                       "actuals": index[indicator]})
    return result
