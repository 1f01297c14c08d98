"""Actual figures from public sources, imported all or nothing, as Data Cube observations with their source and kind.

Staff enter what they find in statistical communiqués and press releases (a csv or xlsx file, one figure a row).
The whole file is checked first — an unknown indicator, a unit that does not convert, a period outside 2021–2026,
a missing source or quote, a kind that is not published / derived / secondary — and every bad cell is named by row
and column, in Chinese and English; then a trial build must pass the shapes; only then is ``graph/actuals/actuals.ttl``
replaced. A figure already there with the same indicator, period and source is replaced (a correction); the others
stay.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from .config import Config
from .namespaces import DATASET, ID, PLAN_IRI, PREFIXES, QB, QHFIN
from .resolve import label, normalise_name
from .sheets import CellError, ImportRefused, Rows, cell_checks, read_table, text

FILE = "actuals.ttl"
SHEET = "实际数"
COLUMNS = [  # (header, English alias, required)
    ("指标", "indicator", True), ("期间", "period", True), ("数值", "value", True), ("单位", "unit", True),
    ("数据类型", "kind", True), ("来源标题", "source_title", True), ("来源地址", "source_url", False),
    ("原文摘录", "quote", True), ("来源中的名称", "reported_as", False), ("说明", "note", False),
]
ALIASES = {en: zh for zh, en, _ in COLUMNS}
KINDS = {"公开发布": QHFIN.Published, "published": QHFIN.Published, "推算": QHFIN.Derived, "derived": QHFIN.Derived,
         "二手": QHFIN.Secondary, "secondary": QHFIN.Secondary}
QUALIFIERS = [(">", QHFIN.MoreThan), ("超过", QHFIN.MoreThan), ("突破", QHFIN.MoreThan), ("≥", QHFIN.NotLessThan),
              ("<", QHFIN.LessThan), ("不足", QHFIN.LessThan), ("≤", QHFIN.NotMoreThan), ("≈", QHFIN.About),
              ("约", QHFIN.About)]
QUALIFIER_SIGN = {QHFIN.MoreThan: ">", QHFIN.NotLessThan: "≥", QHFIN.LessThan: "<", QHFIN.NotMoreThan: "≤",
                  QHFIN.About: "≈"}
# how many of the indicator's unit one of the entered unit is: 万元 → 亿元 is 0.0001
SCALE = {("万元", "亿元"): Decimal("0.0001"), ("元", "亿元"): Decimal("0.00000001"), ("万亿元", "亿元"): Decimal(10000),
         ("户", "万户"): Decimal("0.0001"), ("个", "家"): Decimal(1), ("家", "个"): Decimal(1)}
FIRST_YEAR, LAST_YEAR = 2021, 2026
PERIOD_RE = re.compile(r"^(\d{4})(?:\s*(?:-|年)\s*(\d{1,2})\s*(?:月末|月)?)?\s*(?:年末|年)?$")
URL_RE = re.compile(r"https?://[^\s)（）]+")
DSD = DATASET["actuals-dsd"]
HEADER = ("# 规划期实际数：由 qhfin actuals import 生成，勿手工编辑；改正请修改导入表后重新导入。\n"
          "# Actual figures of the plan period, written by `qhfin actuals import`; correct them by re-importing.\n")


@dataclass(frozen=True)
class Figure:
    indicator: URIRef
    period: str  # "2024" (the year, or its end) or "2025-06" (the end of that month)
    value: Decimal
    unit: URIRef
    kind: URIRef
    source_title: str
    urls: tuple[str, ...]
    quote: str
    qualifier: URIRef | None = None
    reported_as: str = ""
    note: str = ""

    @property
    def source(self) -> URIRef:
        digest = hashlib.sha1(f"{self.source_title}\n{' '.join(self.urls)}".encode()).hexdigest()[:12]
        return ID[f"source/{digest}"]

    @property
    def iri(self) -> URIRef:
        local = str(self.indicator).rsplit("/", 1)[-1]
        return ID[f"actual/{local}/{self.period}/{str(self.source).rsplit('/', 1)[-1][:8]}"]


def indicator_index(graph: Graph) -> dict[str, URIRef]:
    """Every name of every indicator, and of every target (standing for its indicator), normalised."""
    index: dict[str, URIRef] = {}
    for target in graph.subjects(RDF.type, QHFIN.Target):
        indicator = graph.value(target, QHFIN.indicator)
        for name in (*graph.objects(target, RDFS.label), str(target).rsplit("/", 1)[-1]):
            index.setdefault(normalise_name(str(name)), indicator)
    for indicator in sorted(graph.subjects(RDF.type, QHFIN.Indicator)):
        for name in (*graph.objects(indicator, SKOS.prefLabel), *graph.objects(indicator, SKOS.altLabel),
                     str(indicator).rsplit("/", 1)[-1], str(indicator)):
            index[normalise_name(str(name))] = indicator
    return index


def unit_index(graph: Graph) -> dict[str, URIRef]:
    units = {}
    for unit in graph.subjects(RDF.type, QHFIN.Unit):
        for name in (*graph.objects(unit, SKOS.notation), *graph.objects(unit, SKOS.prefLabel)):
            units[str(name).strip()] = unit
    return units


def parse_period(value: object) -> str | None:
    """"2024" or "2025-06" from 2024, "2024年", "2025-06", "2025年6月末"; None if it is neither."""
    if hasattr(value, "year") and hasattr(value, "month"):  # a date cell: its month
        return f"{value.year:04d}-{value.month:02d}"
    m = PERIOD_RE.match(str(value).strip().removesuffix(".0"))
    if not m:
        return None
    year, month = int(m.group(1)), m.group(2)
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{int(month):02d}" if 1 <= int(month) <= 12 else None


def parse_value(raw: str) -> tuple[Decimal, URIRef | None] | None:
    qualifier = None
    for sign, iri in QUALIFIERS:
        if raw.startswith(sign):
            raw, qualifier = raw[len(sign):].strip(), iri
            break
    try:
        number = Decimal(raw.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    return (number, qualifier) if number.is_finite() else None


def parse_rows(graph: Graph, sheet: str, rows: Rows) -> list[Figure]:
    """Every row checked; the figures, or ImportRefused naming every bad cell."""
    errors: list[CellError] = cell_checks(sheet, rows)
    indicators, units = indicator_index(graph), unit_index(graph)
    figures: dict[tuple, int] = {}
    found: list[Figure] = []
    for number, cells in rows:
        def bad(column: str, zh: str, en: str, number: int = number) -> None:
            if not any(e.row == number and e.column == column for e in errors):  # one message a cell
                errors.append(CellError(sheet, number, column, zh, en))

        name = text(cells, "指标")
        indicator = indicators.get(normalise_name(name))
        if indicator is None:
            bad("指标", f"未知指标或目标“{name}”", f"unknown indicator or target “{name}”")
        period = parse_period(cells.get("期间", ""))
        if period is None:
            bad("期间", f"期间“{text(cells, '期间')}”应为年份（2024）或月末（2025-06）",
                f"period “{text(cells, '期间')}” must be a year (2024) or a month end (2025-06)")
        elif not FIRST_YEAR <= int(period[:4]) <= LAST_YEAR:
            bad("期间", f"期间{period}不在{FIRST_YEAR}—{LAST_YEAR}年内", f"period {period} is outside {FIRST_YEAR}–{LAST_YEAR}")
        parsed = parse_value(text(cells, "数值"))
        if parsed is None:
            bad("数值", f"数值“{text(cells, '数值')}”不是数字", f"value “{text(cells, '数值')}” is not a number")
        unit_text = text(cells, "单位")
        unit, scale = units.get(unit_text), Decimal(1)
        if indicator is not None:
            wanted = graph.value(indicator, QHFIN.unit)
            wanted_text = str(graph.value(wanted, SKOS.notation) or label(graph, wanted)) if wanted is not None else ""
            if unit != wanted:
                scale = SCALE.get((unit_text, wanted_text))
                if scale is None:
                    bad("单位", f"单位“{unit_text}”无法换算为该指标的单位“{wanted_text}”",
                        f"unit “{unit_text}” does not convert to the indicator's unit “{wanted_text}”")
            unit = wanted
        kind = KINDS.get(text(cells, "数据类型").lower())
        if kind is None:
            bad("数据类型", f"数据类型“{text(cells, '数据类型')}”须为 公开发布、推算 或 二手",
                f"kind “{text(cells, '数据类型')}” must be published, derived or secondary")
        title, address = text(cells, "来源标题"), text(cells, "来源地址")
        urls = tuple(URL_RE.findall(address))
        if not title:
            bad("来源标题", "缺少来源", "the source is missing")
        if address and not urls:
            bad("来源地址", f"来源地址“{address}”不是 http(s) 网址", f"source address “{address}” is not an http(s) address")
        if not text(cells, "原文摘录"):
            bad("原文摘录", "缺少原文摘录", "the quote is missing")
        if errors and errors[-1].row == number or None in (indicator, period, parsed, kind, scale):
            continue
        figure = Figure(indicator, period, parsed[0] * scale, unit, kind, title, urls, text(cells, "原文摘录"),
                        parsed[1], text(cells, "来源中的名称") or name, text(cells, "说明"))
        if figure.iri in figures:
            bad("指标", f"与第{figures[figure.iri]}行重复（同一指标、期间与来源）",
                f"repeats row {figures[figure.iri]} (same indicator, period and source)")
            continue
        figures[figure.iri] = number
        found.append(figure)
    if errors:
        raise ImportRefused(errors)
    return found


def _lang(text_: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text_) else "en"


def to_graph(figures: list[Figure], graph: Graph) -> Graph:
    """The figures as Data Cube observations of ``dataset:actuals``, each with its PROV source and its kind."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("foaf", FOAF)
    data = DATASET["actuals"]
    g.add((data, RDF.type, QB.DataSet))
    g.add((data, QB.structure, DSD))
    g.add((data, DCTERMS.subject, PLAN_IRI))  # the plan whose period they measure: a store may hold many plans
    g.add((data, RDFS.label, Literal("规划期实际数", lang="zh")))
    g.add((data, RDFS.label, Literal("Actual figures of the plan period", lang="en")))
    g.add((data, RDFS.comment, Literal("取自规划以外公开来源的实际数，由工作人员录入（qhfin actuals import），每条附来源、原文摘录与数据类型。", lang="zh")))
    g.add((data, RDFS.comment, Literal("Actual figures from public sources other than the plan, entered by staff (qhfin actuals import), each with its source, quote and kind.", lang="en")))
    for order, (prop, role) in enumerate(((QHFIN.indicator, QB.dimension), (QHFIN.refPeriod, QB.dimension),
                                          (PROV.hadPrimarySource, QB.dimension), (QHFIN.value, QB.measure),
                                          (QHFIN.unit, QB.attribute), (QHFIN.figureKind, QB.attribute),
                                          (QHFIN.valueQualifier, QB.attribute)), start=1):
        component = URIRef(f"{DSD}/component/{order}")
        g.add((DSD, RDF.type, QB.DataStructureDefinition))
        g.add((DSD, QB.component, component))
        g.add((component, role, prop))
        g.add((component, QB.order, Literal(order)))
    for f in sorted(figures, key=lambda f: str(f.iri)):
        node = f.iri
        g.add((node, RDF.type, QB.Observation))
        g.add((node, RDF.type, QHFIN.ActualFigure))
        g.add((node, QB.dataSet, data))
        g.add((node, QHFIN.indicator, f.indicator))
        period_type = XSD.gYearMonth if "-" in f.period else XSD.gYear
        g.add((node, QHFIN.refPeriod, Literal(f.period, datatype=period_type)))
        g.add((node, QHFIN.value, Literal(f.value, datatype=XSD.decimal)))
        g.add((node, QHFIN.unit, f.unit))
        g.add((node, QHFIN.figureKind, f.kind))
        if f.qualifier is not None:
            g.add((node, QHFIN.valueQualifier, f.qualifier))
        g.add((node, QHFIN.sourceText, Literal(f.quote, lang=_lang(f.quote))))
        g.add((node, QHFIN.reportedAs, Literal(f.reported_as)))
        if f.note:
            g.add((node, RDFS.comment, Literal(f.note, lang=_lang(f.note))))
        g.add((node, PROV.hadPrimarySource, f.source))
        name = label(graph, f.indicator)
        g.add((node, RDFS.label, Literal(f"{name}（{f.period}，{label(graph, f.kind)}）", lang="zh")))
        g.add((node, RDFS.label, Literal(f"{label(graph, f.indicator, 'en')} ({f.period}, {label(graph, f.kind, 'en')})", lang="en")))
        g.add((f.source, RDF.type, PROV.Entity))
        g.add((f.source, DCTERMS.title, Literal(f.source_title)))
        for url in f.urls:
            g.add((f.source, FOAF.page, URIRef(url)))
    return g


