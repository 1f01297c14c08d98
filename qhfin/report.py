"""The evaluation report a provincial office can start its 总结评估 from, in Word, Excel or HTML.

One dict (``qhfin.evaluation.evaluation``), three writers: the attainment table, progress by chapter and by lead
unit, the carry-over list for the 15th Five-Year plan (tasks not completed, targets not reached), and every figure
with its source. Spreadsheet cells are neutralised against formula injection.
"""

from __future__ import annotations

import html
import io

from .cells import as_text

ATTAINMENT = ["目标", "基期值", "目标值", "最新实际数", "期间", "数据类型", "来源", "状态"]
FIGURES = ["指标", "期间", "数值", "单位", "数据类型", "来源", "来源地址", "原文摘录"]
PROGRESS = ["分组", "任务数", "已完成", "基本完成", "推进中", "未启动", "不再适用", "未填报"]
TASKS = ["任务编号", "任务", "牵头单位", "进展情况", "填报日期", "主要成效", "佐证材料"]


def _number(value: float | None, qualifier: str | None = None) -> str:
    if value is None:
        return "—"
    return (qualifier or "") + (f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}")


def attainment_rows(data: dict) -> list[list[str]]:
    """One row per target: what it was, what it is to be, the figure that decides and where it comes from."""
    rows = []
    for t in data["targets"]:
        shown = t["latest"] or t["indicative"]
        base = t["baseline"]
        status = t["status_label"] + ("" if t["latest"] or not shown else f"（参考：{_kind_status(shown, data)}）")
        rows.append([t["label"], f"{_number(base['value'])} {t['unit_symbol']}（{int(t['baseline_t']) - 1}）" if base and base["value"] is not None else "无",
                     f"{t['as_printed'] or _number(t['value'])}", f"{_number(shown['value'], shown['qualifier'])} {shown['unit']}" if shown else "无数据",
                     shown["period_label"] if shown else "—", shown["kind_label"] if shown else "—",
                     _source_text(shown) if shown else "—", status])
    return rows


def _kind_status(figure: dict, data: dict) -> str:
    return f"{figure['kind_label']}数据示意{data['statuses']['targets'][figure['status']]['zh']}，不作结论"


def _source_text(figure: dict) -> str:
    return figure["source"]["title"] + (f" {figure['source']['url']}" if figure["source"]["url"] else "")


def figure_rows(data: dict) -> list[list[str]]:
    seen, rows = set(), []
    everything = [(t["indicator_label"], a) for t in data["targets"] for a in t["actuals"]]
    everything += [(i["label"], a) for i in data["indicators"] for a in i["actuals"]]
    for name, a in everything:
        if a["id"] in seen:
            continue
        seen.add(a["id"])
        rows.append([name, a["period_label"], _number(a["value"], a["qualifier"]), a["unit"], a["kind_label"],
                     a["source"]["title"], " ".join(a["source"]["urls"]), a["quote"] + (f"（{a['note']}）" if a["note"] else "")])
    return rows


def progress_rows(groups: list[dict]) -> list[list[str]]:
    keys = ["completed", "mostly-completed", "in-progress", "not-started", "not-applicable", "not-reported"]
    return [[g["group"], str(g["total"]), *(str(g["counts"][k]) for k in keys)] for g in groups]


def task_rows(data: dict, ids: list[str]) -> list[list[str]]:
    wanted = set(ids)
    return [[t["id"], t["label"], "、".join(t["leads"]), t["status_label"], t["date"] or "—", t["achievements"],
             t["evidence"]] for t in data["tasks"] if t["id"] in wanted]


def sections(data: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, header, rows) in the report's order; every writer renders these."""
    by_id = {t["id"]: t for t in data["targets"]}
    carry_targets = [[by_id[i]["label"], by_id[i]["status_label"]] for i in data["carry_over"]["targets"]]
    return [
        ("一、主要目标完成情况", ATTAINMENT, attainment_rows(data)),
        ("二、任务进展（按章节）", PROGRESS, progress_rows(data["progress"]["by_chapter"])),
        ("三、任务进展（按牵头单位）", PROGRESS, progress_rows(data["progress"]["by_lead"])),
        ("四、结转“十五五”规划的事项：未完成的任务", TASKS, task_rows(data, data["carry_over"]["tasks"])),
        ("五、结转“十五五”规划的事项：未实现或无数据的目标", ["目标", "状态"], carry_targets),
        ("六、尚未填报进展的任务", TASKS, task_rows(data, data["carry_over"]["tasks_not_reported"])),
        ("七、全部实际数及其来源", FIGURES, figure_rows(data)),
    ]


NOTE = ("说明：状态只由公开发布的数字（或由公开发布的分项相加）决定；推算、二手数字照列并注明，不单独作结论。"
        "年中或月末数字与规划路径在同一时点的数值比较（按所需年均增速复合增长；比例类指标按直线）；“约”“左右”按±5%掌握。")


def to_docx(data: dict) -> bytes:
    from .docx_style import HEI, document, line, table, to_bytes  # python-docx: imported when a report is asked for

    doc = document(landscape=True)
    line(doc, data["title"], HEI, 18, center=True)
    line(doc, NOTE, size=10.5)
    for heading, header, rows in sections(data):
        line(doc, heading, HEI, 14)
        if rows:
            table(doc, header, rows, [])
        else:
            line(doc, "（无）")
    return to_bytes(doc)


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for heading, header, rows in sections(data):
        ws = wb.create_sheet(heading.split("、", 1)[1][:31].replace("：", "-"))
        ws.append([heading])
        ws.append(header)
        for r in rows:
            ws.append(list(r))
        as_text(ws)  # a text that begins with = is stored as text, never run (qhfin.cells)
        for cell in ws[2]:
            cell.font = Font(bold=True, name="黑体")
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = "A3"
    notes = wb.create_sheet("说明")
    notes.append([data["title"]])
    notes.append([NOTE])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_html(data: dict) -> bytes:
    parts = [f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(data["title"])}</title>'
             "<style>body{font-family:FangSong,serif}h1,h2,th{font-family:SimHei,sans-serif}table{border-collapse:collapse}"
             "td,th{border:1px solid #888;padding:2px 6px;vertical-align:top}</style></head><body>",
             f"<h1>{html.escape(data['title'])}</h1><p>{html.escape(NOTE)}</p>"]
    for heading, header, rows in sections(data):
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if not rows:
            parts.append("<p>（无）</p>")
            continue
        parts.append("<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>")
        parts += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


def attainment_lines(data: dict) -> list[str]:
    """The attainment table as tab-separated text, for the terminal."""
    return ["\t".join(ATTAINMENT), *("\t".join(r) for r in attainment_rows(data))]


REPORT_WRITERS = {"docx": to_docx, "xlsx": to_xlsx, "html": to_html}
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "html": "text/html; charset=utf-8"}
