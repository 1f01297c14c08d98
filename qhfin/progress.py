"""Task progress reported by the lead units: the sheet a unit fills in, and its import, all or nothing.

``export_sheet`` writes a lead unit's tasks (the sentence, its deadline, the cooperating units) with 进展情况 as a
drop-down, and 主要成效 / 佐证材料 / 填报日期 to fill in, pre-filled with the unit's last report. ``import_progress``
reads the returned files, checks every row (unknown task, a unit that does not lead the task, a status off the list,
a date outside 2021 – today, 已完成 without evidence, formulas) and applies all of them or none. Every report keeps its
date and unit: a later one supersedes an earlier one (``prov:wasRevisionOf``), and the history stays.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, XSD

from .cells import as_text
from .config import Config
from .matrix_row import row
from .namespaces import ID, PREFIXES, QHFIN
from .plan_tasks import leaf_tasks
from .resolve import Resolver, label
from .sheets import CellError, ImportRefused, Rows, cell_checks, read_table, text

FILE = "progress.ttl"
SHEET = "进展填报"
STATUSES = {"已完成": QHFIN.Completed, "基本完成": QHFIN.MostlyCompleted, "推进中": QHFIN.InProgress,
            "未启动": QHFIN.NotStarted, "不再适用": QHFIN.NoLongerApplicable}
STATUS_KEYS = {QHFIN.Completed: "completed", QHFIN.MostlyCompleted: "mostly-completed", QHFIN.InProgress: "in-progress",
               QHFIN.NotStarted: "not-started", QHFIN.NoLongerApplicable: "not-applicable"}
NEEDS_EVIDENCE = (QHFIN.Completed, QHFIN.MostlyCompleted)
COLUMNS = [("seq", "序号", 6), ("id", "任务编号", 12), ("key_task", "重点任务", 18), ("measure", "具体措施", 60),
           ("lead", "牵头单位", 20), ("cooperating", "配合单位", 24), ("deadline", "完成时限", 12),
           ("status", "进展情况", 12), ("achievements", "主要成效", 40), ("evidence", "佐证材料", 30),
           ("date", "填报日期", 14), ("unit", "填报单位", 20)]
REQUIRED = ("任务编号", "进展情况", "主要成效", "佐证材料", "填报日期", "填报单位")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
HEADER = ("# 牵头单位填报的任务进展：由 qhfin progress import 生成；后报者取代先报者，历史保留。\n"
          "# Task progress reported by the lead units, written by `qhfin progress import`; later reports supersede, the history stays.\n")


@dataclass(frozen=True)
class Report:
    task: URIRef
    unit: URIRef
    date: dt.date
    status: URIRef
    achievements: str
    evidence: str
    source: str  # the file it came from

    @property
    def iri(self) -> URIRef:
        notation = str(self.task).rsplit("/", 1)[-1]
        return ID[f"progress/{notation}/{str(self.unit).rsplit('/', 1)[-1]}/{self.date.isoformat()}"]


def predecessor(graph: Graph, body: URIRef) -> URIRef:
    """A successor's name (after the 2023 reform) stands for the body the plan named."""
    for event in graph.objects(body, ORG.resultedFrom):
        original = graph.value(event, ORG.originalOrganization)
        if original is not None:
            return original
    return body


def reports(graph: Graph) -> list[Report]:
    found = []
    for node in graph.subjects(RDF.type, QHFIN.ProgressReport):
        found.append(Report(graph.value(node, QHFIN.progressOf), graph.value(node, PROV.wasAttributedTo),
                            dt.date.fromisoformat(str(graph.value(node, DCTERMS.date))),
                            graph.value(node, QHFIN.progressStatus), str(graph.value(node, QHFIN.achievements) or ""),
                            str(graph.value(node, QHFIN.supportingEvidence) or ""),
                            str(graph.value(node, DCTERMS.source) or "")))
    return sorted(found, key=lambda r: (str(r.task), r.date, str(r.iri)))


def latest_reports(graph: Graph) -> dict[URIRef, list[Report]]:
    """Each task's reports, latest first: the first is the one in force, the rest its history."""
    by_task: dict[URIRef, list[Report]] = {}
    for report in reports(graph):
        by_task.setdefault(report.task, []).insert(0, report)
    return by_task


