"""GET /api/matrix: the 任务分工表 in five formats, filtered, downloaded under a name that says what it holds."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

MEDIA = {"json": "application/json", "csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "html": "text/html", "md": "text/markdown"}


@pytest.mark.parametrize("fmt", sorted(MEDIA))
def test_every_format_downloads_with_its_media_type_and_a_name(client, fmt):
    response = client.get(f"/api/matrix?format={fmt}&chapter=5")
    assert response.status_code == 200
    assert response.mimetype == MEDIA[fmt]
    disposition = response.headers["Content-Disposition"]
    assert f'filename="qhfin-matrix.{fmt}"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"任务分工表-第5章.{fmt}"


def test_json_has_the_issues_contract(client):
    data = client.get("/api/matrix?format=json").get_json()
    assert {"tasks", "bodies", "cells"} <= set(data)
    assert all({"id", "label", "path"} <= set(t) for t in data["tasks"])
    assert all({"id", "label"} <= set(b) for b in data["bodies"])
    body_ids, task_ids = {b["id"] for b in data["bodies"]}, {t["id"] for t in data["tasks"]}
    assert all(c["task"] in task_ids and c["body"] in body_ids and c["role"] for c in data["cells"])


def test_the_xlsx_opens_with_the_chinese_headers_and_one_row_per_task(client):
    json_rows = client.get("/api/matrix?format=json&chapter=4-1").get_json()["rows"]
    book = load_workbook(io.BytesIO(client.get("/api/matrix?format=xlsx&chapter=4-1").data))
    sheet = book["任务分工表"]
    assert [c.value for c in sheet[1]][:5] == ["序号", "任务编号", "章节", "重点任务", "具体措施"]
    assert sheet.max_row - 1 == len(json_rows) > 0
    assert sheet.cell(row=2, column=2).value == json_rows[0]["id"]


def test_the_csv_starts_with_a_bom_so_that_excel_reads_the_chinese(client):
    data = client.get("/api/matrix?format=csv").data
    assert data.startswith("\ufeff".encode())
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[0] == "序号" and "牵头单位" in header


@pytest.mark.parametrize(("query", "name"), [
    pytest.param("theme=乡村振兴", "任务分工表-乡村振兴.xlsx", id="theme"),
    pytest.param("body=省农担公司&era=2023", "任务分工表-青海省农牧业信贷担保有限责任公司-2023.xlsx", id="body-and-era"),
    pytest.param("chapter=6&level=paragraph", "任务分工表-第6章-按段.xlsx", id="chapter-by-paragraph"),
])
def test_the_download_name_says_which_filters_made_it(client, query, name):
    disposition = client.get(f"/api/matrix?format=xlsx&{query}").headers["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == name


def test_filters_narrow_the_rows(client):
    every = client.get("/api/matrix").get_json()["rows"]
    rural = client.get("/api/matrix?theme=乡村振兴").get_json()["rows"]
    chapter5 = client.get("/api/matrix?chapter=5").get_json()["rows"]
    assert 0 < len(rural) < len(every)
    assert 0 < len(chapter5) < len(every) and all(r["id"].startswith("5-") for r in chapter5)


def test_paragraph_level_merges_rows(client):
    tasks = client.get("/api/matrix?chapter=4").get_json()["rows"]
    paragraphs = client.get("/api/matrix?chapter=4&level=paragraph").get_json()["rows"]
    assert 0 < len(paragraphs) < len(tasks)


@pytest.mark.parametrize(("query", "status", "code"), [
    pytest.param("format=pdf", 400, "bad-format", id="format"),
    pytest.param("level=sentence", 400, "bad-level", id="level"),
    pytest.param("era=2019", 400, "bad-era", id="era"),
    pytest.param("chapter=x", 400, "bad-chapter", id="chapter"),
    pytest.param("theme=不存在", 404, "unknown-name", id="theme"),
    pytest.param("instrument=不存在", 404, "unknown-name", id="instrument"),
    pytest.param("body=不存在", 404, "unknown-name", id="body"),
])
def test_bad_filters_get_the_error_shape(client, query, status, code):
    response = client.get(f"/api/matrix?{query}")
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]["zh"] and error["message"]["en"]
