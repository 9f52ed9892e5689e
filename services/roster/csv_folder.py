"""A roster as a folder of five CSV files named after the sheets (区划.csv …), in UTF-8 with
or without BOM, or GB18030 as Chinese Excel writes it; streamed, any size."""

import codecs
import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from services.core.errors import BadInput
from services.roster.columns import SHEETS, normalise_sheet_name
from services.roster.sources import CHUNK, Source, locate_header


def open_folder(folder: Path) -> Source:
    """The CSV files of a folder, one per sheet (named after it), opened for streaming."""
    csvs = [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"]
    stems = {p: normalise_sheet_name(p.stem) for p in csvs}
    files: dict[str, Path] = {}
    for sheet in SHEETS:
        chosen = [p for p in csvs if stems[p] == sheet.name] or [
            p for p in csvs if sheet.name in stems[p]
        ]
        if len(chosen) > 1:
            raise BadInput(
                f"文件夹中有多个“{sheet.name}”CSV 文件：{'、'.join(p.name for p in chosen)}"
            )
        if chosen:
            files[sheet.name] = chosen[0]
    if not files:
        raise BadInput(
            f"文件夹 {folder} 中没有以工作表命名的 CSV 文件"
            f"（{'、'.join(s.name for s in SHEETS)}.csv）"
        )
    digest = hashlib.sha256()
    source = Source(name=folder.name, sha256="", kind="csv")
    for sheet in SHEETS:
        path = files.get(sheet.name)
        if path is None:
            source.sheets[sheet.name] = None
            continue
        encoding, lines, file_hash = _sniff(path)
        digest.update(f"{path.name}\0{file_hash}\n".encode())
        source.sheets[sheet.name] = locate_header(
            sheet, enumerate(_csv_rows(path, encoding), start=1), lines
        )
    source.sha256 = digest.hexdigest()
    return source


def _sniff(path: Path) -> tuple[str, int, str]:
    """The file's encoding (UTF-8 if it decodes as such, else GB18030), line count and sha256."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, lines, digest = True, 0, hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return ("utf-8-sig" if utf8 else "gb18030"), lines, digest.hexdigest()


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple]:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            for record in csv.reader(handle):
                if "'" in "".join(record):
                    record = [_unquote(v) for v in record]
                yield record
    except UnicodeDecodeError:
        raise BadInput(
            f"{path.name} 的编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV"
        ) from None
    except csv.Error as exc:
        raise BadInput(f"{path.name} 不是有效的 CSV 文件：{exc}") from None


def _unquote(value: str) -> str:
    """Undo the apostrophe the CSV export puts before =, +, -, @ (formula injection)."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value
