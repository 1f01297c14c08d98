"""The explorer page in a real browser: click a node → its impact lights up and is explained → the task page opens."""

from __future__ import annotations

TASK = "https://w3id.org/qhfin/id/task/4-3-3-1-1.2"  # 设立科技信贷风险资金池: 4-3-3-1-1.3 builds on it
DEPENDANT = "https://w3id.org/qhfin/id/task/4-3-3-1-1.3"


def _ready(page) -> None:
    """The explorer with its whole graph: it opens on an overview (issue 13), the whole graph is one click away."""
    page.goto("/explorer")
    page.wait_for_selector("#explorer[data-ready=true]", timeout=60_000)
    page.click("#explorer-all")


def _click_node(page, iri: str) -> None:
    """Where the node is drawn on the canvas, then a real mouse click there."""
    x, y = page.evaluate("""iri => {
        const cy = window.qhfinExplorer.cy, node = cy.getElementById(iri);
        cy.zoom(1.5); cy.center(node);
        const at = node.renderedPosition(), box = document.getElementById('cy').getBoundingClientRect();
        return [box.x + at.x, box.y + at.y];
    }""", iri)
    page.mouse.click(x, y)


def test_click_a_task_highlights_its_impact_and_opens_its_page(page):
    _ready(page)
    _click_node(page, TASK)
    page.wait_for_selector(f'#explorer[data-node="{TASK}"]', timeout=30_000)
    assert page.evaluate("iri => window.qhfinExplorer.cy.getElementById(iri).hasClass('focus')", TASK)
    assert page.evaluate("iri => window.qhfinExplorer.cy.getElementById(iri).hasClass('affected')", DEPENDANT)
    assert page.evaluate("() => window.qhfinExplorer.cy.$('node.faded').length") > 500  # the rest steps back
    panel = page.inner_text("#explorer-panel")
    assert "4-3-3-1-1.3" in panel and "引导金融机构加大对科技型企业投入" in panel
    item = page.locator("#explorer-affected > li", has_text="4-3-3-1-1.3")
    item.locator("summary").click()
    assert "依赖任务4-3-3-1-1.2" in item.locator("details").inner_text()  # the step, with its basis
    page.click("#open-task")
    page.wait_for_url("**/id/task/4-3-3-1-1.2", timeout=30_000)
    assert "4-3-3-1-1.2" in page.inner_text("h1")
    assert page.outside == []


def test_search_by_name_and_filter_by_kind(page):
    _ready(page)
    page.fill("#explorer-node", "省农担公司")
    page.click("#explorer-search button[type=submit]")
    page.wait_for_selector('#explorer[data-node$="qinghai-agricultural-credit-guarantee"]', timeout=30_000)
    assert "4-2-3-1-2" in page.inner_text("#explorer-affected")
    assert page.is_hidden("#open-task") and page.is_visible("#open-page")
    page.uncheck("input[data-kind=body]")
    # the filter applies in the change handler, after the impact layout settles: wait for it rather than race it
    page.wait_for_function("() => window.qhfinExplorer.cy.$('node.body:visible').length === 0", timeout=30_000)
    assert page.evaluate("() => window.qhfinExplorer.cy.$('node.body:visible').length") == 0
    page.select_option("#explorer-direction", "upstream")
    page.wait_for_selector("#explorer-summary:has-text('其所依靠的')", timeout=30_000)
    assert page.outside == []
