"""Chapter 1's figures and the 2025 targets: printed exactly, queryable with value, unit and year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from qhfin.namespaces import QB, QHFIN
from qhfin.targets import targets


def printed(graph):
    return [o for o in graph.subjects(RDF.type, QB.Observation) if graph.value(o, QHFIN.asPrinted) is not None]


def test_every_printed_figure_points_at_its_words(graph, source):
    wrong = []
    for node in [*printed(graph), *graph.subjects(RDF.type, QHFIN.Target)]:
        start, end = graph.value(node, QHFIN.startOffset), graph.value(node, QHFIN.endOffset)
        if start is None or source[int(start) : int(end)] != str(graph.value(node, QHFIN.asPrinted)):
            wrong.append(node)
    assert wrong == []


def test_chapter_one_figures_are_all_there(graph):
    assert len(printed(graph)) >= 100


@pytest.mark.parametrize(
    ("value", "unit_suffix", "period"),
    [
        pytest.param("6620.86", "yi-yuan", "2020", id="loans-2020"),
        pytest.param("5124.10", "yi-yuan", "2015", id="loans-2015-footnote"),
        pytest.param("232.62", "yi-yuan", "2016", id="value-added-2016-footnote"),
        pytest.param("8.77", "percent", "2020", id="gdp-share-2020"),
    ],
)
def test_figure_with_value_unit_and_year(graph, value, unit_suffix, period):
    hits = [o for o in printed(graph) if graph.value(o, QHFIN.value) is not None
            and Decimal(str(graph.value(o, QHFIN.value))) == Decimal(value)
            and str(graph.value(o, QHFIN.refPeriod)) == period]
    assert hits and str(graph.value(hits[0], QHFIN.unit)).endswith(unit_suffix)


def test_chapter_three_targets_with_baselines(graph):
    result = {r["as_printed"]: r for r in targets(graph)["results"]}
    deposit_loan = next(r for k, r in result.items() if "15000" in k)
    assert deposit_loan["value"] == 15000 and deposit_loan["year"] == 2025 and deposit_loan["unit"] == "亿元"
    assert deposit_loan["baseline"]["value"] == pytest.approx(12934.93) and deposit_loan["baseline"]["derived"]
    assert deposit_loan["required_annual_growth_percent"] == pytest.approx(3.01, abs=0.01)
    depth = next(r for k, r in result.items() if "3.8%" in k)
    assert depth["baseline"] is None and depth["baseline_note"]


def test_nine_required_targets_exist(graph):
    printed_targets = {str(graph.value(t, QHFIN.asPrinted)) for t in graph.subjects(RDF.type, QHFIN.Target)}
    for words in ("8.5%左右", "15000亿元", "300亿元", "18家", "150亿元", "3.8%", "2400元/人", "80%"):
        assert any(words in p for p in printed_targets), words


def test_implausible_figure_is_flagged_not_changed(graph):
    findings = [f for f in graph.subjects(RDF.type, QHFIN.DataQualityFinding)
                if graph.value(f, QHFIN.findingKind) == QHFIN.Implausible]
    concerned = {o for f in findings for o in graph.objects(f, QHFIN.concerns)}
    values = {str(graph.value(o, QHFIN.asPrinted)) for o in concerned if isinstance(o, URIRef)}
    assert any("3989" in v for v in values)