def from_graph(g: Graph) -> list[Figure]:
    """The figures an actuals graph holds (to merge a new import into them)."""
    found = []
    for node in g.subjects(RDF.type, QHFIN.ActualFigure):
        source = g.value(node, PROV.hadPrimarySource)
        urls = tuple(sorted(str(u) for u in g.objects(source, FOAF.page)))
        found.append(Figure(g.value(node, QHFIN.indicator), str(g.value(node, QHFIN.refPeriod)),
                            Decimal(str(g.value(node, QHFIN.value))), g.value(node, QHFIN.unit),
                            g.value(node, QHFIN.figureKind), str(g.value(source, DCTERMS.title)), urls,
                            str(g.value(node, QHFIN.sourceText)), g.value(node, QHFIN.valueQualifier),
                            str(g.value(node, QHFIN.reportedAs) or ""), str(g.value(node, RDFS.comment) or "")))
    return found


def import_actuals(config: Config, path: Path) -> tuple[int, int]:
    """Apply the file or nothing. Returns (figures in the file, figures kept in all)."""
    from .build import union
    from .staff_import import baseline, trial_and_commit

    sheet, rows = read_table(path, SHEET, tuple(h for h, _en, req in COLUMNS if req), ALIASES)
    ds = baseline(config)
    graph = union(ds)
    new = parse_rows(graph, sheet, rows)
    kept = {f.iri: f for f in from_graph(graph)}
    kept.update({f.iri: f for f in new})
    trial_and_commit(config, "actuals", FILE, ds, to_graph(list(kept.values()), graph), HEADER)
    return len(new), len(kept)


__all__ = ["COLUMNS", "Figure", "ImportRefused", "import_actuals", "parse_rows", "to_graph"]
