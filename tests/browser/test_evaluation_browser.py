"""Issue 15: the evaluation page in a real browser draws each target with Chart.js, served by the app itself, and a
point shows its source on hover."""

from __future__ import annotations

CANVAS = "canvas[data-id$='deposit-loan-balance-total-2025']"


def test_the_evaluation_page_draws_the_targets_and_shows_a_figures_source_on_hover(page):
    page.goto("/")
    page.get_by_role("link", name="总结评估").click()
    page.wait_for_url("**/evaluation")
    assert page.get_by_role("heading", level=1).inner_text() == "青海省“十四五”金融业发展规划总结评估基础材料"
    page.wait_for_function(f"() => window.Chart && Chart.getChart(document.querySelector(\"{CANVAS}\"))")
    drawn = page.evaluate(f"""() => {{
        const chart = Chart.getChart(document.querySelector("{CANVAS}"));
        return chart.data.datasets.map(d => [d.label, d.data.length]);
    }}""")
    labels = [label for label, _n in drawn]
    assert labels[:3] == ["规划路径", "基期值（规划第一章）", "目标值"]
    assert any(label.endswith("推算") for label in labels) and sum(n for _l, n in drawn) >= 6
    charts = page.evaluate("() => [...document.querySelectorAll('canvas.evaluation-chart')].filter(c => Chart.getChart(c)).length")
    assert charts == page.locator("canvas.evaluation-chart").count() >= 5

    canvas = page.locator(CANVAS)
    canvas.scroll_into_view_if_needed()
    x, y = page.evaluate(f"""() => {{
        const chart = Chart.getChart(document.querySelector("{CANVAS}"));
        const i = chart.data.datasets.findIndex(d => d.label.endsWith("推算"));
        const points = chart.getDatasetMeta(i).data;
        const june = points[points.length - 1];
        return [june.x, june.y];
    }}""")
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.wait_for_function(f"() => Chart.getChart(document.querySelector(\"{CANVAS}\")).tooltip.getActiveElements().length > 0")
    lines = page.evaluate(f"""() => {{
        const tip = Chart.getChart(document.querySelector("{CANVAS}")).tooltip;
        return [tip.title.join(" "), ...tip.body.flatMap(b => b.lines)];
    }}""")
    text = "\n".join(lines)
    assert "2025年6月末" in text and "16340.5" in text and "推算" in text and "西宁晚报" in text
    assert not page.outside
