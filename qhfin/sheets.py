"""Tables that staff fill in and send back (actual figures, progress reports): read them warily, write them safely.

Mirrors the matrix import (``qhfin.curate``): a file is read whole and every cell checked before anything is
applied; a damaged or hostile spreadsheet is an error naming the file, never a crash. What we write for people to
open in a spreadsheet program has its formulas neutralised (OWASP "CSV injection"): a text cell that starts with
= + - @ (or a tab or carriage return) gets a leading apostrophe, which the readers here take off again.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CellError:
    """One bad cell: the sheet, the row as the spreadsheet numbers it, the column's header, what is wrong."""

    sheet: str
    row: int
    column: str
    zh: str
    en: str

    def __str__(self) -> str:
        return (f"{self.sheet} 第{self.row}行 {self.column}列：{self.zh} / "
                f"sheet {self.sheet}, row {self.row}, column {self.column}: {self.en}")


class ImportRefused(ValueError):
    """The file is refused as a whole and nothing changed; ``errors`` names every bad row and column."""

    def __init__(self, errors: list[CellError] | list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet program would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The inverse of ``neutralise`` for text read back from a file we wrote."""
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START and text[1:2] else text


Rows = list[tuple[int, dict[str, object]]]


def read_table(path: Path, sheet: str, required: tuple[str, ...], aliases: dict[str, str] | None = None) -> tuple[str, Rows]:
    """(sheet name, [(row number, {header: value})]) from a csv or xlsx file; blank rows are skipped.

    ``aliases`` maps other spellings of a header (English ones) to the Chinese header used in the rows.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused([f"{path.name}: 无法读取 / cannot read ({exc.strerror})"]) from exc
    if size > MAX_BYTES:
        raise ImportRefused([f"{path.name}: 文件超过{MAX_BYTES // 1024 // 1024} MB / file larger than {MAX_BYTES // 1024 // 1024} MB"])
    if path.suffix.lower() == ".csv":
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused([f"{path.name}: 不是UTF-8编码 / not UTF-8 encoded ({exc.reason})"]) from exc
        try:
            table: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ImportRefused([f"{path.name}: CSV无法解析 / the CSV does not parse ({exc})"]) from exc
        name = path.name
    else:
        table, name = _xlsx_table(path, sheet), sheet
    if not table:
        raise ImportRefused([f"{name}: 空表 / the sheet is empty"])
    if len(table) > MAX_ROWS:
        raise ImportRefused([f"{name}: 行数超过{MAX_ROWS} / more than {MAX_ROWS} rows"])
    aliases = aliases or {}
    header = [aliases.get(str(h).strip(), str(h).strip()) for h in table[0]]
    missing = [h for h in required if h not in header]
    if missing:
        raise ImportRefused([f"{name}: 第1行缺少列 {'、'.join(missing)} / row 1 lacks the columns {', '.join(missing)}"])
    rows: Rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = {h: ("" if i >= len(values) or values[i] is None else values[i]) for i, h in enumerate(header) if h}
        if any(str(v).strip() for v in cells.values()):
            rows.append((number, cells))
    return name, rows


def _xlsx_table(path: Path, sheet: str) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # SyntaxError: XML that does not parse or an entity bomb; zlib.error / EOFError: a damaged member
        wb = load_workbook(path, read_only=True, data_only=False)
        if sheet not in wb.sheetnames:
            raise ImportRefused([f"{path.name}: 缺少工作表“{sheet}” / no sheet named “{sheet}”"])
        return [list(row) for row in wb[sheet].iter_rows(values_only=True)]
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError, zlib.error,
            EOFError, TypeError) as exc:
        raise ImportRefused([f"{path.name}: 不是有效的xlsx文件 / not a valid xlsx file ({exc})"]) from exc


def cell_checks(sheet: str, rows: Rows) -> list[CellError]:
    """Formulas and oversized cells, anywhere in the table: refused before any value is read."""
    errors = []
    for number, cells in rows:
        for header, value in cells.items():
            text = str(value)
            if isinstance(value, str) and value.startswith("="):
                errors.append(CellError(sheet, number, header, "不接受公式", "formulas are not accepted"))
            if len(text) > MAX_CELL:
                errors.append(CellError(sheet, number, header, f"单元格超过{MAX_CELL}字",
                                        f"cell longer than {MAX_CELL} characters"))
    return errors


def text(cells: dict[str, object], header: str) -> str:
    return restore(str(cells.get(header, "") or "").strip())


def commit(files: list[tuple[Path, bytes]], scratch: Path) -> None:
    """Write every file in full under ``scratch`` (outside graph/, which the build reads), then rename each into place.

    All bytes are on disk before the first rename, so a full or read-only disk leaves every old file intact, and
    the build never sees a half-written file. Where ``scratch`` is on another file system the temporary file is
    written beside its target instead, under a name the build does not read (``.tmp``).
    """
    scratch.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, Path]] = []
    try:
        for target, data in files:
            target.parent.mkdir(parents=True, exist_ok=True)
            temps.append((_write_temp(scratch, data), target))
        for i, (tmp, target) in enumerate(temps):
            try:
                os.replace(tmp, target)
            except OSError as exc:
                if exc.errno != errno.EXDEV:
                    raise
                beside = _write_temp(target.parent, Path(tmp).read_bytes())
                os.unlink(tmp)
                temps[i] = (beside, target)
                os.replace(beside, target)
    finally:
        for tmp, _target in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _write_temp(directory: Path, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".import-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would leave a data file only its writer can read
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp
