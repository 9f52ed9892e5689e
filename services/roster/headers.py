"""Header cells → a sheet's columns: the canonical spelling, the aliases of [roster]
header_aliases in policy.toml, and a --mapping file's own names. Whatever is left is reported as
ignored, never guessed."""

import re
import unicodedata
from dataclasses import dataclass, field

from config.files import load_policy
from services.roster.columns import CODE_HEADERS, IDENTIFIERS, Cells, Sheet

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】|〔.*?〕")
_BLANKS = re.compile(r"[\s\u200b\ufeff*]+")


def clean_header(value: object) -> str:
    """A header cell as written, made comparable: NFKC, no blanks, no * marks, no (notes)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return _BLANKS.sub("", _BRACKETS.sub("", text))


def clean_sheet_name(value: str) -> str:
    """A sheet or CSV file name made comparable."""
    return _BLANKS.sub("", unicodedata.normalize("NFKC", value))


def aliases_for(sheet: Sheet) -> dict[str, str]:
    """alias → canonical header, for the columns of this sheet ([roster] header_aliases); a
    canonical header of the sheet is never taken as another column's alias."""
    own = {c.header for c in sheet.columns}
    found: dict[str, str] = {}
    for canonical, spellings in load_policy().roster.header_aliases.items():
        if canonical not in own:
            continue
        for alias in map(clean_header, spellings):
            if alias and alias not in own:
                found.setdefault(alias, canonical)
    return found


@dataclass
class HeaderRow:
    """Where a sheet's columns are in its header row, and what is wrong with it."""

    positions: dict[str, int]  # field → 0-based column index
    problems: list[tuple[str, str]]  # (canonical header, Chinese message)
    ignored: list[tuple[int, str]]  # (column index, header as written)
    incomplete: bool  # a required column is missing: the sheet's rows are not checked


@dataclass
class Headers:
    """How the header cells of one sheet are read (aliases, then a mapping file's names)."""

    sheet: Sheet
    mapping: dict[str, str] = field(default_factory=dict)  # clean header → canonical header

    def __post_init__(self) -> None:
        self.by_header = {c.header: c for c in self.sheet.columns}
        self.aliases = aliases_for(self.sheet)

    def canonical(self, cell: object) -> str | None:
        """The canonical header a cell names, or None."""
        text = clean_header(cell)
        found = self.mapping.get(text) or (text if text in self.by_header else None)
        return found or self.aliases.get(text)

    def score(self, cells: Cells) -> int:
        """How many distinct columns of this sheet the cells name."""
        return len({self.canonical(c) for c in cells} - {None})

    def read(self, cells: Cells) -> HeaderRow:
        """The header row read: positions, problems and the ignored columns."""
        positions: dict[str, int] = {}
        problems: list[tuple[str, str]] = []
        ignored: list[tuple[int, str]] = []
        for index, cell in enumerate(cells):
            header = self.canonical(cell)
            if header is None:
                if clean_header(cell):
                    ignored.append((index, str(cell).strip()))
            elif self.by_header[header].field in positions:
                problems.append((header, f"列“{header}”出现了不止一次"))
            else:
                positions[self.by_header[header].field] = index
        seen = {clean_header(c) for c in cells}
        for source, header in self.mapping.items():
            if source not in seen:
                problems.append(
                    (header, f"映射文件把列“{source}”对应到“{header}”，但本表表头中没有“{source}”")
                )
        missing = [
            (c.header, f"缺少必填列“{c.header}”")
            for c in self.sheet.columns
            if c.required and c.field not in positions
        ]
        missing += self._missing_identifiers(positions)
        return HeaderRow(positions, problems + missing, ignored, bool(missing))

    def _missing_identifiers(self, positions: dict[str, int]) -> list[tuple[str, str]]:
        """The entity and assignment sheets need a column that names the entity."""
        if self.sheet.key not in ("entity", "assignment"):
            return []
        if any(c.field in positions for c in IDENTIFIERS):
            return []
        if self.sheet.key == "assignment" and {"entity_name", "entity_place"} <= set(positions):
            return []
        return [(CODE_HEADERS[0], f"缺少编号列：{'、'.join(CODE_HEADERS)}至少要有一列")]
