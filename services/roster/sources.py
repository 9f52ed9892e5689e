"""What a roster source yields, whatever its format: per sheet, where the header row and its
columns are, and a stream of data rows (services.roster.reader opens workbooks, csv_folder CSVs).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from services.roster.columns import Sheet, normalise_header

HEADER_SCAN_ROWS = 10
CHUNK = 2**20  # bytes read at a time when hashing or sniffing a file


@dataclass
class SheetRows:
    """One sheet of the source: where its columns are, and its data rows (row number, cells)."""

    sheet: Sheet
    header_row: int
    positions: dict[str, int]  # field → 0-based column index
    missing: list[str]  # required headers not found
    repeated: list[str]  # headers found twice
    rows: Iterator[tuple[int, tuple]]
    estimated_rows: int | None = None


@dataclass
class Source:
    """An opened roster file or folder: its name, content hash, kind and sheets."""

    name: str
    sha256: str
    kind: str  # "xlsx" | "csv"
    sheets: dict[str, SheetRows | None] = field(default_factory=dict)  # None: sheet absent


def locate_header(
    sheet: Sheet, rows: Iterator[tuple[int, tuple]], estimate: int | None
) -> SheetRows:
    """Find the header row among the first rows (title rows above it are allowed)."""
    known = {c.header: c for c in sheet.columns}
    for number, cells in rows:
        headers = [normalise_header(v) for v in cells]
        if sum(h in known for h in headers) >= 2:
            positions, repeated = {}, []
            for index, header in enumerate(headers):
                if header in known:
                    if known[header].field in positions:
                        repeated.append(header)
                    else:
                        positions[known[header].field] = index
            missing = [c.header for c in sheet.columns if c.required and c.field not in positions]
            if (
                sheet.key in ("entity", "assignment")
                and "credit_code" not in positions
                and "licence_no" not in positions
            ):
                missing.append("统一社会信用代码")
            return SheetRows(
                sheet,
                number,
                positions,
                missing,
                repeated,
                rows,
                None if estimate is None else max(estimate - number, 0),
            )
        if number >= HEADER_SCAN_ROWS:
            break
    return SheetRows(sheet, 1, {}, [c.header for c in sheet.columns if c.required], [], iter(()), 0)
