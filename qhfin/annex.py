"""The 任务分工表 as a Word 附件, laid out as a government general office issues one: "附件" at the top left,
the title centred, a table in A4 landscape with a 黑体 header row repeated on every page, 仿宋 cells, each 重点任务
merged down its rows, page numbers in the footer.
"""

from __future__ import annotations

from .docx_style import FANGSONG, HEI, document, line, merge_runs, table, to_bytes
from .matrix_row import text_of

COLUMNS = [("seq", "序号", 1.3), ("key_task", "重点任务", 4.0), ("measure", "具体措施", 10.5), ("lead", "牵头单位", 4.2),
           ("cooperating", "配合单位", 4.2), ("deadline", "完成时限", 2.2)]
TITLE = "青海省“十四五”金融业发展规划重点任务分工表"


def to_docx(m: dict) -> bytes:
    """``qhfin.matrix.matrix``'s dict as the annex."""
    doc = document(landscape=True)
    line(doc, "附件", HEI, 16)
    line(doc, TITLE, HEI, 20, center=True)
    line(doc, m["era_note"], FANGSONG, 10.5, center=True)
    rows = [[text_of(r.get(key)) for key, _zh, _w in COLUMNS] for r in m["rows"]]
    grid = table(doc, [zh for _k, zh, _w in COLUMNS], rows, [w for _k, _z, w in COLUMNS])
    merge_runs(grid, [k for k, _z, _w in COLUMNS].index("key_task"))
    return to_bytes(doc)
