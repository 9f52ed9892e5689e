"""A roster as a folder of CSV files, one per sheet (named after it, or found by its headers),
in UTF-8 with or without BOM, or GB18030 as Chinese Excel writes it; streamed, any size."""

import codecs
import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from services.core.cells import csv_uncell
from services.core.errors import BadInput
from services.roster.columns import SHEETS
from services.roster.headers import clean_sheet_name
from services.roster.mapping import Mapping
from services.roster.sheets import Candidate, Source, match_sheets

CHUNK = 2**20


def _title(path: Path, stems: dict[Path, str]) -> str:
    """The file's sheet name: its own, or the one sheet name it contains (such as
    "2026年包保主体.csv") when no file is named exactly after that sheet."""
    stem = stems[path]
    if stem in {s.name for s in SHEETS}:
        return stem
    inside = [s.name for s in SHEETS if s.name in stem]
    exact = {stems[p] for p in stems}
    if len(inside) == 1 and inside[0] not in exact:
        return inside[0]
    return path.stem


def open_folder(folder: Path, mapping: Mapping) -> Source:
    """The CSV files of a folder, opened for streaming and matched to the roster's sheets."""
    csvs = [p for p in sorted(folder.iterdir()) if p.is_file() and p.suffix.lower() == ".csv"]
    if not csvs:
        raise BadInput(
            f"文件夹 {folder} 中没有 CSV 文件（{'、'.join(s.name for s in SHEETS)}.csv）"
        )
    stems = {p: clean_sheet_name(p.stem) for p in csvs}
    digest = hashlib.sha256()
    source = Source(name=folder.name, sha256="", kind="csv")
    candidates = []
    for path in csvs:
        encoding, lines, file_hash = _sniff(path)
        digest.update(f"{path.name}\0{file_hash}\n".encode())
        rows = enumerate(_csv_rows(path, encoding), start=1)
        candidates.append(Candidate(_title(path, stems), rows, lines))
    source.sha256 = digest.hexdigest()
    match_sheets(source, candidates, mapping)
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


def _csv_rows(path: Path, encoding: str) -> Iterator[list[str]]:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            for record in csv.reader(handle):
                if "'" in "".join(record):
                    record = [csv_uncell(v) for v in record]
                yield record
    except UnicodeDecodeError:
        raise BadInput(
            f"{path.name} 的编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV"
        ) from None
    except csv.Error as exc:
        raise BadInput(f"{path.name} 不是有效的 CSV 文件：{exc}") from None
