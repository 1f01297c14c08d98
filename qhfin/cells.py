"""What a spreadsheet cell may hold: text that a spreadsheet program will never run, and csv read at any length.

OWASP's CSV-injection guidance: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)``, DDE). The plan's text never begins
so, but an external store, a curated file or an imported sheet could. In xlsx the cell is stored as a string
(``data_type = "s"``: shown as typed, never evaluated, read back unchanged); in csv, which has no types, it gets a
leading apostrophe, which spreadsheet programs hide and ``restore`` removes on import.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """``text`` as a csv cell no spreadsheet program evaluates."""
    return "'" + text if text.startswith(FORMULA_START) else text


def restore(text: str) -> str:
    """The text ``neutral`` was given (an apostrophe it added is removed; any other is kept)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def as_text(worksheet: Any) -> None:
    """Every cell openpyxl took for a formula (a string beginning with ``=``) stored as the string it is."""
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def csv_rows(text: str) -> Iterator[list[str]]:
    """csv rows of ``text`` whatever the length of a field (the csv module stops at 128 KiB by default); the
    caller bounds ``text`` and judges each field."""
    previous = csv.field_size_limit()
    csv.field_size_limit(sys.maxsize)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    finally:
        csv.field_size_limit(previous)
