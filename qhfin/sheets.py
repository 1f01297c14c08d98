"""Reading a spreadsheet someone sent in (xlsx or csv), checked before it is parsed.

An 83 KB xlsx with one cell at XFD1048576 drove the old importer to 23.9 GB (openpyxl fills every row out to the
last column it was told of), and a 1.6 MB xlsx held 1.5 GiB of whitespace. So, before any parsing:

- the file's own size is bounded (``MAX_FILE``);
- an xlsx's zip directory is read first: at most ``MAX_MEMBERS`` members, ``MAX_UNCOMPRESSED`` bytes once
  uncompressed, no member compressed more than ``MAX_RATIO`` to one (a zip bomb's signature);
- the sheet is then read with its rows and columns bounded (``max_rows``, ``MAX_COLUMNS``) whatever its declared
  dimension says, and at most ``max_rows × MAX_COLUMNS`` cells are ever held;
- a csv field of any length is read (no ``field larger than field limit`` crash) and judged by the caller.

Every refusal names the file (and row) in Chinese and English; nothing here writes anything.

On top of that bounded reading, ``read_table`` gives the rows of the tables staff fill in and send back (actual
figures, progress reports) as {header: value}, and ``cell_checks`` refuses formulas and oversized cells anywhere in
them, as the matrix import does; ``text`` reads a cell back from a file we wrote (``qhfin.cells.restore``).
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .cells import csv_rows, restore
from .errors import QhfinError

MAX_ROWS = 5000
MAX_CELL = 2000

MAX_FILE = 20 * 1024 * 1024  # bytes of the file as sent
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes of an xlsx's members once uncompressed
MAX_MEMBERS = 200
MAX_RATIO = 200  # uncompressed / compressed, per member over 1 MB
MAX_COLUMNS = 64


class SheetError(QhfinError, ValueError):
    """The file cannot be read as a table; ``errors`` says why, zh / en."""

    code = "bad-sheet"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("表格无法读取 / the file cannot be read as a table", None, "\n".join(errors))
        self.errors = errors
        self.args = ("\n".join(errors),)


def read_cells(path: Path, sheet: str, max_rows: int) -> tuple[str, list[list[object]]]:
    """(sheet name, rows of cells) from ``path``: the sheet named ``sheet`` of an xlsx, or the whole csv."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError([f"{path.name}: 无法读取 / cannot be read ({exc.strerror})"]) from exc
    if size > MAX_FILE:
        raise SheetError([f"{path.name}: 文件过大（{size} 字节，上限 {MAX_FILE}）/ file too large ({size} bytes; "
                          f"the limit is {MAX_FILE})"])
    if path.suffix.lower() == ".csv":
        return path.name, _csv_rows(path, max_rows)
    return sheet, _xlsx_rows(path, sheet, max_rows)


def _csv_rows(path: Path, max_rows: int) -> list[list[object]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError([f"{path.name}: 不是UTF-8编码 / not UTF-8 encoded ({exc.reason})"]) from exc
    rows: list[list[object]] = []
    try:
        for row in csv_rows(text):  # an overlong cell is the caller's to name, with its row and column
            rows.append([restore(cell) for cell in row])
            if len(rows) > max_rows + 1:
                raise SheetError([f"{path.name}: 行数超过{max_rows} / more than {max_rows} rows"])
            if len(row) > MAX_COLUMNS:
                raise SheetError([f"{path.name}: 第{len(rows)}行超过{MAX_COLUMNS}列 / row {len(rows)} has more "
                                  f"than {MAX_COLUMNS} columns"])
    except csv.Error as exc:
        raise SheetError([f"{path.name}: 不是有效的CSV文件 / not a valid csv file ({exc})"]) from exc
    return rows


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SheetError([f"{path.name}: 不是有效的xlsx文件 / not a valid xlsx file ({exc})"]) from exc
    if len(members) > MAX_MEMBERS:
        raise SheetError([f"{path.name}: 压缩包成员过多（{len(members)}）/ too many members in the archive"])
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise SheetError([f"{path.name}: 解压后过大（{total} 字节，上限 {MAX_UNCOMPRESSED}）/ too large once "
                          f"uncompressed ({total} bytes; the limit is {MAX_UNCOMPRESSED})"])
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(1, member.compress_size):
            raise SheetError([f"{path.name}: 成员 {member.filename} 压缩比异常（疑为压缩炸弹）/ member "
                              f"{member.filename} is compressed {member.file_size // max(1, member.compress_size)}"
                              f" to one (a zip bomb?)"])


def _xlsx_rows(path: Path, sheet: str, max_rows: int) -> list[list[object]]:
    from openpyxl import load_workbook  # 0.3 s of imports: only when a spreadsheet is read
    from openpyxl.utils.exceptions import InvalidFileException

    _check_zip(path)
    try:  # SyntaxError: XML that does not parse, or an entity bomb the XML parser stops
        # the file opened here, so that it is closed however openpyxl fails (it leaves its own open then)
        with path.open("rb") as file:
            wb = load_workbook(file, read_only=True, data_only=False)
            try:
                if sheet not in wb.sheetnames:
                    raise SheetError([f"{path.name}: 缺少工作表“{sheet}” / no sheet named “{sheet}”"])
                ws = wb[sheet]
                rows = []
                # bounded whatever the sheet declares: openpyxl pads each row out to max_col, so it must be given one
                for row in ws.iter_rows(min_row=1, max_row=max_rows + 2, max_col=MAX_COLUMNS, values_only=True):
                    rows.append(["" if v is None else v for v in row])
                if len(rows) > max_rows + 1:
                    raise SheetError([f"{sheet}: 行数超过{max_rows} / more than {max_rows} rows"])
                while rows and all(v == "" for v in rows[-1]):
                    rows.pop()
                width = max((i + 1 for row in rows for i, v in enumerate(row) if v != ""), default=0)
                return [row[:width] for row in rows]
            finally:
                wb.close()
    except SheetError:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, SyntaxError, zlib.error,
            EOFError) as exc:  # zlib.error / EOFError: a damaged compressed member (found by the fuzzer)
        raise SheetError([f"{path.name}: 不是有效的xlsx文件 / not a valid xlsx file ({exc})"]) from exc


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


class ImportRefused(QhfinError, ValueError):
    """The file is refused as a whole and nothing changed; ``errors`` names every bad row and column."""

    code = "import-refused"

    def __init__(self, errors: list[CellError] | list[str]) -> None:
        text = "\n".join(str(e) for e in errors)
        super().__init__("导入被拒绝，未作任何改动 / the import is refused and nothing changed", None, text)
        self.errors = errors
        self.args = (text,)


Rows = list[tuple[int, dict[str, object]]]


def read_table(path: Path, sheet: str, required: tuple[str, ...], aliases: dict[str, str] | None = None) -> tuple[str, Rows]:
    """(sheet name, [(row number, {header: value})]) from a csv or xlsx file; blank rows are skipped.

    ``aliases`` maps other spellings of a header (English ones) to the Chinese header used in the rows.
    """
    try:
        name, table = read_cells(path, sheet, MAX_ROWS)
    except SheetError as exc:
        raise ImportRefused(exc.errors) from exc
    if not table:
        raise ImportRefused([f"{name}: 空表 / the sheet is empty"])
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
