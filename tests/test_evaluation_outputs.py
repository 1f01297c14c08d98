"""Issue 15: attainment from the shipped figures, the report and the Word 附件 read back, /api/evaluation."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from qhfin.attainment import judge, path_at
from qhfin.evaluation import evaluation
from qhfin.matrix import matrix
from qhfin.report import to_docx, to_html, to_xlsx
from qhfin.writers import WRITERS


@pytest.fixture(scope="module")
def data(graph) -> dict:
    return evaluation(graph)


def target(data: dict, suffix: str) -> dict:
    return next(t for t in data["targets"] if t["id"].endswith(suffix))


def test_deposits_and_loans_are_judged_at_june_against_junes_point_on_the_path(data):
    t = target(data, "deposit-loan-balance-total-2025")
    assert t["status"] == "on-track" and t["latest"]["period"] == "2025-06" and t["latest"]["value"] == 16340.5
    assert t["latest"]["compared_with"] == pytest.approx(12934.93 * 1.0301 ** 4.5, rel=1e-3)
    assert t["latest"]["derived_from"] and t["latest"]["decisive"], "a sum of two published figures"
    year_end_2024 = next(a for a in t["actuals"] if a["period"] == "2024")
    assert not year_end_2024["decisive"], "a sum of derived figures decides nothing"


def test_a_figures_period_decides_which_point_of_the_path_it_meets():
    record = {"value": 200.0, "relation": "at-least", "year": 2025, "baseline_t": 2021.0,
              "baseline": {"value": 100.0}, "required_annual_growth_percent": (2 ** 0.2 - 1) * 100}
    june = {"t": 2025.5, "value": 180.0, "qualifier": None}
    december_2024 = {**june, "t": 2025.0}
    assert judge(record, june) == ("behind", pytest.approx(path_at(record, 2025.5)))
    assert judge(record, december_2024)[0] == "on-track"
    assert judge(record, {**june, "t": 2026.0})[0] == "not-achieved"
    assert judge(record, {**june, "t": 2026.0, "value": 201.0})[0] == "achieved"


def test_secondary_and_derived_figures_never_decide_alone(data):
    share = target(data, "financial-gva-share-gdp-2025")
    assert share["status"] == "on-track" and share["latest"]["kind"] == "published" and share["latest"]["period"] == "2021"
    for t in data["targets"]:
        assert t["latest"] is None or t["latest"]["decisive"]
        assert all(a["decisive"] is False for a in t["actuals"] if a["kind"] == "secondary")


@pytest.mark.parametrize("suffix", ["financing-guarantee-outstanding-2025", "premium-income-2025", "insurance-depth-2025",
                                    "insurance-density-2025", "credit-county-coverage-2025"])
def test_targets_with_no_figure_say_no_data(data, suffix):
    t = target(data, suffix)
    assert t["status"] == "no-data" and t["status_label"] == "无数据" and t["latest"] is None


def test_context_figures_are_kept_not_dropped(data):
    names = {i["label"]: i for i in data["indicators"]}
    assert len(names["绿色信贷余额"]["actuals"]) == 5 and names["绿色信贷余额"]["baseline"]["value"] == 1508.98
    assert {"地区生产总值", "清洁能源贷款余额", "普惠小微贷款余额", "原保险保费收入（年初至当月累计）"} <= set(names)
    assert data["summary"]["figures"] == 30


def test_the_report_opens_as_word_with_the_attainment_table_and_every_source(data):
    doc = Document(io.BytesIO(to_docx(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "青海省“十四五”金融业发展规划总结评估基础材料"
    assert "一、主要目标完成情况" in text and "四、结转“十五五”规划的事项：未完成的任务" in text
    attainment = doc.tables[0]
    assert [c.text for c in attainment.rows[0].cells][:3] == ["目标", "基期值", "目标值"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in attainment.rows[1:]}
    deposits = rows["“十四五”末本外币存贷款余额总额突破15000亿元"]
    assert deposits[3] == "16,340.5 亿元" and deposits[-1] == "符合进度" and "西宁晚报" in deposits[6]
    assert rows["“十四五”末保险深度约3.8%"][-1] == "无数据"
    figures = doc.tables[-1]
    sources = [c.text for c in figures.columns[5].cells[1:]]
    assert len(sources) == 30 + 2, "the 30 figures entered and the two sums the graph computes from them"
    assert sum(s.startswith("由分项相加") for s in sources) == 2 and any("reportify.ai" in s for s in sources)


def test_the_report_in_excel_neutralises_formulas(data):
    hostile = {**data, "tasks": [{**data["tasks"][0], "status": "in-progress", "status_label": "推进中",
                                  "achievements": "=HYPERLINK(\"http://evil\")", "evidence": "@SUM(A1)"}],
               "carry_over": {**data["carry_over"], "tasks": [data["tasks"][0]["id"]]}}
    wb = load_workbook(io.BytesIO(to_xlsx(hostile)))
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("结转"))
    values = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "=HYPERLINK(\"http://evil\")" in values and "@SUM(A1)" in values  # shown as typed …
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]  # … never run
    assert "<script" not in to_html(hostile).decode()


def test_the_matrix_annex_has_the_government_layout(graph):
    doc = Document(io.BytesIO(WRITERS["docx"](matrix(graph))))
    assert doc.paragraphs[0].text == "附件" and doc.paragraphs[1].text == "青海省“十四五”金融业发展规划重点任务分工表"
    section = doc.sections[0]
    assert section.page_width > section.page_height and round(section.page_width.cm, 1) == 29.7
    table = doc.tables[0]
    header = table.rows[0]
    assert [c.text for c in header.cells] == ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]
    fonts = header.cells[0].paragraphs[0].runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    body_run = table.rows[1].cells[2].paragraphs[0].runs[0]
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None, "the header repeats on every page"
    merged = [tc for tc in table._tbl.iter(qn("w:tc")) if tc.tcPr is not None and tc.tcPr.find(qn("w:vMerge")) is not None]
    assert merged, "重点任务 merged down its rows"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "fldChar" in footer


def test_the_matrix_page_offers_the_word_annex(client):
    page = client.get("/matrix?chapter=5").get_data(as_text=True)
    href = page.split('id="download-docx" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    annex = client.get(href)
    assert annex.status_code == 200 and annex.headers["Content-Type"].endswith("wordprocessingml.document")
    rows = Document(io.BytesIO(annex.data)).tables[0].rows
    assert all(r.cells[0].text.isdigit() for r in rows[1:]) and len(rows) > 10


def test_api_evaluation_is_the_documented_shape_and_the_page_has_it(client):
    from jsonschema import validate

    spec = client.get("/api/openapi.json").get_json()
    body = client.get("/api/evaluation").get_json()
    schema = {**spec["components"]["schemas"]["Evaluation"], "components": spec["components"]}
    validate(body, schema)
    deposits = next(t for t in body["targets"] if t["id"].endswith("deposit-loan-balance-total-2025"))
    assert deposits["status"] == "on-track" and deposits["latest"]["source"]["title"].startswith("由分项相加")
    page = client.get("/evaluation").get_data(as_text=True)
    assert '<a href="/evaluation">总结评估</a>' in page and "vendor/chartjs/chart.umd.min.js" in page
    assert "符合进度" in page and "无数据" in page
    report = client.get("/api/evaluation/report?format=xlsx")
    assert report.status_code == 200 and "attachment" in report.headers["Content-Disposition"]
    assert client.get("/api/evaluation/report?format=pdf").get_json()["error"]["message"]["en"] == "unsupported format “pdf”"
