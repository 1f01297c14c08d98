"""The source of record and its cut into the plan's structure."""

from __future__ import annotations

import hashlib

import pytest

from qhfin.source import SOURCE_SHA256, SourceError, chapter, normalise, read_source


def test_source_is_the_record(config):
    assert hashlib.sha256(config.source_file.read_bytes()).hexdigest() == SOURCE_SHA256


def test_a_different_file_is_refused(tmp_path):
    other = tmp_path / "plan.txt"
    other.write_text("青海省“十四五”金融业发展规划\n", encoding="utf-8")
    with pytest.raises(SourceError, match="sha256"):
        read_source(other)


def test_seven_chapters_with_their_titles(plan, source):
    titles = [c.title.text(source) for c in plan.children if c.kind == "chapter"]
    assert titles[3] == "深化金融改革创新增强内生发展动力"
    assert titles[6].strip() == "保障措施"
    assert len(titles) == 7


@pytest.mark.parametrize(
    ("number", "sections"),
    [pytest.param(4, 3, id="ch4"), pytest.param(5, 7, id="ch5"), pytest.param(6, 5, id="ch6"), pytest.param(7, 5, id="ch7")],
)
def test_sections_per_chapter(plan, number, sections):
    assert sum(1 for u in chapter(plan, number).children if u.kind == "section") == sections


def test_run_in_lead_phrases_start_their_own_paragraph(plan, source):
    green = chapter(plan, 4).children[1].children[1]  # 一、(二) 深入推进绿色金融建设
    leads = [p.title.text(source).rstrip("。") for p in green.children]
    assert leads == ["完善政策体系", "推动绿色转型", "加大信贷支持", "扩大保险服务", "激活资本市场", "支持市场交易", "加强项目培育"]
    assert [p.run_in for p in green.children].count(True) == 2


def test_mid_word_line_breaks_are_joined_and_recorded(plan, source):
    breaks = [b for u in chapter(plan, 4).walk() for b in u.line_breaks]
    assert len(breaks) == 3
    assert "碳达峰投资基金" in normalise(source[breaks[0] - 10 : breaks[0] + 10]) or any(
        "碳达峰投资基金" in normalise(source[b - 10 : b + 10]) for b in breaks
    )


def test_subsection_run_in_heading_is_not_a_sentence(plan, source):
    loans = chapter(plan, 5).children[1].children[0]  # 一、(一) 扩大贷款规模
    assert loans.title.text(source) == "扩大贷款规模"
    first = loans.children[0].sentences[0].span.text(source)
    assert first.startswith("主动对接国家及全省重大发展战略")
