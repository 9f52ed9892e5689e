"""Open an untrusted roster file (an .xlsx, or a folder of five CSVs) and stream its rows.

Workbooks are read as values (formulas are never evaluated; DTDs and entities are refused, see
services.roster.xlsx) and refused above the [roster] limits (services.roster.limits);
CSVs may be UTF-8 (with or without BOM) or GB18030.
"""

import hashlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from services.core.errors import BadInput
from services.roster import limits
from services.roster.csv_folder import open_folder
from services.roster.mapping import Mapping
from services.roster.sheets import Candidate, Source, match_sheets
from services.roster.xlsx_sheet import Row

MAX_UNZIPPED = 600 * 2**20
CHUNK = 2**20


@contextmanager
def open_source(
    path: Path, mapping: Mapping | None = None, *, name: str | None = None
) -> Iterator[Source]:
    """The roster file at path, opened for streaming; BadInput when it is not one. name: what
    messages call the file (default: its own name)."""
    path, mapping = Path(path), mapping or Mapping()
    if path.is_dir():
        yield open_folder(path, mapping)
        return
    if not path.is_file():
        raise BadInput(f"找不到文件 {path}")
    workbook, source = _open_workbook(path, mapping, name or path.name)
    try:
        yield source
    finally:
        workbook.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _refuse_non_workbook(path: Path, name: str) -> None:
    limits.check_size(name=name, size=path.stat().st_size)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"\xd0\xcf\x11\xe0":
        raise BadInput(f"{name} 是旧版 Excel（.xls）或加密的工作簿，请另存为 .xlsx 后再导入")
    if magic != b"PK\x03\x04" or not zipfile.is_zipfile(path):
        raise BadInput(f"{name} 不是 Excel 工作簿（.xlsx），也不是 CSV 文件夹")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BadInput(f"{name} 已损坏，无法作为 Excel 工作簿打开") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise BadInput(f"{name} 不是 Excel 工作簿（.xlsx）")
    if "xl/workbook.bin" in names:
        raise BadInput(f"{name} 是二进制工作簿（.xlsb），请另存为 .xlsx 后再导入")
    if sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise BadInput(f"{name} 解压后超过 {MAX_UNZIPPED // 2**20} MB，已拒绝")


def _open_workbook(path: Path, mapping: Mapping, name: str) -> tuple[zipfile.ZipFile, Source]:
    _refuse_non_workbook(path, name)
    from services.roster.xlsx import Workbook

    archive = zipfile.ZipFile(path)
    try:
        workbook = Workbook(
            archive,
            max_shared_bytes=limits.max_shared_bytes(),
            max_shared_strings=limits.max_cells(),
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault
        archive.close()
        raise _unreadable(name, exc) from None
    source = Source(name=name, sha256=_sha256(path), kind="xlsx")
    counter = _CellCounter(name)
    candidates = [
        Candidate(title, enumerate(counter.count(_guarded(workbook.rows(title), name)), 1))
        for title in workbook.sheets
    ]
    match_sheets(source, candidates, mapping)
    return archive, source


def _unreadable(name: str, exc: Exception) -> BadInput:
    from services.roster.xlsx import SharedStringsTooLarge, UnsafeXml

    if isinstance(exc, SharedStringsTooLarge):
        return limits.shared_strings_refused(name=name)
    if isinstance(exc, UnsafeXml):
        return BadInput(f"工作簿 {name} 含有不安全的 XML 内容（DTD 或实体声明），已拒绝")
    return BadInput(f"无法读取工作簿 {name}：文件已损坏或不是有效的 .xlsx（{type(exc).__name__}）")


def _guarded(rows: Iterator[Row], name: str) -> Iterator[Row]:
    """Rows of a worksheet; a parser failure half-way becomes a clear Chinese error."""
    try:
        yield from rows
    except BadInput:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed or hostile XML inside the workbook
        raise _unreadable(name, exc) from None


class _CellCounter:
    """Counts cells across all sheets of a workbook and refuses more than the limit."""

    def __init__(self, name: str) -> None:
        self.name, self.cells, self.limit = name, 0, limits.max_cells()

    def count(self, rows: Iterator[Row]) -> Iterator[Row]:
        for row in rows:
            self.cells += len(row)
            limits.check_cells(name=self.name, cells=self.cells, limit=self.limit)
            yield row
