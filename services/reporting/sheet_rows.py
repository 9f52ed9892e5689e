"""Body rows of list sheets serialised straight to sheet XML (see services.reporting.list_workbook).

Rows whose text wraps get an explicit height (ht, customHeight): Excel and WPS do not grow a
row for wrapped text in a file they open, LibreOffice does; an explicit height prints the same
in all three. Lines are estimated generously from the column width (a Chinese character of the
10 pt body font takes ROW_CHAR width units, a Latin one half), so text is never cut off.
"""

import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Sequence
from typing import IO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from services.core.cells import looks_like_formula

HEADER_ROW = 3  # title, note, headers; body rows follow
ROW_CHAR = 2.0  # width units of one Chinese character of the body font (宋体 10 pt)
LINE_PT, ROW_PAD_PT = 13.5, 3.0  # height of one line of body text, and the row's padding
_EPOCH = dt.date(1899, 12, 30)
_CACHED = frozenset({str, dt.date, type(None)})  # values whose cell XML is remembered
_NARROW = re.compile("[\x00-\u2e7f]")  # characters counted half a Chinese character wide


class SheetBody:
    """Serialises bordered body rows as sheet XML into a temporary file.

    Cells carry no reference (they follow each other in their row, which OOXML allows), so the
    XML of a text, date or empty cell depends on its column only and is built once per value;
    numbers (never cached: 1 == True) take the slow path. A numbered sheet writes 序号 itself.
    """

    CACHE_LIMIT = 20_000  # distinct values remembered per column

    def __init__(
        self,
        headers: Sequence[str],
        styles: Sequence[int],
        *,
        date_style: int,
        guarded_style: int,
        title: str,
        note: str,
        numbered: bool = False,
        widths: Sequence[float] = (),
    ) -> None:
        """styles: the style id of each column; guarded_style: text that looks like a formula;
        widths: the columns' widths (as the sheet has them), to fit each row's height."""
        self.headers, self.title, self.note = tuple(headers), title, note
        self.number_style = styles[0] if numbered else None
        self.styles = list(styles[1:] if numbered else styles)
        self.date_style, self.guarded = date_style, guarded_style
        self.caches: list[dict[object, str]] = [{} for _ in self.styles]  # value → cell XML
        body_widths = list(widths[1:] if numbered else widths)
        # characters of ROW_CHAR units a line holds, per column (None: no fitting)
        self.fit: list[float | None] = [max(1.0, (w - 1.0) / ROW_CHAR) for w in body_widths] or [
            None
        ] * len(self.styles)
        self.row, self.count = HEADER_ROW, 0
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by ListWorkbook
        self.pending: list[str] = []

    def write(self, values: Sequence[object]) -> None:
        """Append one row (str, int, float, bool, date or None per column; without 序号 on a
        numbered sheet)."""
        if len(values) != len(self.caches):
            raise ValueError(f"expected {len(self.caches)} values, got {len(values)}")
        self.row += 1
        self.count += 1
        cells, lines = [], 1
        row = zip(values, self.caches, self.styles, self.fit, strict=True)
        for value, cache, style, capacity in row:
            kind = value.__class__
            if kind in _CACHED:  # exact types: a bool must not find the XML of 1
                xml = cache.get(value)
                if xml is None:
                    xml = self._cell(style, value)
                    if len(cache) < self.CACHE_LIMIT:
                        cache[value] = xml
            elif kind is int:
                xml = f'<c s="{style}"><v>{value}</v></c>'
            else:
                xml = self._cell(style, value)
            cells.append(xml)
            if capacity and isinstance(value, str) and (len(value) > capacity or "\n" in value):
                lines = max(lines, wrapped_lines(value, capacity))
        number = (
            f'<c s="{self.number_style}"><v>{self.count}</v></c>'
            if self.number_style is not None
            else ""
        )
        height = f' ht="{lines * LINE_PT + ROW_PAD_PT:g}" customHeight="1"' if lines > 1 else ""
        self.pending.append(f'<row r="{self.row}"{height}>{number}{"".join(cells)}</row>')
        if len(self.pending) >= 2000:
            self._flush()

    def _cell(self, style: int, value: object) -> str:
        if value is None or value == "":
            return f'<c s="{style}"/>'
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            if looks_like_formula(text):
                style = self.guarded
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
            return f'<c s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if isinstance(value, bool):
            return f'<c s="{style}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            return f'<c s="{self.date_style}"><v>{(day - _EPOCH).days}</v></c>'
        return f'<c s="{style}"><v>{value}</v></c>'

    def _flush(self) -> None:
        self.file.write("".join(self.pending).encode("utf-8"))
        self.pending.clear()

    def copy_to(self, target: IO[bytes]) -> None:
        """Copy every row written so far into an open zip entry."""
        self._flush()
        self.file.seek(0)
        shutil.copyfileobj(self.file, target, 1 << 20)


def wrapped_lines(text: str, capacity: float) -> int:
    """Lines text wraps to in a cell holding capacity Chinese characters a line (a Latin
    character counts half)."""
    total = 0
    for paragraph in text.split("\n"):
        width = len(paragraph) - 0.5 * len(_NARROW.findall(paragraph))
        total += max(1, -int(-width // capacity))
    return total
