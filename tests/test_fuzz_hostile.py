"""The fuzz harness for issue 16's classes: work multiplied by repeated or oversized parameters on every route of
the OpenAPI document, spreadsheets generated to be hostile, and the load runs of ``bench/hostile.py``.

Short by default (a handful of cases per route); ``make test-slow`` runs each property with many more cases and the
load run at full length. Each case watches time and the answer's size; the route sweep also watches the memory
the test process holds (tracemalloc) across the whole sweep.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from qhfin.curate import ID_HEADER, LEAD_HEADER, MatrixImportError, read_rows
from qhfin.writers import SHEET

ROOT = Path(__file__).resolve().parents[1]
SHORT = settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LONG = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALUES = ["乡村振兴", "theme", "body,theme,instrument,group", "4-1-1-1-1", "人民银行", "x" * 300, "",
          "https://w3id.org/qhfin/id/theme/rural-revitalization", "2023", "xlsx", "json", "downstream", "3"]


def _routes(client) -> list[tuple[str, list[str]]]:
    """Every GET route of the OpenAPI document with its query parameters; path parameters filled with a real id."""
    spec = client.get("/api/openapi.json").get_json()
    routes = []
    for path, item in spec["paths"].items():
        if "get" not in item:
            continue
        names = [p["name"] for p in item["get"].get("parameters", []) if p.get("in") == "query"]
        concrete = path.replace("{task_id}", "4-1-1-1-1").replace("{fmt}", "cytoscape").replace("{name}", "tasks")
        if "{" not in concrete:
            routes.append((concrete, names))
    assert len(routes) >= 10, routes  # the sweep must not shrink unnoticed
    return routes


def _bounded(client, path: str, pairs: list[tuple[str, str]]) -> None:
    started = time.monotonic()
    response = client.get(path, query_string=pairs, headers={"Accept": "application/json"})
    took = time.monotonic() - started
    assert took < 10, (path, pairs[:3], took)
    assert response.status_code < 500 or response.status_code == 503, (path, response.status_code, response.data[:300])
    assert len(response.data) < 16 * 1024 * 1024, (path, len(response.data))


cases = st.tuples(st.integers(min_value=1, max_value=12), st.sampled_from(VALUES), st.integers(min_value=0, max_value=3000))


def _sweep(client, draw_cases) -> None:
    from qhfin.text import words

    words("乡村振兴")  # the segmenter's dictionary loads once (half a second), not inside a timed case
    for warm in ("/api/impact?node=乡村振兴", "/api/evaluation"):  # built once per graph version from the engine's
        assert client.get(warm).status_code == 200                # answer (seconds), not inside a timed case
    tracemalloc.start()
    try:
        baseline = None
        for path, names in _routes(client):
            for name in names or ["unknown"]:
                for repeats, value, length in draw_cases:
                    big = value if length < 2 else (value * (length // max(1, len(value)) + 1))[:length]
                    _bounded(client, path, [(name, big)] * repeats)
            current, _peak = tracemalloc.get_traced_memory()
            baseline = current if baseline is None else baseline
        current, _peak = tracemalloc.get_traced_memory()
        assert current - baseline < 200 * 1024 * 1024, "the sweep left over 200 MB behind"
    finally:
        tracemalloc.stop()


@SHORT
@given(st.lists(cases, min_size=1, max_size=1))
def test_repeated_and_oversized_parameters_on_every_route(client, drawn):
    _sweep(client, drawn)


@pytest.mark.slow
@LONG
@given(st.lists(cases, min_size=4, max_size=8))
def test_repeated_and_oversized_parameters_on_every_route_long(client, drawn):
    _sweep(client, drawn)


# ---------------------------------------------------------------- spreadsheets generated to be hostile

cells = st.tuples(st.integers(min_value=1, max_value=16384), st.integers(min_value=1, max_value=1_048_576),
                  # texts a worksheet can hold (openpyxl refuses to write control characters: a file with them
                  # cannot be made, so it is no case of the reader's)
                  st.one_of(st.text(max_size=40).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
                            st.just("=1+1"), st.just(" " * 5000)))


def _sheet(path: Path, extra: list[tuple[int, int, str]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([ID_HEADER, LEAD_HEADER, "配合单位"])
    ws.append(["4-1-1-1-1", "青海银行", ""])
    for column, row, value in extra:
        ws[f"{get_column_letter(column)}{row}"] = value
    wb.save(path)
    return path


def _read_bounded(path: Path) -> None:
    code = ("import resource,sys\nfrom pathlib import Path\nfrom qhfin.curate import MatrixImportError, read_rows\n"
            "resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))\n"
            f"try:\n    read_rows(Path({str(path)!r}))\nexcept MatrixImportError:\n    pass\n"
            "print(next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')) // 1024)")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-1500:]
    assert time.monotonic() - started < 20 and int(done.stdout.split()[-1]) < 500


@SHORT
@given(st.lists(cells, min_size=1, max_size=3))
def test_generated_far_cells_cost_little(tmp_path_factory, extra):
    _read_bounded(_sheet(tmp_path_factory.mktemp("sheet") / "s.xlsx", extra))


@pytest.mark.slow
@LONG
@given(st.lists(cells, min_size=1, max_size=6))
def test_generated_far_cells_cost_little_long(tmp_path_factory, extra):
    _read_bounded(_sheet(tmp_path_factory.mktemp("sheet") / "s.xlsx", extra))


def test_an_xlsx_of_random_bytes_is_refused(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    with pytest.raises(MatrixImportError):
        read_rows(path)


# ---------------------------------------------------------------- the load runs: slow clients, unique heavy texts


def _hostile(seconds: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "bench" / "hostile.py"), "--seconds", str(seconds),
                           "--output", "/dev/null"], capture_output=True, text=True, timeout=600, cwd=ROOT)


@pytest.mark.slow  # a load run (make hostile runs the long one); the two holes each have their own test here
def test_hostile_load_short():
    """16 heavy unique-text queries + 16 renders, then 260 slow connections: every bar of issue 16 is met."""
    done = _hostile(3)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


@pytest.mark.slow
def test_hostile_load_long():
    done = _hostile(60)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
