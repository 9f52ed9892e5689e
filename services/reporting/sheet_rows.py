"""Body rows of list sheets serialised straight to sheet XML (see services.reporting.list_workbook)."""

import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

HEADER_ROW = 3  # title, note, headers; body rows follow
# Text starting with these is a formula (or DDE) to some spreadsheet program.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_EPOCH = dt.date(1899, 12, 30)


class SheetBody:
    """Serialises bordered body rows as sheet XML into a temporary file.

    Cells carry no reference (they follow each other in their row, which OOXML allows), so the
    XML of a text, date or empty cell depends on its column only and is built once per value;
    numbers (never cached: 1 == True) take the slow path. A numbered sheet writes 序号 itself.
    """

    CACHE_LIMIT = 20_000  # distinct values remembered per column
    CACHEABLE = (str, dt.date, type(None))

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
    ):
        """styles: the style id of each column; guarded_style: text that looks like a formula."""
        self.headers, self.title, self.note = tuple(headers), title, note
        self.number_style = styles[0] if numbered else None
        self.styles = list(styles[1:] if numbered else styles)
        self.date_style, self.guarded = date_style, guarded_style
        self.caches: list[dict] = [{} for _ in self.styles]
        self.row, self.count = HEADER_ROW, 0
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by ListWorkbook
        self.pending: list[str] = []

    def write(self, values: Sequence) -> None:
        """Append one row (str, int, float, bool, date or None per column; without 序号 on a
        numbered sheet)."""
        if len(values) != len(self.caches):
            raise ValueError(f"expected {len(self.caches)} values, got {len(values)}")
        self.row += 1
        self.count += 1
        try:
            cells = "".join(map(dict.__getitem__, self.caches, values))
        except (KeyError, TypeError):
            cells = "".join(map(self._cached, self.caches, self.styles, values))
        number = (
            f'<c s="{self.number_style}"><v>{self.count}</v></c>'
            if self.number_style is not None
            else ""
        )
        self.pending.append(f'<row r="{self.row}">{number}{cells}</row>')
        if len(self.pending) >= 2000:
            self._flush()

    def _cached(self, cache: dict, style: int, value) -> str:
        if type(value) not in self.CACHEABLE and not isinstance(value, dt.date):
            return self._cell(style, value)
        xml = cache.get(value)
        if xml is None:
            xml = self._cell(style, value)
            if len(cache) < self.CACHE_LIMIT:
                cache[value] = xml
        return xml

    def _cell(self, style: int, value) -> str:
        if value is None or value == "":
            return f'<c s="{style}"/>'
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            if text.startswith(FORMULA_STARTS):
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

    def copy_to(self, target) -> None:
        """Copy every row written so far into an open zip entry."""
        self._flush()
        self.file.seek(0)
        shutil.copyfileobj(self.file, target, 1 << 20)
