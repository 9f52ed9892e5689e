"""What the monthly report and the annual summary share: their sections as a registry (a later
area — banquets — adds a section by registering it), the archive folder with a manifest that
says a report was produced, the report day (the Nth working day after a period) and mailing the
files to [reports] recipients through the outbox.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Generic, NotRequired, TypedDict, TypeVar, final

from sqlmodel import Session

from config.files import load_policy
from config.settings import get_settings
from models.enums import Channel
from reports.document import Block, BlockKind, Section
from services.core import calendar
from services.core.errors import BadInput
from services.reminders.delivery import Mailed

C = TypeVar("C")  # the context a report's sections read (monthly, annual)
Row = tuple[object, ...]  # a table's or a sheet's row, cells in its headers' order


@dataclass(frozen=True)
class SheetPart:
    """One sheet of a report workbook."""

    name: str
    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: list[Row]
    centred: tuple[int, ...] = ()


class SectionBody(TypedDict):
    """What a section contributes to the document: its blocks, and its heading unless the
    report words it (the annual summary's come from its wording file)."""

    heading: NotRequired[str]
    blocks: list[Block]


class FileEntry(TypedDict):
    """A written file as results and manifests list it."""

    format: str
    path: str
    sha256: str
    size: int


@final
class NotDue(TypedDict):
    """A scheduled report not produced today (not due yet, or produced already), and why."""

    skipped: str


def _no_sheets(_context: object) -> list[SheetPart]:
    return []


@dataclass(frozen=True)
class ReportSection(Generic[C]):
    """A section of a report: its part of the document (heading and blocks) and its sheets."""

    name: str
    document: Callable[[C], SectionBody]
    sheets: Callable[[C], list[SheetPart]] = field(default=_no_sheets)


class Registry(Generic[C]):
    """The sections of one kind of report, in order; register() adds one (or replaces the
    section of the same name)."""

    def __init__(self) -> None:
        self.sections: list[ReportSection[C]] = []

    def register(self, section: ReportSection[C]) -> ReportSection[C]:
        """Add a section at the end (or in place of the one of the same name)."""
        self.sections = [s for s in self.sections if s.name != section.name] + [section]
        return section


def numbered(sections: list[Section]) -> list[Section]:
    """The sections with their tables numbered 表1, 表2 … in order (a table a section leaves out
    leaves no gap)."""
    count = 0

    def number(block: Block) -> Block:
        nonlocal count
        if block["kind"] != BlockKind.TABLE:
            return block
        count += 1
        return {**block, "caption": f"表{count} {block['caption']}"}

    return [{**s, "blocks": [number(b) for b in s["blocks"]]} for s in sections]


def chosen_formats(
    formats: list[str] | None, default: Sequence[str], allowed: tuple[str, ...]
) -> list[str]:
    """The formats asked for (default when none); BadInput naming an unknown one."""
    chosen = [f.strip().lower() for f in (formats or default) if f.strip()]
    bad = [f for f in chosen if f not in allowed]
    if bad or not chosen:
        raise BadInput(f"格式 {'、'.join(bad) or '（空）'} 无效，可选：{'、'.join(allowed)}")
    return list(dict.fromkeys(chosen))


def archive(kind: str, period: str, code: str, out_dir: Path | None) -> Path:
    """The folder a report is written to: out_dir, or DATA_DIR/reports/<kind>/<period>/<code>."""
    folder = (
        Path(out_dir)
        if out_dir
        else Path(get_settings().data_dir) / "reports" / kind / period / code
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def described(path: Path, fmt: str) -> FileEntry:
    """A written file as results and manifests list it."""
    data = path.read_bytes()
    return {
        "format": fmt,
        "path": str(path.resolve()),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }


def manifest_path(kind: str, period: str, code: str) -> Path:
    """Where the manifest of a scheduled report is kept (its presence: produced)."""
    return Path(get_settings().data_dir) / "reports" / kind / period / code / "manifest.json"


def write_manifest(kind: str, period: str, code: str, result: Mapping[str, object]) -> None:
    """Record that the report of a period was produced (the scheduled run reads it)."""
    path = manifest_path(kind, period, code)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def report_day(period_end: dt.date, workday: int) -> dt.date:
    """The Nth working day after a period ends."""
    return calendar.add_workdays(period_end, workday)


def mail_files(
    *, session: Session, files: list[FileEntry], subject: str, text: str, key: str
) -> Mailed | None:
    """Queue the files to every [reports] recipient and deliver; None when there is none."""
    from services.reminders import delivery, outbox

    recipients = load_policy().reports.recipients
    if not recipients:
        return None
    listing = "\n".join(f"- {Path(f['path']).name}（{f['size'] / 1024:.1f} KB）" for f in files)
    body = f"{text}\n\n附件：\n{listing}\n"
    messages = [
        outbox.Outgoing(
            channel=Channel.EMAIL,
            recipient=f"email:{parseaddr(r)[1]}",
            address=r,
            subject=subject,
            body_text=body,
            body_html=None,
            dedupe_key=f"{key}:{parseaddr(r)[1]}",
            attachments=[f["path"] for f in files],
        )
        for r in recipients
    ]
    queued = outbox.enqueue(session=session, messages=messages)
    return {"queued": queued, **delivery.deliver(session=session)}
