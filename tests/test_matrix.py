"""The 任务分工表: contents, formats, filters, and the all-or-nothing re-import."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from openpyxl import load_workbook

from qhfin.config import Config
from qhfin.curate import IMPORT_FILE, MatrixImportError, import_matrix
from qhfin.matrix import matrix
from qhfin.matrix_filters import Filters, MatrixError
from qhfin.writers import SHEET, WRITERS


@pytest.fixture(scope="module")
def full(graph):
    return matrix(graph)


def test_every_leaf_task_is_a_row_in_plan_order(full, graph):
    ids = [r["id"] for r in full["rows"]]
    assert ids[0].startswith("4-0-0-1-1") and ids[-1].startswith("7-5-0-1-4")
    assert [r["seq"] for r in full["rows"]] == list(range(1, len(ids) + 1))


def test_every_row_has_a_lead(full):
    assert [r["id"] for r in full["rows"] if not r["lead"]] == []


def test_stated_lead_comes_from_the_text(full):
    last = next(r for r in full["rows"] if r["id"] == "7-5-0-1-4")
    assert last["lead"][0] == "青海省地方金融监督管理局"
    assert last["lead_basis"].startswith("原文")


def test_key_task_is_the_lead_phrase(full):
    row = next(r for r in full["rows"] if r["id"].startswith("4-1-1-1-"))
    assert row["key_task"] == "优化政策环境"


def test_json_grid_contract(full):
    assert set(full) >= {"tasks", "bodies", "cells"}
    assert set(full["tasks"][0]) >= {"id", "label", "path"}
    assert set(full["bodies"][0]) == {"id", "label"}
    assert set(full["cells"][0]) == {"task", "body", "role"}


def test_chapter_filter(graph):
    rows = matrix(graph, Filters(chapter="5-6"))["rows"]
    assert rows and all(r["id"].startswith("5-6-") for r in rows)


def test_unknown_theme_is_an_error_in_both_languages(graph):
    with pytest.raises(MatrixError, match="未找到.*no theme"):
        matrix(graph, Filters(theme="不存在的主题"))


def test_era_2023_shows_successors_marked_as_derived(graph):
    rows = matrix(graph, era="2023")["rows"]
    names = [n for r in rows for n in r["lead"] + r["cooperating"]]
    assert any("国家金融监督管理总局青海监管局" in n and "推导" in n for n in names)


def test_csv_has_a_bom_and_chinese_header(full):
    data = WRITERS["csv"](full)
    assert data.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:5] == ["序号", "任务编号", "章节", "重点任务", "具体措施"]


def test_xlsx_is_laid_out_for_print(full, tmp_path):
    path = tmp_path / "m.xlsx"
    path.write_bytes(WRITERS["xlsx"](full))
    ws = load_workbook(path)[SHEET]
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape"
    assert ws["E1"].value == "具体措施" and ws["E2"].alignment.wrap_text
    assert ws.merged_cells.ranges, "重点任务 cells of one paragraph are merged"


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_text_formats_carry_the_chinese(full, fmt):
    assert "全力创建国家级普惠金融改革试验区" in WRITERS[fmt](full).decode("utf-8")


@pytest.fixture
def project(tmp_path, config):
    """A private copy of the data, so imports never touch the checkout."""
    for name in ("source", "ontology", "graph", "shapes"):
        shutil.copytree(config.root / name, tmp_path / name)
    return Config(root=tmp_path, build_dir=tmp_path / "build")


def _export(project: Config, graph, path):
    path.write_bytes(WRITERS["xlsx"](matrix(graph)))
    return path


@pytest.mark.slow  # a whole import through the gate; the same reading without it: test_matrix_round_trip.py
def test_unchanged_round_trip_changes_nothing(project, graph, tmp_path):
    path = _export(project, graph, tmp_path / "m.xlsx")
    before = (project.graph_dir / "curated" / IMPORT_FILE).read_text() if (project.graph_dir / "curated" / IMPORT_FILE).exists() else ""
    import_matrix(project, path)
    after = (project.graph_dir / "curated" / IMPORT_FILE).read_text()
    assert "curatedLink" not in after.replace(before, "") and "rejectedLink" not in after.replace(before, "")


def test_one_bad_row_refuses_the_whole_file_and_names_it(project, graph, tmp_path):
    path = _export(project, graph, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    ws["F3"] = "青海银行"  # a real body: would be applied if the file were accepted
    ws["F5"] = "不存在的单位"
    wb.save(path)
    target = project.graph_dir / "curated" / IMPORT_FILE
    with pytest.raises(MatrixImportError) as caught:
        import_matrix(project, path)
    message = str(caught.value)
    assert "第5行" in message and "牵头单位" in message and "row 5" in message and "不存在的单位" in message
    assert not target.exists()


def test_changed_lead_is_applied_as_curation(project, graph, tmp_path):
    path = _export(project, graph, tmp_path / "m.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEET]
    task_id = ws["B2"].value
    ws["F2"] = "青海银行"
    wb.save(path)
    import_matrix(project, path)
    from qhfin.build import union
    from qhfin.store import load

    rebuilt = matrix(union(load(project)))
    row = next(r for r in rebuilt["rows"] if r["id"] == task_id)
    assert row["lead_ids"] == ["https://w3id.org/qhfin/id/body/qinghai-bank"] and row["lead_basis"] == "审定"
