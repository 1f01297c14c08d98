"""The pages in a real browser (Debian's chromium through Playwright), against a real server on 127.0.0.1."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from openpyxl import load_workbook


def test_the_home_page_is_in_chinese_and_loads_nothing_from_elsewhere(page, tmp_path):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("heading", level=1).inner_text().startswith("青海省“十四五”金融业发展规划")
    assert page.get_by_role("link", name="哪些措施支持乡村振兴？").is_visible()
    assert page.get_by_role("searchbox").count() == 1
    assert page.locator("header.site").evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)", \
        "the stylesheet loaded"
    shot = Path(os.environ.get("QHFIN_SCREENSHOT_DIR") or tmp_path) / "qhfin-home.png"  # to look at by eye
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert not page.outside


def test_searching_a_theme_lists_its_measures_with_why(page):
    page.goto("/")
    page.get_by_role("searchbox").fill("乡村振兴")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r"/measures\?theme="))
    count = int(page.locator("#count strong").inner_text())
    assert count > 0 and page.locator("article.measure").count() == count
    first = page.locator("article.measure").first
    assert first.locator(".why li").count() > 0
    assert re.search(r"原文写明|经由|依规则|人工审定", first.locator(".why").inner_text())
    assert page.locator(".chip.active").inner_text().startswith("主题")
    assert not page.outside


def test_the_task_page_highlights_the_sentence(page):
    page.goto("/id/task/4-1-1-1-2")
    sentence = page.locator("mark.sentence")
    assert sentence.is_visible()
    assert sentence.inner_text().startswith("建立“全省统筹统领")
    assert sentence.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    paragraph = page.locator("blockquote.paragraph").inner_text()
    assert paragraph.startswith("优化政策环境。") and len(paragraph) > len(sentence.inner_text())


def test_the_matrix_page_downloads_an_xlsx(page, tmp_path):
    page.goto("/matrix")
    page.get_by_label("章节").select_option("5")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"chapter=5"))
    rows = int(page.locator("#row-count").inner_text())
    with page.expect_download() as info:
        page.locator("#download-xlsx").click()
    download = info.value
    assert download.suggested_filename == "任务分工表-第5章.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    sheet = load_workbook(io.BytesIO(target.read_bytes()))["任务分工表"]
    assert sheet.max_row - 1 == rows > 0
    assert str(sheet.cell(row=2, column=2).value).startswith("5-")


def test_a_script_typed_into_the_search_box_is_shown_not_run(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/")
    page.get_by_role("searchbox").fill("<script>window.qhfinPwned=1;alert(1)</script>")
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url(re.compile(r"/measures\?q="))
    assert page.evaluate("() => window.qhfinPwned") is None
    assert not dialogs
    assert "<script>window.qhfinPwned" in page.locator("q.needle").inner_text()


def test_english_is_one_click_away(page):
    page.goto("/measures?theme=乡村振兴")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Measures"
    page.get_by_role("link", name="2025 targets").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Targets for 2025", "the choice is remembered"
