"""Which part of a file is which roster sheet: by name (or a mapping file's name), else by its
headers; the header row found among the first rows (title rows above it are allowed).

Sheets of the file that are none of the roster's are listed as ignored, never silently dropped.
"""

from dataclasses import dataclass, field
from itertools import chain, islice
from typing import TypedDict

from services.core.errors import BadInput
from services.roster.columns import GUIDE_SHEET, SHEETS, Cells, NumberedRows, Sheet
from services.roster.headers import HeaderRow, Headers, clean_sheet_name
from services.roster.mapping import Mapping

HEADER_SCAN_ROWS = 10
MIN_HEADERS = 2  # a row naming fewer of a sheet's columns is not its header row


@dataclass
class SheetRows:
    """One sheet of the source: its header and its data rows (row number, cells)."""

    sheet: Sheet
    title: str  # the sheet's name in the file (or the CSV file's name)
    header_row: int
    header: HeaderRow
    rows: NumberedRows
    estimated_rows: int | None = None


@dataclass
class Ignored:
    """A sheet or column of the file that the import does not read."""

    sheet: str  # as named in the file
    column: str | None  # the column's header as written (None: the whole sheet)
    cell: str | None  # where the header is, e.g. "L1"

    def as_dict(self) -> "IgnoredDict":
        return {"sheet": self.sheet, "column": self.column, "cell": self.cell}


class IgnoredDict(TypedDict):
    sheet: str
    column: str | None
    cell: str | None


@dataclass
class Source:
    name: str
    sha256: str
    kind: str  # "xlsx" | "csv"
    sheets: dict[str, SheetRows | None] = field(default_factory=dict)  # None: sheet absent
    ignored: list[Ignored] = field(default_factory=list)


@dataclass
class Candidate:
    """A sheet or CSV file of the source, its first rows read ahead."""

    title: str
    rows: NumberedRows
    estimate: int | None = None  # rows in the file, when known
    ahead: list[tuple[int, Cells]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ahead = list(islice(self.rows, HEADER_SCAN_ROWS))


def _header(sheet: Sheet, candidate: Candidate, mapping: Mapping) -> SheetRows | None:
    """The candidate read as this sheet, if one of its first rows is the sheet's header."""
    headers = Headers(sheet, mapping.columns.get(sheet.name, {}))
    for index, (number, cells) in enumerate(candidate.ahead):
        if headers.score(cells) >= MIN_HEADERS:
            rest = chain(candidate.ahead[index + 1 :], candidate.rows)
            left = None if candidate.estimate is None else max(candidate.estimate - number, 0)
            return SheetRows(sheet, candidate.title, number, headers.read(cells), rest, left)
    return None


def _empty(sheet: Sheet, title: str, mapping: Mapping) -> SheetRows:
    header = Headers(sheet, mapping.columns.get(sheet.name, {})).read(())
    return SheetRows(sheet, title, 1, header, iter(()), 0)


def _by_name(candidates: list[Candidate], mapping: Mapping) -> dict[str, Candidate]:
    named: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        clean = clean_sheet_name(candidate.title)
        target = mapping.sheets.get(clean) or (clean if clean in {s.name for s in SHEETS} else None)
        if target:
            named.setdefault(target, []).append(candidate)
    for sheet, found in named.items():
        if len(found) > 1:
            titles = "、".join(c.title for c in found)
            raise BadInput(f"文件中有多个“{sheet}”：{titles}；请只保留一个或用 --mapping 指明")
    return {sheet: found[0] for sheet, found in named.items()}


def _by_headers(
    candidates: list[Candidate], sheets: list[Sheet], mapping: Mapping
) -> dict[str, SheetRows]:
    """Unnamed candidates whose headers hold every required column of one missing sheet (the
    sheet naming most of its columns wins)."""
    best: dict[str, list[tuple[int, SheetRows]]] = {}
    for candidate in candidates:
        scored: list[tuple[int, SheetRows]] = []
        for sheet in sheets:
            read = _header(sheet, candidate, mapping)
            if read is not None and not read.header.incomplete:
                scored.append((len(read.header.positions), read))
        if scored:
            score, top = max(scored, key=lambda pair: pair[0])
            best.setdefault(top.sheet.name, []).append((score, top))
    chosen: dict[str, SheetRows] = {}
    for name, found in best.items():
        if len(found) > 1:
            titles = "、".join(f.title for _, f in found)
            raise BadInput(f"工作表 {titles} 看起来都是“{name}”；请只保留一个或用 --mapping 指明")
        chosen[name] = found[0][1]
    return chosen


def match_sheets(source: Source, candidates: list[Candidate], mapping: Mapping) -> None:
    """Fill source.sheets (every roster sheet: its rows, or None when absent) and list the
    candidates left over as ignored."""
    named = _by_name(candidates, mapping)
    for name, candidate in named.items():
        sheet = next(s for s in SHEETS if s.name == name)
        source.sheets[name] = _header(sheet, candidate, mapping) or _empty(
            sheet, candidate.title, mapping
        )
    rest = [c for c in candidates if c not in named.values()]
    unnamed = [c for c in rest if clean_sheet_name(c.title) != GUIDE_SHEET]
    missing = [s for s in SHEETS if s.name not in named]
    found = _by_headers(unnamed, missing, mapping)
    for sheet in SHEETS:
        if sheet.name not in source.sheets:
            source.sheets[sheet.name] = found.get(sheet.name)
    used = {rows.title for rows in source.sheets.values() if rows is not None}
    source.ignored += [Ignored(c.title, None, None) for c in unnamed if c.title not in used]
    for rows in source.sheets.values():
        if rows is not None:
            source.ignored += [
                Ignored(rows.title, text, f"{column_letter(index)}{rows.header_row}")
                for index, text in rows.header.ignored
            ]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