def export_sheet(graph: Graph, lead: str) -> bytes:
    """The xlsx a lead unit fills in: its tasks, a drop-down for 进展情况, its last report filled in."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    body = predecessor(graph, Resolver(graph).resolve("body", lead))
    tasks = [t for t in leaf_tasks(graph) if str(body) in row(graph, t)["lead_ids"]]
    if not tasks:
        raise LookupError(f"“{label(graph, body)}”不牵头任何任务 / “{label(graph, body, 'en')}” leads no task")
    history = latest_reports(graph)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([zh for _key, zh, _w in COLUMNS])
    for i, task in enumerate(tasks, start=1):
        r = row(graph, task)
        last = next((rep for rep in history.get(task, []) if rep.unit == body), None)
        values = {**{k: "、".join(v) if isinstance(v, list) else v for k, v in r.items()}, "seq": i,
                  "status": _status_name(last.status) if last else "", "achievements": last.achievements if last else "",
                  "evidence": last.evidence if last else "", "date": last.date if last else None,
                  "unit": label(graph, body)}
        ws.append([values.get(key) for key, _zh, _w in COLUMNS])
    status_col = get_column_letter([k for k, _z, _w in COLUMNS].index("status") + 1)
    date_col = get_column_letter([k for k, _z, _w in COLUMNS].index("date") + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                             showErrorMessage=True, errorTitle="进展情况", error="请从下拉列表中选择 / choose from the list")
    choices.add(f"{status_col}2:{status_col}{len(tasks) + 1}")
    dates = DataValidation(type="date", operator="between", formula1="DATE(2021,1,1)", formula2="DATE(2030,12,31)",
                           allow_blank=True, showErrorMessage=True, error="请填写日期，如 2026-03-31 / a date, e.g. 2026-03-31")
    dates.add(f"{date_col}2:{date_col}{len(tasks) + 1}")
    as_text(ws)  # a text that begins with = is stored as text, never run (qhfin.cells)
    ws.add_data_validation(choices)
    ws.add_data_validation(dates)
    fill = PatternFill("solid", fgColor="FFF7D6")
    for i, (key, _zh, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        ws.cell(row=1, column=i).font = Font(bold=True, name="黑体")
        for r in range(2, len(tasks) + 2):
            cell = ws.cell(row=r, column=i)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if key in ("status", "achievements", "evidence", "date"):
                cell.fill = fill
            if key == "date":
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "C2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    note = wb.create_sheet("说明")
    for line in (f"“十四五”金融业发展规划任务进展填报表 · 牵头单位：{label(graph, body)}",
                 "请填写黄色各列：进展情况（下拉选择：已完成、基本完成、推进中、未启动、不再适用）、主要成效、佐证材料、填报日期。",
                 "“已完成”“基本完成”须列明佐证材料。其余各列仅供阅读，导入时只读取任务编号与填报各列。",
                 "Fill in the yellow columns: status (drop-down), main results, evidence, date. Completed or mostly "
                 "completed tasks need evidence. Other columns are for reading; the import reads only the task ID and "
                 "the columns filled in.", "导入 / import: qhfin progress import FILE.xlsx"):
        note.append([line])
    note.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _status_name(status: URIRef) -> str:
    return next(name for name, iri in STATUSES.items() if iri == status)


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = DATE_RE.match(str(value).strip().removesuffix(" 00:00:00"))
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def parse_rows(graph: Graph, sheet: str, rows: Rows, source: str, today: dt.date) -> list[Report]:
    """Every row checked; the reports, or the errors (the caller gathers them over every file)."""
    errors: list[CellError] = cell_checks(sheet, rows)
    tasks = {str(graph.value(t, SKOS.notation)): t for t in leaf_tasks(graph)}
    resolver, found = Resolver(graph), []
    for number, cells in rows:
        def bad(column: str, zh: str, en: str, number: int = number) -> None:
            if not any(e.row == number and e.column == column for e in errors):  # one message a cell
                errors.append(CellError(sheet, number, column, zh, en))

        filled = [text(cells, h) for h in ("进展情况", "主要成效", "佐证材料")]
        if not any(filled):
            continue  # a task the unit did not report on this time
        notation, status = text(cells, "任务编号"), STATUSES.get(filled[0])
        task = tasks.get(notation)
        if task is None:
            bad("任务编号", f"未知任务编号“{notation}”", f"unknown task ID “{notation}”")
        if status is None:
            bad("进展情况", f"进展情况“{filled[0]}”须为：{'、'.join(STATUSES)}",
                f"status “{filled[0]}” must be one of: completed, mostly completed, in progress, not started, no longer applicable")
        elif status in NEEDS_EVIDENCE and not filled[2]:
            bad("佐证材料", f"“{filled[0]}”须列明佐证材料", f"“{filled[0]}” needs its evidence")
        date = parse_date(cells.get("填报日期", ""))
        if date is None:
            bad("填报日期", f"填报日期“{text(cells, '填报日期')}”不是日期（如 2026-03-31）",
                f"date “{text(cells, '填报日期')}” is not a date (e.g. 2026-03-31)")
        elif not dt.date(2021, 1, 1) <= date <= today:
            bad("填报日期", f"填报日期{date}不在2021-01-01至今天之间", f"date {date} is not between 2021-01-01 and today")
        unit = None
        try:
            unit = predecessor(graph, resolver.resolve("body", text(cells, "填报单位")))
        except LookupError:
            bad("填报单位", f"未知单位“{text(cells, '填报单位')}”", f"unknown unit “{text(cells, '填报单位')}”")
        if unit is not None and task is not None and str(unit) not in row(graph, task)["lead_ids"]:
            bad("填报单位", f"“{label(graph, unit)}”不是任务{notation}的牵头单位",
                f"“{label(graph, unit, 'en')}” does not lead task {notation}")
        if None not in (task, status, date, unit) and not (errors and errors[-1].row == number and errors[-1].sheet == sheet):
            found.append(Report(task, unit, date, status, filled[1], filled[2], source))
    if errors:
        raise ImportRefused(errors)
    return found


def to_graph(all_reports: list[Report], graph: Graph) -> Graph:
    """The reports as PROV entities; each names the one it supersedes on the same task."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    previous: dict[URIRef, URIRef] = {}
    for r in sorted(all_reports, key=lambda r: (str(r.task), r.date, str(r.iri))):
        node = r.iri
        g.add((node, RDF.type, QHFIN.ProgressReport))
        g.add((node, QHFIN.progressOf, r.task))
        g.add((node, QHFIN.progressStatus, r.status))
        g.add((node, DCTERMS.date, Literal(r.date.isoformat(), datatype=XSD.date)))
        g.add((node, PROV.wasAttributedTo, r.unit))
        g.add((node, DCTERMS.source, Literal(r.source)))
        if r.achievements:
            g.add((node, QHFIN.achievements, Literal(r.achievements, lang="zh")))
        if r.evidence:
            g.add((node, QHFIN.supportingEvidence, Literal(r.evidence, lang="zh")))
        if r.task in previous:
            g.add((node, PROV.wasRevisionOf, previous[r.task]))
        previous[r.task] = node
        notation = str(r.task).rsplit("/", 1)[-1]
        g.add((node, RDFS.label, Literal(f"任务{notation}进展（{label(graph, r.unit)}，{r.date}）", lang="zh")))
        g.add((node, RDFS.label, Literal(f"Progress of task {notation} ({label(graph, r.unit, 'en')}, {r.date})", lang="en")))
    return g


