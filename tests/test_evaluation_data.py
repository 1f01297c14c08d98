"""Issue 15: actual figures and progress reports enter all or nothing, and what enters shows in the evaluation.

The imports run against a private copy of the project's data (``root``), so the shipped graph/ is never touched;
each import is a trial build plus SHACL (a few seconds), so the module makes only the few it needs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qhfin.actuals import parse_rows
from qhfin.build import build, union
from qhfin.cli import main
from qhfin.config import Config
from qhfin.evaluation import evaluation
from qhfin.progress import export_sheet, import_progress
from qhfin.sheets import ImportRefused

HEADER = ["指标", "期间", "数值", "单位", "数据类型", "来源标题", "来源地址", "原文摘录"]
GOOD = ["融资担保公司在保责任余额", "2025-06", "2950000", "万元", "公开发布", "青海省地方金融管理局 2025年上半年通报",
        "https://example.org/guarantee", "6月末全省融资担保在保责任余额295亿元"]


@pytest.fixture(scope="module")
def root(tmp_path_factory, config) -> Config:
    """A copy of the data the build reads; imports write here, never into the checkout."""
    base = tmp_path_factory.mktemp("root")
    for name in ("source", "ontology", "shapes", "graph", "queries"):
        shutil.copytree(config.root / name, base / name)
    return Config.from_env(root=str(base), build_dir=str(base / "build"))


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


@pytest.mark.parametrize(("cells", "column", "zh", "en"), [
    pytest.param({0: "不存在的指标"}, "指标", "未知指标", "unknown indicator", id="unknown-indicator"),
    pytest.param({3: "万户"}, "单位", "无法换算", "does not convert", id="unit-does-not-convert"),
    pytest.param({1: "2019"}, "期间", "不在2021—2026年内", "outside 2021–2026", id="period-before-the-plan"),
    pytest.param({1: "2025年13月"}, "期间", "应为年份", "must be a year", id="period-not-a-month"),
    pytest.param({5: ""}, "来源标题", "缺少来源", "source is missing", id="missing-source"),
    pytest.param({4: "听说"}, "数据类型", "公开发布、推算 或 二手", "published, derived or secondary", id="unknown-kind"),
    pytest.param({2: "=1+1"}, "数值", "不接受公式", "formulas are not accepted", id="formula"),
    pytest.param({6: "见附件"}, "来源地址", "不是 http(s) 网址", "not an http(s) address", id="address-not-a-url"),
])
def test_a_bad_cell_is_named_by_row_and_column_in_both_languages(graph, cells, column, zh, en):
    bad = list(GOOD)
    for i, value in cells.items():
        bad[i] = value
    rows = [(2, dict(zip(HEADER, GOOD, strict=True))), (3, dict(zip(HEADER, bad, strict=True)))]
    with pytest.raises(ImportRefused) as refused:
        parse_rows(graph, "实际数", rows)
    errors = [e for e in refused.value.errors if e.column == column]
    assert [e.row for e in errors] == [3]
    assert zh in str(errors[0]) and en in str(errors[0]) and "第3行" in str(errors[0]) and "row 3" in str(errors[0])


def test_units_convert_to_the_indicators_unit(graph):
    [figure] = parse_rows(graph, "实际数", [(2, dict(zip(HEADER, GOOD, strict=True)))])
    assert str(figure.value) == "295.0000" and str(figure.unit).endswith("/yi-yuan")
    assert str(figure.indicator).endswith("/financing-guarantee-outstanding") and figure.period == "2025-06"


def test_one_bad_row_changes_nothing_then_the_corrected_file_imports(root, tmp_path, capsys):
    shipped = (root.graph_dir / "actuals" / "actuals.ttl").read_bytes()
    bad = list(GOOD)
    bad[3] = "%"
    assert main(["--root", str(root.root), "actuals", "import", str(write_csv(tmp_path / "a.csv", [GOOD, bad]))]) == 1
    err = capsys.readouterr().err
    assert "第3行 单位列" in err and "row 3, column 单位" in err and "未作任何修改" in err
    assert (root.graph_dir / "actuals" / "actuals.ttl").read_bytes() == shipped
    assert not list((root.graph_dir / "actuals").glob(".import-*"))

    final = list(GOOD)
    final[1], final[2], final[3], final[7] = "2025", "310", "亿元", "年末全省融资担保在保责任余额310亿元"
    assert main(["--root", str(root.root), "actuals", "import", str(write_csv(tmp_path / "b.csv", [GOOD, final]))]) == 0
    data = evaluation(union(build(root)))
    target = next(t for t in data["targets"] if t["id"].endswith("financing-guarantee-outstanding-2025"))
    assert [(a["period"], a["value"], a["kind"]) for a in target["actuals"]] == [("2025-06", 295.0, "published"),
                                                                                  ("2025", 310.0, "published")]
    assert target["actuals"][1]["source"] == {"id": target["actuals"][1]["source"]["id"],
                                              "title": "青海省地方金融管理局 2025年上半年通报",
                                              "url": "https://example.org/guarantee", "urls": ["https://example.org/guarantee"]}
    assert target["status"] == "achieved" and target["latest"]["period"] == "2025"
    assert target["actuals"][0]["compared_with"] == pytest.approx(291.7, abs=0.1)
    assert target["actuals"][0]["status"] == "on-track"  # June's 295 against June's point (≈291.7), not 300
    assert any(f["value"] == 2131.1 for s in data["sources"] for f in s["figures"]), "the shipped figures stayed"


def fill(sheet: bytes, rows: dict[int, dict[str, object]]) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(sheet))
    ws = wb["进展填报"]
    header = [c.value for c in ws[1]]
    for number, values in rows.items():
        for name, value in values.items():
            ws.cell(row=number, column=header.index(name) + 1).value = value
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_progress_round_trip_keeps_history_and_refuses_a_damaged_file_whole(root, tmp_path):
    graph = union(build(root))
    sheet = export_sheet(graph, "青海证监局")
    wb = load_workbook(io.BytesIO(sheet))
    ws = wb["进展填报"]
    header = [c.value for c in ws[1]]
    assert header[header.index("进展情况")] == "进展情况" and ws.data_validations.dataValidation[0].formula1 == \
        '"已完成,基本完成,推进中,未启动,不再适用"'
    first, second = ws.cell(row=2, column=2).value, ws.cell(row=3, column=2).value
    march = tmp_path / "march.xlsx"
    march.write_bytes(fill(sheet, {2: {"进展情况": "推进中", "填报日期": dt.date(2026, 3, 31)},
                                   3: {"进展情况": "已完成", "主要成效": "已建成", "佐证材料": "青证监发〔2025〕3号",
                                       "填报日期": "2026-03-31"}}).getvalue())
    assert import_progress(root, [march], today=dt.date(2026, 4, 1)) == (2, 2)

    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    june = tmp_path / "june.xlsx"
    june.write_bytes(fill(sheet, {2: {"进展情况": "已完成", "佐证材料": "验收报告", "填报日期": dt.date(2026, 6, 30)}}).getvalue())
    before = (root.graph_dir / "progress" / "progress.ttl").read_bytes()
    with pytest.raises(ImportRefused) as refused:
        import_progress(root, [june, damaged], today=dt.date(2026, 7, 1))
    assert "damaged.xlsx" in str(refused.value) and "不是有效的xlsx文件" in str(refused.value)
    wrong = tmp_path / "wrong.xlsx"
    wrong.write_bytes(fill(sheet, {2: {"进展情况": "已完成", "填报日期": dt.date(2026, 6, 30)},
                                   3: {"进展情况": "推进中", "填报单位": "青海省财政厅", "填报日期": dt.date(2026, 6, 30)}}).getvalue())
    with pytest.raises(ImportRefused) as refused:
        import_progress(root, [wrong], today=dt.date(2026, 7, 1))
    messages = [str(e) for e in refused.value.errors]
    assert any("第2行 佐证材料列" in m and "needs its evidence" in m for m in messages)
    assert any("第3行 填报单位列" in m and "不是任务" in m and "does not lead" in m for m in messages)
    assert (root.graph_dir / "progress" / "progress.ttl").read_bytes() == before

    assert import_progress(root, [june], today=dt.date(2026, 7, 1)) == (1, 3)
    tasks = {t["id"]: t for t in evaluation(union(build(root)))["tasks"]}
    assert tasks[first]["status_label"] == "已完成" and tasks[first]["date"] == "2026-06-30"
    assert [h["status_label"] for h in tasks[first]["history"]] == ["推进中"]
    assert tasks[second]["status"] == "completed" and tasks[second]["evidence"] == "青证监发〔2025〕3号"
    assert tasks[second]["unit"] == "中国证券监督管理委员会青海监管局"
