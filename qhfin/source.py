"""The plan's text as the source of record, cut into its document structure.

Everything in the graph points back into ``source/qinghai-14fyp-finance-plan.txt`` by code-point offsets, so this
module never edits the text: it only finds where things are. The cut follows the plan's own markers (第X章, 一、,
(一), a paragraph's run-in lead phrase, 。) and records every place where the PDF conversion damaged the layout, so
the build can say what it repaired.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import QhfinError

SOURCE_SHA256 = "f721dde5bf38bc0cb685208e5e0c8b56d7d87bc0ce7d8954b88c9241b4d2d4cf"
SOURCE_NAME = "qinghai-14fyp-finance-plan.txt"
BODY_FIRST_LINE = 18  # 1-based: lines 1–17 are the notice, the title page and the table of contents.
TASK_CHAPTERS = (4, 5, 6, 7)

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CHAPTER_RE = re.compile(r"第([一二三四五六七八九十]+)章")
SECTION_RE = re.compile(r"([一二三四五六七八九十]+)、")
SUBSECTION_RE = re.compile(r"\(([一二三四五六七八九十]+)\)")
FOOTNOTE_RE = re.compile(r"\s*([①②③④⑤⑥⑦⑧⑨])")
SENTENCE_END = "。！？"
LEAD_PHRASE_MAX = 16  # a run-in lead phrase ("优化政策环境。") is short and has no comma.
LINE_BREAK_RE = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*")


class SourceError(QhfinError, ValueError):
    """The source file is not the plan we encode (wrong checksum or an unexpected layout)."""


def numeral(text: str) -> int:
    """Read a Chinese numeral up to 99 as the plan writes them (一 … 十, 十一 …)."""
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + NUMERALS[text[1]]
    if len(text) == 2 and text.endswith("十"):
        return NUMERALS[text[0]] * 10
    if "十" in text:
        tens, ones = text.split("十")
        return NUMERALS[tens] * 10 + NUMERALS[ones]
    return NUMERALS[text]


def read_source(path: Path, *, check: bool = True) -> str:
    """Read the plan exactly as stored; refuse any other file, since every offset depends on it."""
    data = path.read_bytes()
    if check and hashlib.sha256(data).hexdigest() != SOURCE_SHA256:
        raise SourceError(
            f"{path}: sha256 differs from the source of record / 文件校验和与原始文本不符 ({SOURCE_SHA256})"
        )
    return data.decode("utf-8")


def normalise(span: str) -> str:
    """Remove the page-layout line breaks (and the blanks around them) and nothing else."""
    return LINE_BREAK_RE.sub("", span)


@dataclass(frozen=True)
class Span:
    """A half-open range of code points in the source."""

    start: int
    end: int

    def text(self, source: str) -> str:
        return normalise(source[self.start : self.end])


@dataclass
class Sentence:
    span: Span
    number: int


@dataclass
class Unit:
    """A subdivision of the plan: chapter, section, subsection, paragraph or footnote."""

    kind: str  # "chapter" | "section" | "subsection" | "paragraph" | "footnote" | "preamble"
    number: int
    span: Span
    title: Span | None = None  # the heading (or a paragraph's run-in lead phrase)
    number_as_written: str = ""
    children: list[Unit] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    line_breaks: list[int] = field(default_factory=list)  # offsets of removed page-layout breaks
    run_in: bool = False  # a paragraph that the PDF conversion ran into the previous one

    def walk(self) -> Iterator[Unit]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Line:
    start: int
    end: int  # exclusive, before the newline
    text: str


def _physical_lines(source: str) -> list[Line]:
    lines, pos = [], 0
    for raw in source.split("\n"):
        lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _is_heading_only(text: str) -> bool:
    stripped = text.strip()
    return bool(CHAPTER_RE.match(stripped) or (SECTION_RE.match(stripped) and "。" not in stripped))


def _logical_lines(lines: list[Line]) -> Iterator[tuple[int, int, list[int]]]:
    """Join physical lines that the PDF conversion broke mid-sentence; yield (start, end, break offsets)."""
    pending: tuple[int, list[int]] | None = None
    for index, line in enumerate(lines):
        stripped = line.text.rstrip()
        if not stripped.strip():
            continue
        start = line.start + (len(line.text) - len(line.text.lstrip()))
        if pending is not None:
            start, breaks = pending[0], pending[1]
        else:
            breaks = []
        end = line.start + len(stripped)
        complete = stripped.endswith(("。", "：", ":")) or _is_heading_only(stripped)
        nxt = next((x for x in lines[index + 1 :] if x.text.strip()), None)
        if not complete and nxt is not None and not _is_heading_only(nxt.text):
            breaks.append(end)
            pending = (start, breaks)
            continue
        pending = None
        yield start, end, breaks


def _sentences(source: str, start: int, end: int) -> list[Span]:
    spans, pos = [], start
    while pos < end:
        while pos < end and source[pos].isspace():
            pos += 1
        if pos >= end:
            break
        stop = pos
        while stop < end and source[stop] not in SENTENCE_END:
            stop += 1
        stop = min(stop + 1, end)
        spans.append(Span(pos, stop))
        pos = stop
    return spans


def _is_lead_phrase(text: str) -> bool:
    body = normalise(text).rstrip("。").strip()
    return 0 < len(body) <= LEAD_PHRASE_MAX and not any(c in body for c in "，、；,")


def _paragraphs(
    source: str, start: int, end: int, breaks: list[int], run_in_leads: Iterable[str], lead_allowed: bool
) -> list[Unit]:
    """Cut one logical line into paragraphs: a run-in lead phrase found mid-line starts a new one."""
    spans = _sentences(source, start, end)
    run_in = {normalise(x) for x in run_in_leads}
    groups: list[tuple[list[Span], bool]] = [([], False)]
    for index, span in enumerate(spans):
        if index > 0 and span.text(source) in run_in:
            groups.append(([], True))
        groups[-1][0].append(span)
    units = []
    for group, was_run_in in groups:
        title = None
        head = source[group[0].start : group[0].end] if group else ""
        if (lead_allowed or was_run_in) and len(group) > 1 and _is_lead_phrase(head):
            title, group = group[0], group[1:]
        first = title.start if title else group[0].start
        last = group[-1].end
        unit = Unit("paragraph", 0, Span(first, last), title=title, run_in=was_run_in)
        unit.sentences = [Sentence(s, i + 1) for i, s in enumerate(group)]
        unit.line_breaks = [b for b in breaks if first <= b < last]
        units.append(unit)
    return units


def parse(source: str, run_in_leads: Iterable[str] = ()) -> Unit:
    """Cut the plan into plan → chapters → sections → subsections → paragraphs → sentences.

    ``run_in_leads`` names the lead phrases that the conversion ran into the end of the previous paragraph
    ("扩大保险服务。"); they are curated data, not guessed, because a short sentence mid-paragraph is usually
    just a short sentence.
    """
    lines = _physical_lines(source)
    body_start = lines[BODY_FIRST_LINE - 1].start
    plan = Unit("plan", 0, Span(body_start, len(source.rstrip())))
    chapter = section = subsection = None
    run_in = tuple(run_in_leads)
    for start, end, breaks in _logical_lines(lines[BODY_FIRST_LINE - 1 :]):
        text = source[start:end]
        if m := CHAPTER_RE.match(text):
            chapter = Unit("chapter", numeral(m.group(1)), Span(start, end), title=Span(start + m.end(), end))
            chapter.number_as_written = m.group(0)
            chapter.line_breaks = breaks
            plan.children.append(chapter)
            section = subsection = None
            continue
        if chapter is None:
            container = plan
        elif (m := SECTION_RE.match(text)) and "。" not in text:
            section = Unit("section", numeral(m.group(1)), Span(start, end), title=Span(start + m.end(), end))
            section.number_as_written = m.group(0)
            chapter.children.append(section)
            subsection = None
            continue
        elif m := SUBSECTION_RE.match(text):
            head_end = text.find("。")
            head_end = len(text) if head_end < 0 else head_end
            subsection = Unit(
                "subsection", numeral(m.group(1)), Span(start, end), title=Span(start + m.end(), start + head_end)
            )
            subsection.number_as_written = m.group(0)
            subsection.line_breaks = [b for b in breaks if b < start + head_end]
            (section or chapter).children.append(subsection)
            body_start_at = start + head_end + 1
            if body_start_at < end:
                for para in _paragraphs(source, body_start_at, end, breaks, run_in, lead_allowed=False):
                    _append(subsection, para)
            continue
        elif FOOTNOTE_RE.match(text):
            note = Unit("footnote", 0, Span(start, end))
            note.number_as_written = FOOTNOTE_RE.match(text).group(1)
            note.sentences = [Sentence(s, i + 1) for i, s in enumerate(_sentences(source, start, end))]
            note.line_breaks = breaks
            _append(subsection or section or chapter, note)
            continue
        else:
            container = subsection or section or chapter
        for para in _paragraphs(source, start, end, breaks, run_in, lead_allowed=True):
            _append(container, para)
    _extend_spans(plan)
    return plan


def _extend_spans(unit: Unit) -> None:
    """A heading's unit runs to the end of its last child."""
    for child in unit.children:
        _extend_spans(child)
    if unit.children:
        unit.span = Span(unit.span.start, max(unit.span.end, unit.children[-1].span.end))


def _append(container: Unit, unit: Unit) -> None:
    unit.number = 1 + sum(1 for c in container.children if c.kind == unit.kind)
    container.children.append(unit)


def chapter(plan: Unit, number: int) -> Unit:
    for unit in plan.children:
        if unit.kind == "chapter" and unit.number == number:
            return unit
    raise SourceError(f"chapter {number} not found / 未找到第{number}章")


def normalised_with_offsets(source: str, span: Span) -> tuple[str, list[int]]:
    """The normalised text of a span and, for each of its characters, the offset it came from in the source."""
    text, offsets, pos = [], [], span.start
    raw = source[span.start : span.end]
    for match in [*LINE_BREAK_RE.finditer(raw), None]:
        stop = span.start + match.start() if match else span.end
        while pos < stop:
            text.append(source[pos])
            offsets.append(pos)
            pos += 1
        if match:
            pos = span.start + match.end()
    return "".join(text), offsets
