"""Cells no spreadsheet evaluates: the one test every download (CSV and xlsx) applies to text.

Text that starts with =, +, -, @ (or their full-width forms, a tab or a carriage return) is a
formula or a DDE call to Excel, WPS or LibreOffice when a person opens or edits the file. CSV
cells get a leading apostrophe (which the roster's CSV reader takes off again); xlsx cells are
written as text with the quote prefix (see services.reporting.sheet_rows and
services.roster.xlsx_writer), so the text shows as it is and is never evaluated.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would read this text as a formula (a plain signed number
    such as -1.5 is read as that number)."""
    return text.startswith(FORMULA_STARTS) and _NUMBER.fullmatch(text) is None


def csv_cell(value: object) -> str:
    """One CSV cell: empty for None, numbers as written, formula-like text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return "'" + text if looks_like_formula(text) else text
    return str(value)


def csv_uncell(text: str) -> str:
    """Undo csv_cell's apostrophe (for CSV files this application wrote and reads back)."""
    if len(text) > 1 and text[0] == "'" and looks_like_formula(text[1:]):
        return text[1:]
    return text


def write_csv(
    handle: io.TextIOBase, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    """Write a header and rows as formula-safe CSV to an open text file; returns rows written."""
    writer = csv.writer(handle)
    writer.writerow([csv_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def csv_download(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A whole formula-safe CSV file as UTF-8 with a byte-order mark (so Excel reads Chinese)."""
    out = io.StringIO()
    write_csv(out, header, rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
