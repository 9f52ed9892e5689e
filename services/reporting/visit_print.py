"""visits print: the 督导检查记录表 of one visit, or of a period's visits merged into one PDF per
officer or per township, written under DATA_DIR/visit_records (or a folder given)."""

import hashlib
from pathlib import Path
from typing import TypedDict

from sqlalchemy import select
from sqlmodel import Session

from config.settings import get_settings
from models.entity import Entity
from models.officer import Officer
from models.record import InspectionRecord
from models.task import InspectionTask
from services.core.errors import BadInput
from services.core.jurisdictions import by_code, places
from services.core.periods import parse_period
from services.reporting.visit_record import (
    VisitRecordDoc,
    Visits,
    documents,
    in_period,
    signature_labels,
    visit_query,
)


class PrintedFile(TypedDict):
    path: str
    visits: int
    sha256: str
    size: int


class NamedFile(PrintedFile):
    name: str  # the officer, or the township, the file is for


class PrintedTask(TypedDict):
    files: list[PrintedFile]


class PrintedPeriod(TypedDict):
    period: str
    files: list[NamedFile]


def _folder(out_dir: Path | None, *parts: str) -> Path:
    folder = (
        Path(out_dir)
        if out_dir
        else Path(get_settings().data_dir).joinpath("visit_records", *parts)
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(records: list[VisitRecordDoc], path: Path) -> PrintedFile:
    from reports.render_visit import render_visits

    data = render_visits(records, signature_labels())
    path.write_bytes(data)
    return {
        "path": str(path.resolve()),
        "visits": len(records),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }


def print_task(*, session: Session, task_id: int, out_dir: Path | None = None) -> PrintedTask:
    """The record of one task's visit as a PDF; BadInput when the task has no visit yet."""
    if session.get(InspectionTask, task_id) is None:
        raise BadInput(f"任务 {task_id} 不存在")
    records = documents(session=session, query=visit_query().where(InspectionTask.id == task_id))
    if not records:
        raise BadInput(f"任务 {task_id} 还没有督导记录，无法打印督导检查记录表")
    path = _folder(out_dir) / f"督导检查记录表-任务{task_id}.pdf"
    return {"files": [_write(records, path)]}


def _by_officer(session: Session, code: str) -> list[tuple[str, Visits]]:
    officer = session.execute(select(Officer).where(Officer.code == code.strip())).scalar()
    if officer is None:
        raise BadInput(f"干部编号 {code} 不存在")
    query = visit_query().where(InspectionRecord.officer_id == officer.id)
    return [(f"{officer.name}（{officer.code}）", query)]


def _by_township(session: Session, code: str) -> list[tuple[str, Visits]]:
    """One query per township of the jurisdiction's subtree (its own level, 本级, apart): the
    visits to entities there."""
    groups: dict[tuple[str, str], list[int]] = {}
    for jid, place in places(session=session, root=by_code(session=session, code=code)).items():
        groups.setdefault((place.group_code, place.group_name), []).append(jid)
    return [
        (name, visit_query().where(Entity.jurisdiction_id.in_(ids)))
        for (_, name), ids in sorted(groups.items())
    ]


def print_period(
    *,
    session: Session,
    period: str,
    officer: str | None = None,
    jurisdiction: str | None = None,
    out_dir: Path | None = None,
) -> PrintedPeriod:
    """The records of a period's visits merged into one PDF per officer, or per township of a
    jurisdiction; BadInput when nothing was visited."""
    if bool(officer) == bool(jurisdiction):
        raise BadInput("请指定 --officer（干部编号）或 --jurisdiction（区划代码）之一")
    span = parse_period(period)
    groups = _by_officer if officer else _by_township
    folder = _folder(out_dir, span.name)
    files: list[NamedFile] = []
    for name, query in groups(session, officer or jurisdiction or ""):
        records = documents(session=session, query=in_period(query, start=span.start, end=span.end))
        if records:
            path = folder / f"督导检查记录表-{name}-{span.name}.pdf"
            files.append({"name": name, **_write(records, path)})
    if not files:
        raise BadInput(f"{span.name} 期间没有督导记录，无法打印")
    return {"period": span.name, "files": files}
