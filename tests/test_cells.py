"""Issue 16, findings 6 and 8: formulas neutralised in every export, csv values of any size both ways."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from qhfin.cells import neutral, restore
from qhfin.matrix import matrix
from qhfin.writers import SHEET, WRITERS

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "=cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def poisoned(graph) -> dict:
    """The real matrix with hostile text where the plan's text, names and labels go (as an external store or a
    curated file could put them)."""
    m = matrix(graph)
    rows = [dict(r) for r in m["rows"][: len(HOSTILE)]]
    for row, text in zip(rows, HOSTILE, strict=True):
        row["measure"], row["key_task"], row["lead"] = text, text, [text]
    return {**m, "rows": rows, "tasks": [{**t, "label": HOSTILE[0]} for t in m["tasks"][:3]]}


@pytest.mark.parametrize("text", HOSTILE)
def test_neutral_and_restore_round_trip(text):
    assert neutral(text).startswith("'") and restore(neutral(text)) == text
    assert restore("'ordinary") == "'ordinary" and neutral("青海") == "青海"


def test_the_csv_writer_neutralises_every_cell(poisoned):
    rows = list(csv.reader(io.StringIO(WRITERS["csv"](poisoned).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))]
    assert "'" + HOSTILE[0] in cells


def test_the_xlsx_writer_stores_no_formula_on_any_sheet(poisoned):
    wb = load_workbook(io.BytesIO(WRITERS["xlsx"](poisoned)))
    found = [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert found == []
    assert wb[SHEET].cell(row=2, column=5).value == HOSTILE[0]  # shown as typed, not evaluated


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_writer_keeps_the_text(poisoned, fmt):
    """No writer drops or mangles a hostile cell: it is there, inert."""
    data = WRITERS[fmt](poisoned)
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(data))
        texts = {str(c.value) for row in wb[SHEET].iter_rows() for c in row}
        assert HOSTILE[1] in texts
    elif fmt == "docx":  # Word has no formulas in table text; the text is there as written
        from docx import Document

        texts = {cell.text for table in Document(io.BytesIO(data)).tables for row in table.rows for cell in row.cells}
        assert HOSTILE[1] in texts
    else:
        assert "+1+1" in data.decode("utf-8")


def test_sparql_csv_answers_a_value_over_128_kib(client):
    """A SPARQL result with one huge value as text/csv was a 500 (the row counter's csv reader stopped at 128 KiB)."""
    query = 'SELECT ?v WHERE { BIND(CONCAT("' + "x" * 1000 + '", "") AS ?x) BIND(CONCAT(' + ", ".join(["?x"] * 150) + ') AS ?v) }'
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert len(response.data) > 140_000 and response.data.startswith(b"v\r\n")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_measures_downloads_neutralise_formulas(graph, fmt):
    """The measures list's own writers (issue 13's download) are covered as the matrix's are."""
    from qhfin.measures import Query, measures
    from qhfin.measures_table import to_measures_csv, to_measures_xlsx

    answer = measures(graph, Query(theme="https://w3id.org/qhfin/id/theme/rural-revitalization"))
    answer["results"] = [{**r, "label": text, "text": text} for r, text in zip(answer["results"], HOSTILE, strict=False)]
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(to_measures_csv(answer).decode("utf-8-sig"))) for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t"))] and "'" + HOSTILE[0] in cells
    else:
        wb = load_workbook(io.BytesIO(to_measures_xlsx(answer)))
        assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
