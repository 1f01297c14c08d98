"""Writers for the matrix and other tables: csv (UTF-8 with BOM), xlsx, json, html, markdown.

Each takes the plain dict that ``qhfin.matrix.matrix`` returns and gives bytes, so the CLI and the web layer share
them.
"""

from __future__ import annotations

import csv
import html
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .cells import as_text, neutral
from .matrix_row import text_of

if TYPE_CHECKING:  # openpyxl (with numpy, a quarter of a second) is imported by the one writer that needs it
    from openpyxl import Workbook

SHEET = "任务分工表"
GRID_SHEET = "单位×任务"
NOTE_SHEET = "说明"
MEDIA_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
WIDTHS = {"seq": 6, "id": 12, "chapter": 14, "key_task": 16, "measure": 60, "lead": 22, "cooperating": 22,
          "addressees": 18, "deadline": 14, "targets": 20, "instruments": 20, "source": 24, "lead_basis": 10}
TITLE = "青海省“十四五”金融业发展规划重点任务分工表"


def _cells(m: dict) -> tuple[list[str], list[list[str]]]:
    header = [c["zh"] for c in m["columns"]]
    rows = [[text_of(r.get(c["key"])) for c in m["columns"]] for r in m["rows"]]
    return header, rows


def to_json(m: dict) -> bytes:
    return json.dumps(m, ensure_ascii=False, indent=1).encode("utf-8")


def to_csv(m: dict) -> bytes:
    """UTF-8 with a BOM, so that spreadsheet programs read the Chinese correctly."""
    header, rows = _cells(m)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutral(cell) for cell in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_markdown(m: dict) -> bytes:
    header, rows = _cells(m)

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {TITLE}", "", m["era_note"], "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_html(m: dict) -> bytes:
    header, rows = _cells(m)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    doc = (f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{TITLE}</title></head><body>'
           f"<h1>{TITLE}</h1><p>{html.escape(m['era_note'])}</p>"
           f'<table class="matrix"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>')
    return doc.encode("utf-8")


def to_xlsx(m: dict) -> bytes:
    """As an office would publish the annex: frozen header, merged 重点任务, wrapped text, A4 landscape."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    header, rows = _cells(m)
    keys = [c["key"] for c in m["columns"]]
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True, name="SimSun")
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in rows:
        ws.append([int(v) if keys[i] == "seq" else v for i, v in enumerate(row)])
    for i, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key, 14)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
    _merge_runs(ws, keys.index("key_task") + 1, len(rows))
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddHeader.center.text = TITLE
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    as_text(ws)
    _grid_sheet(wb, m)
    note = wb.create_sheet(NOTE_SHEET)
    for line in (TITLE, m["era_note"], "“牵头依据”：原文＝规划原文写明；规则＝按具名职责规则推导；审定＝人工审定。",
                 "修改“牵头单位”“配合单位”后可用 qhfin matrix import 导回；其余各列仅供阅读，导入时不读取。",
                 "Edit 牵头单位 / 配合单位 and re-import with `qhfin matrix import`; other columns are read-only."):
        note.append([line])
    note.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _merge_runs(ws, column: int, count: int) -> None:
    """Merge consecutive equal 重点任务 cells, as printed annexes do."""
    start = 2
    for r in range(3, count + 3):
        current = ws.cell(row=r, column=column).value if r < count + 2 else None
        previous = ws.cell(row=start, column=column).value
        if r == count + 2 or current != previous:
            if r - 1 > start:
                ws.merge_cells(start_row=start, start_column=column, end_row=r - 1, end_column=column)
            start = r


def _grid_sheet(wb: Workbook, m: dict) -> None:
    grid = wb.create_sheet(GRID_SHEET)
    bodies = m["bodies"]
    grid.append(["任务编号", "任务"] + [b["label"] for b in bodies])
    index = {b["id"]: i for i, b in enumerate(bodies)}
    roles: dict[tuple[str, int], str] = {}
    for cell in m["cells"]:
        key = (cell["task"], index[cell["body"]])
        roles[key] = "牵头" if cell["role"] == "牵头" or roles.get(key) == "牵头" else cell["role"]
    for task in m["tasks"]:
        grid.append([task["id"], task["label"]] + [roles.get((task["id"], i), "") for i in range(len(bodies))])
    as_text(grid)
    grid.freeze_panes = "C2"
    grid.column_dimensions["B"].width = 30


def write_out(data: bytes, output: str | None) -> None:
    """Bytes to a file (saying so on stderr) or to standard output, for every command that exports."""
    if output:
        Path(output).write_bytes(data)
        print(f"已写入 / written: {output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)


def to_docx(m: dict) -> bytes:
    """The Word 附件 (``qhfin.annex``; python-docx is imported only when one is asked for)."""
    from .annex import to_docx as annex

    return annex(m)


WRITERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "html": to_html, "md": to_markdown, "docx": to_docx}
