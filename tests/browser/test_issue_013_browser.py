"""Issue 13 in a real browser: the body page in plain language, the targets charts, the explorer's overview, the
suggestions for a name that means nothing, and the measures download with the columns on screen."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote


def test_the_body_page_reads_as_plain_language_and_opens_the_raw_rdf(page):
    page.goto("/id/body/cbirc-qinghai")
    assert page.inner_text("h1") == "中国银行保险监督管理委员会青海监管局"
    now = page.inner_text("#now")
    assert "国家金融监督管理总局青海监管局" in now and "2023-07-20" in now
    assert "银保监局" in page.inner_text("#names")
    assert "牵头" in page.inner_text("#tasks")
    assert not page.is_visible("#raw table")  # the RDF is one click away, not the page
    page.click("#raw summary")
    assert page.is_visible("#raw table") and "skos:prefLabel" in page.inner_html("#raw table")
    page.click("#now a")  # what it is now
    page.wait_for_url("**/id/body/nfra-qinghai")
    assert "承继 青海银保监局" in page.inner_text("#tasks")
    assert page.outside == []


def test_the_targets_page_draws_each_indicator(page):
    page.goto("/targets")
    page.wait_for_function("() => document.querySelectorAll('canvas[data-drawn]').length === 12", timeout=30_000)
    share = page.locator("figure.chart", has_text="GDP").locator("canvas")
    assert share.get_attribute("data-drawn") == "3"  # the 2016–2020 figures, the required path, the target
    painted = page.evaluate("""() => {
        const c = document.querySelector('figure.chart canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }""")
    assert painted > 1000
    assert page.outside == []


def test_the_explorer_opens_on_a_labelled_overview(page):
    page.goto("/explorer")
    page.wait_for_selector("#explorer[data-ready=true]", timeout=60_000)
    shown = page.evaluate("() => window.qhfinExplorer.cy.$('node:visible').length")
    assert 20 <= shown <= 40  # not 1,073 dots
    kinds = page.evaluate("() => [...new Set(window.qhfinExplorer.cy.$('node:visible').map(n => n.data('kind') || n.classes()[0]))]")
    assert {"body", "theme", "target"} <= set(kinds)
    assert page.evaluate("() => window.qhfinExplorer.cy.$('node:visible').every(n => n.hasClass('ov') && n.data('label'))")
    assert page.evaluate("() => window.qhfinExplorer.cy.$('edge.ov-link').length") > 10
    assert "概览" in page.inner_text("#explorer-status")
    page.click("#explorer-all")
    assert page.evaluate("() => window.qhfinExplorer.cy.$('node:visible').length") > 500
    assert page.outside == []


def test_a_name_that_means_nothing_offers_the_closest_names(page):
    page.goto("/measures?theme=" + quote("生态保护"))
    assert "您是不是要找…" in page.inner_text("#suggestions")
    kinds = page.eval_on_selector_all("#suggestions a[data-kind]", "links => links.map(a => a.dataset.kind)")
    assert len(set(kinds)) > 1
    page.click("#suggestions a[data-kind=theme]")
    page.wait_for_url("**/measures?theme=*")
    assert int(page.inner_text("#count strong")) > 0
    assert page.outside == []


def test_the_measures_download_opens_in_excel_with_the_columns_on_screen(page):
    from openpyxl import load_workbook

    page.goto("/measures?body=" + quote("人民银行"))
    assert "中国人民银行青海省分行" in page.inner_text(".resolved") and "承继" in page.inner_text(".resolved")
    on_screen = page.eval_on_selector_all("article.measure:first-of-type [data-column]", "els => [...new Set(els.map(e => e.dataset.column))]")
    with page.expect_download() as info:
        page.click("a.download[href*='format=xlsx']")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "人民银行" in download.suggested_filename
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    header = [c.value.split(" / ")[0] for c in next(sheet.iter_rows(max_row=1))]
    assert header == on_screen
    assert sheet.max_row - 1 == int(page.inner_text("#count strong"))
    assert page.outside == []
