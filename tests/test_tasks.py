"""Every sentence of Chapters 4–7 lies inside exactly one task's verbatim source text."""

from __future__ import annotations

import pytest
from rdflib.namespace import RDF, SKOS

from qhfin.namespaces import QHFIN, TASK
from qhfin.source import TASK_CHAPTERS, normalise
from qhfin.stats import coverage


def sentence_tasks(graph):
    return [t for t in graph.subjects(RDF.type, QHFIN.Task) if graph.value(t, QHFIN.subTaskOf) is None]


@pytest.mark.parametrize("number", TASK_CHAPTERS)
def test_every_body_character_is_in_exactly_one_task(graph, source, number):
    assert coverage(source, graph)[number] == 1.0


def test_task_count_per_chapter(graph):
    counts = {}
    for task in sentence_tasks(graph):
        ch = str(graph.value(task, SKOS.notation)).split("-")[0]
        counts[ch] = counts.get(ch, 0) + 1
    assert counts == {"4": 112, "5": 82, "6": 59, "7": 26}


def test_source_text_is_the_span_without_layout_breaks(graph, source):
    bad = []
    for task in graph.subjects(RDF.type, QHFIN.Task):
        start, end = int(graph.value(task, QHFIN.startOffset)), int(graph.value(task, QHFIN.endOffset))
        if normalise(source[start:end]) != str(graph.value(task, QHFIN.sourceText)):
            bad.append(task)
    assert bad == []


def test_sub_tasks_partition_their_sentence(graph):
    """Clauses cover the sentence, separated only by punctuation."""
    problems = []
    for parent in set(graph.objects(None, QHFIN.subTaskOf)):
        subs = sorted(graph.subjects(QHFIN.subTaskOf, parent), key=lambda t: int(graph.value(t, QHFIN.startOffset)))
        text = str(graph.value(parent, QHFIN.sourceText))
        rest = text
        for sub in subs:
            clause = str(graph.value(sub, QHFIN.sourceText))
            pos = rest.find(clause)
            if pos < 0 or rest[:pos].strip("，；、。：,; ") != "":
                problems.append((parent, clause))
                break
            rest = rest[pos + len(clause) :]
        if rest.strip("，；、。：,; ") != "":
            problems.append((parent, rest))
    assert problems == []


def test_first_task_of_chapter_4_is_verbatim(graph):
    task = TASK["4-1-1-1-1"]
    assert str(graph.value(task, QHFIN.sourceText)) == "在做好普惠金融示范区的基础上，全力创建国家级普惠金融改革试验区。"


def test_broken_word_is_joined_in_the_task_and_the_repair_recorded(graph):
    task = TASK["4-1-2-5-1"]
    assert "碳达峰投资基金，引导" in str(graph.value(task, QHFIN.sourceText))
    kinds = {graph.value(r, QHFIN.repairKind) for r in graph.objects(task, QHFIN.repair)}
    assert QHFIN.LineBreak in kinds


def test_garbled_text_is_kept_and_flagged(graph):
    tasks = [t for t in graph.subjects(RDF.type, QHFIN.Task) if "陈和并购保险" in str(graph.value(t, QHFIN.sourceText))]
    assert tasks, "the garbled words stay in the text as printed"
    kinds = {graph.value(r, QHFIN.repairKind) for t in tasks for r in graph.objects(t, QHFIN.repair)}
    assert QHFIN.GarbledText in kinds
