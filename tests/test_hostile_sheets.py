"""Issue 16, findings 3 and 6: spreadsheets are checked before they are read, and csv fields of any size are read.

Each hostile file is generated here (not shipped), read in a child process whose peak memory and time are watched:
a 2-core, 24 GB server must survive them while serving.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from qhfin.curate import ID_HEADER, LEAD_HEADER, MatrixImportError, parse_rows, read_rows
from qhfin.writers import SHEET

HEADER = [ID_HEADER, "具体措施", LEAD_HEADER, "配合单位"]


def _workbook(path: Path, cells: dict[str, object]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADER)
    ws.append(["4-1-1-1-1", "x", "青海银行", ""])
    for coordinate, value in cells.items():
        ws[coordinate] = value
    wb.save(path)
    return path


def _zip_with_sheet(path: Path, sheet_xml: bytes) -> Path:
    """A minimal xlsx whose one sheet is ``sheet_xml``, deflated (as a bomb would be)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def _whitespace_bomb(path: Path, megabytes: int) -> Path:
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
    tail = b'</t></is></c></row></sheetData></worksheet>'
    return _zip_with_sheet(path, head + ID_HEADER.encode() + b" " * (megabytes * 1024 * 1024) + tail)


def _read_in_child(path: Path) -> tuple[str, float, int]:
    """read_rows in a child process: (outcome, seconds, peak MB of the child)."""
    code = textwrap.dedent(f"""
        import resource, sys, time
        from pathlib import Path
        from qhfin.curate import MatrixImportError, read_rows
        resource.setrlimit(resource.RLIMIT_AS, (4 * 1024 ** 3, 4 * 1024 ** 3))  # a runaway fails here, not the host
        try:
            read_rows(Path({str(path)!r}))
            print("accepted")
        except MatrixImportError as exc:
            print("refused:", exc)
        except MemoryError:
            print("memory")
        # VmHWM, the peak of this process's own memory (ru_maxrss would carry the forking parent's peak over exec)
        print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) // 1024)
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - started
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, done.stderr[-2000:]
    return "\n".join(lines[:-1]), seconds, int(lines[-1])


@pytest.mark.parametrize("make", [
    pytest.param(lambda p: _workbook(p, {"XFD1048576": "x"}), id="cell-at-XFD1048576"),
    pytest.param(lambda p: _workbook(p, {"XFD4000": "x"}), id="cell-at-XFD4000"),
    pytest.param(lambda p: _workbook(p, {"A1048576": "x"}), id="cell-at-A1048576"),
])
def test_a_hostile_spreadsheet_costs_little_and_changes_nothing(tmp_path, make):
    path = make(tmp_path / "hostile.xlsx")
    outcome, seconds, peak_mb = _read_in_child(path)
    assert seconds < 20 and peak_mb < 400, (outcome, seconds, peak_mb)
    assert outcome.startswith(("refused", "accepted"))


@pytest.mark.parametrize("megabytes", [8, 120])
def test_a_whitespace_bomb_is_refused_cheaply(tmp_path, megabytes):
    """1.6 MB of xlsx holding 1.5 GiB of whitespace was accepted after 25 s and 1.77 GB."""
    outcome, seconds, peak_mb = _read_in_child(_whitespace_bomb(tmp_path / "ws.xlsx", megabytes))
    assert outcome.startswith("refused") and seconds < 20 and peak_mb < 400, (outcome, seconds, peak_mb)


def test_a_far_cell_is_ignored_and_the_real_rows_are_read(tmp_path):
    sheet, rows = read_rows(_workbook(tmp_path / "far.xlsx", {"XFD4000": "x"}))
    assert sheet == SHEET and [number for number, _cells in rows][0] == 2
    assert rows[0][1][LEAD_HEADER] == "青海银行"


def test_a_zip_bomb_is_refused_by_its_ratio_before_parsing(tmp_path):
    with pytest.raises(MatrixImportError) as caught:
        read_rows(_whitespace_bomb(tmp_path / "bomb.xlsx", 8))
    assert "bomb" in str(caught.value) and "压缩" in str(caught.value)


def test_a_csv_cell_over_128_kib_is_an_error_naming_row_and_column(tmp_path, graph):
    path = tmp_path / "big.csv"
    path.write_text(",".join(HEADER) + "\n4-1-1-1-1,x,青海银行," + "配" * 200_000 + "\n", encoding="utf-8")
    sheet, rows = read_rows(path)  # used to raise _csv.Error: field larger than field limit (131072)
    with pytest.raises(MatrixImportError) as caught:
        parse_rows(graph, sheet, rows)
    message = str(caught.value)
    assert "第2行" in message and "配合单位" in message and "2000" in message


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(25 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(MatrixImportError) as caught:
        read_rows(path)
    assert time.monotonic() - started < 1 and "too large" in str(caught.value)


def test_the_child_memory_watch_itself_measures(tmp_path):
    """The peak reported by the child is real: reading an ordinary file costs tens of MB, not zero."""
    outcome, _seconds, peak_mb = _read_in_child(_workbook(tmp_path / "ok.xlsx", {}))
    assert outcome == "accepted" and 10 < peak_mb < 400
