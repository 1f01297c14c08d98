"""Issue 16, finding 7: every export re-imports unchanged, and edits the importer cannot apply are refused by cell."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from qhfin.curate import MatrixImportError, parse_rows, read_rows, records
from qhfin.matrix import matrix
from qhfin.matrix_filters import Filters
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


def test_a_changed_2023_row_maps_the_new_owner_back_to_the_body_the_duty_moved_from(graph, tmp_path):
    """In a 2023 export the consumer-protection rows name the financial regulator (the duty moved there from the
    central bank); an edit to such a row's cooperating bodies keeps its lead as the plan's era has it."""
    path = tmp_path / "m.csv"
    path.write_bytes(WRITERS["csv"](matrix(graph, Filters(chapter="4-1-3"), era="2023")))
    text = path.read_text(encoding="utf-8-sig").splitlines()
    index = next(i for i, line in enumerate(text) if line.split(",")[1] == "4-1-3-3-3")
    cells = next(csv.reader([text[index]]))
    assert "承接金融消费者保护职责" in cells[5]
    cells[6] = "青海银行"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    text[index] = buffer.getvalue()
    path.write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    sheet, rows = read_rows(path)
    desired = parse_rows(graph, sheet, rows)
    leads, cooperating = next(v for t, v in desired.items() if str(t).endswith("/4-1-3-3-3"))
    assert [str(b).rsplit("/", 1)[1] for b in leads] == ["pboc-xining"]
    assert [str(b).rsplit("/", 1)[1] for b in cooperating] == ["qinghai-bank"]
