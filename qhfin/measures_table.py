"""The measures list as a table for Excel: the columns the measures page shows, the why included.

``measures(graph, query) -> dict`` answers the question; ``table`` lays that answer out in the page's columns, and
the csv / xlsx writers turn it into a download, so the file and the screen cannot drift apart.
"""

from __future__ import annotations

import io

from .cells import as_text
from .terms import BASIS_SHORT_ZH, ROLE_ZH
from .writers import to_csv

COLUMNS = [  # (key, zh, en): the parts of each measure on the page, in the order it shows them
    ("seq", "序号", "No."),
    ("notation", "任务编号", "Task ID"),
    ("label", "措施", "Measure"),
    ("concerns", "与所查单位的关系", "How it concerns the body asked for"),
    ("path", "所在章节", "Where in the plan"),
    ("text", "原文", "Text of the plan"),
    ("why", "匹配依据", "Why it matched"),
    ("bodies", "单位及角色", "Bodies and roles"),
    ("themes", "主题", "Themes"),
    ("instruments", "政策工具", "Policy instruments"),
    ("deadline", "完成时限", "Deadline"),
]
WIDTHS = {"seq": 6, "notation": 12, "label": 30, "path": 24, "text": 60, "concerns": 22, "why": 50, "bodies": 36,
          "themes": 20, "instruments": 20, "deadline": 12}
TITLE = "青海省“十四五”金融业发展规划 · 措施"


def columns(answer: dict) -> list[dict]:
    """The columns of this answer: “how it concerns the body” only when a body was asked for."""
    keep = [c for c in COLUMNS if c[0] != "concerns" or answer["query"].get("body")]
    return [{"key": k, "zh": zh, "en": en, "header": f"{zh} / {en}"} for k, zh, en in keep]


def table(answer: dict) -> dict:
    """Rows of plain text, one per measure, in the answer's order."""
    rows = []
    for i, r in enumerate(answer["results"], start=1):
        rows.append({
            "seq": str(i),
            "notation": r["notation"],
            "label": r["label"],
            "path": " › ".join(p["label"] for p in r["path"]),
            "text": r["text"],
            "concerns": (r.get("match") or {}).get("zh") or "本单位",
            "why": "\n".join(f"[{BASIS_SHORT_ZH.get(w['basis'], w['basis'])}] {w['zh']}" for w in r["why"]),
            "bodies": "、".join(f"{b['label']}（{ROLE_ZH.get(b['role'] or '', b['role'] or '')}）" for b in r["bodies"]),
            "themes": "、".join(c["label"] for c in r["themes"]),
            "instruments": "、".join(c["label"] for c in r["instruments"]),
            "deadline": r.get("deadline") or "",
        })
    return {"columns": [{**c, "zh": c["header"]} for c in columns(answer)], "rows": rows}


def to_measures_csv(answer: dict) -> bytes:
    """UTF-8 with a BOM, headers “中文 / English”, through the project's one csv writer."""
    return to_csv(table(answer))


def to_measures_xlsx(answer: dict, filters: str = "") -> bytes:
    """One sheet with a frozen header row and wrapped text, and a note on what the columns mean."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    data = table(answer)
    wb = Workbook()
    ws = wb.active
    ws.title = "措施"
    ws.append([c["header"] for c in data["columns"]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in data["rows"]:
        ws.append([int(row[c["key"]]) if c["key"] == "seq" else row[c["key"]] for c in data["columns"]])
    as_text(ws)  # a cell beginning with = is stored as the text it is, never a formula (qhfin.cells)
    for i, c in enumerate(data["columns"], start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(c["key"], 16)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    note = wb.create_sheet("说明")
    for line in (TITLE, f"筛选 / filters: {filters}" if filters else "",
                 "“匹配依据”：[原文] 规划原文写明；[规则] 按具名规则推导（建议，待审定）；[审定] 人工审定。",
                 "Why it matched: [原文] stated in the plan; [规则] derived by a named rule (a proposal); [审定] curated (a decision).",
                 "“承继 …”：所查单位承继的前身单位的任务；“经由 …”：写给其所属群体的任务（只上溯一级）。",
                 "“succeeds …”: tasks of a body the asked one succeeded; “via …”: tasks addressed to a group it belongs to (one step)."):
        if line:
            note.append([line])
    note.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