def import_progress(config: Config, paths: list[Path], today: dt.date | None = None) -> tuple[int, int]:
    """Apply every file or none. Returns (reports in the files, reports kept in all)."""
    from .build import union
    from .staff_import import baseline, trial_and_commit

    tables = []
    errors: list = []
    for path in paths:
        try:
            tables.append((path, *read_table(path, SHEET, REQUIRED)))
        except ImportRefused as exc:
            errors += exc.errors
    if errors:
        raise ImportRefused(errors)
    ds = baseline(config)
    graph = union(ds)
    new: dict[URIRef, Report] = {}
    for path, sheet, rows in tables:
        try:
            for report in parse_rows(graph, f"{path.name}:{sheet}", rows, path.name, today or dt.date.today()):
                if report.iri in new:
                    errors.append(f"{path.name}: 任务{str(report.task).rsplit('/', 1)[-1]}同日重复填报 / "
                                  f"task {str(report.task).rsplit('/', 1)[-1]} reported twice on {report.date}")
                new[report.iri] = report
        except ImportRefused as exc:
            errors += exc.errors
    if errors:
        raise ImportRefused(errors)
    kept = {r.iri: r for r in reports(graph)}
    kept.update(new)
    trial_and_commit(config, "progress", FILE, ds, to_graph(list(kept.values()), graph), HEADER)
    return len(new), len(kept)
