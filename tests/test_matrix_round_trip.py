"""Issue 16, finding 7: every export re-imports unchanged, and edits the importer cannot apply are refused by cell."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from qhfin.curate import MatrixImportError, parse_rows, read_rows, records
from qhfin.matrix import Filters, matrix
from qhfin.writers import SHEET, WRITERS

FILTERS = {"all": Filters(), "chapter 5": Filters(chapter="5"), "乡村振兴": Filters(theme="乡村振兴"),
           "PBoC": Filters(body="中国人民银行西宁中心支行")}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("era", ["2021", "2023"])
@pytest.mark.parametrize("selection", sorted(FILTERS))
def test_an_unchanged_export_reads_back_as_no_change(graph, tmp_path, fmt, era, selection):
    """A --era 2023 export gave ~1,100 errors: its name notes “（2023年改革后名称，推导）” were split on “，”."""
    path = tmp_path / f"m.{fmt}"
    path.write_bytes(WRITERS[fmt](matrix(graph, FILTERS[selection], era=era)))
    sheet, rows = read_rows(path)
    desired = parse_rows(graph, sheet, rows)
    assert desired and records(graph, desired) == []


@pytest.mark.parametrize(("column", "header", "value"), [
    ("K", "政策工具", "新增的工具"),
    ("I", "完成时限", "2030年"),
    ("E", "具体措施", "=HYPERLINK(\"http://example.org\",\"点击\")"),
    ("J", "关联指标", "另一个目标"),
])
def test_an_edit_to_a_read_only_column_is_refused_naming_the_cell(graph, tmp_path, column, header, value):
    path = tmp_path / "m.xlsx"
    path.write_bytes(WRITERS["xlsx"](matrix(graph)))
    wb = load_workbook(path)
    ws = wb[SHEET]
    assert ws[f"{column}1"].value == header
    ws[f"{column}4"] = value
    wb.save(path)
    sheet, rows = read_rows(path)
    with pytest.raises(MatrixImportError) as caught:
        parse_rows(graph, sheet, rows)
    message = str(caught.value)
    assert "第4行" in message and header in message and "只读" in message and "read-only" in message
