"""Form handling shared by pages and the API: the visit form, uploaded files, hazard moves.

Thin: it reads the browser's fields and calls the services (records, hazards, evidence).
"""

import datetime as dt
import re
import tempfile
from pathlib import Path

from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile

from services.core import evidence
from services.core.errors import BadInput
from services.core.evidence import EvidenceFile
from services.hazards.from_visits import open_hazards_for_record
from services.hazards.lifecycle import move_hazard
from services.visits.records import record_visit
from web.deps import plain_text

MAX_PROBLEMS = 5


def parse_date(text: str | None) -> dt.date | None:
    """A YYYY-MM-DD date from a form field (None when blank)."""
    if not text or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"日期 {text!r} 无效，应为 YYYY-MM-DD") from None


def uploads(form: FormData, field: str) -> list[EvidenceFile]:
    """The files uploaded in a field, each checked by content and size (BadInput otherwise)."""
    return [
        read_upload(item)
        for item in form.getlist(field)
        if isinstance(item, UploadFile) and item.filename
    ]


def read_upload(item: UploadFile) -> EvidenceFile:
    """One uploaded file, checked by content and size."""
    content = item.file.read(evidence.max_bytes() + 1)
    return evidence.check_content(filename=safe_name(item.filename or ""), content=content)


def safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", name).strip(". ") or "照片"
    return name[-120:]


def field(form: FormData, name: str) -> str:
    """A text field of a form ("" when absent); BadInput for text with NUL characters."""
    value = form.get(name)
    value = value if isinstance(value, str) else ""
    if not plain_text(value):
        raise BadInput("提交的内容包含无效字符")
    return value


def visit_document(form: FormData, checklist: list) -> dict:
    """{"answers", "problems"} from the answer_<item> and problem_<n>_* fields."""
    answers = {}
    for item in checklist:
        value = field(form, f"answer_{item.id}")
        if value.strip():
            answers[item.id] = value.strip()
    problems = []
    for n in range(1, MAX_PROBLEMS + 1):
        text = field(form, f"problem_{n}_description")
        if text.strip():
            problems.append(
                {"description": text.strip(), "level": field(form, f"problem_{n}_level") or "一般"}
            )
    return {"answers": answers, "problems": problems}


def save_visit(
    *,
    session: Session,
    task_id: int,
    mode: str,
    visit_date: dt.date | None,
    document: dict,
    note: str | None,
    photos: list[EvidenceFile],
    actor: str,
) -> dict:
    """Record the visit, open its hazards and keep its photos; returns what was written."""
    record = record_visit(
        session=session,
        task_id=task_id,
        mode=mode,
        visit_date=visit_date,
        document=document,
        note=note,
        recorded_by=actor,
    )
    task = record_task(session, record)
    hazards = open_hazards_for_record(session=session, record=record, task=task)
    if photos:
        kept = []
        for photo in photos:
            evidence.store(photo)
            kept.append(
                {
                    "sha256": photo.sha256,
                    "filename": photo.filename,
                    "content_type": photo.content_type,
                    "size": photo.size,
                }
            )
        record.photos = kept
        session.add(record)
    session.flush()
    return {"record": record, "hazards": hazards}


def record_task(session: Session, record):
    from models.task import InspectionTask

    return session.get(InspectionTask, record.task_id)


def move(
    *,
    session: Session,
    hazard_id: int,
    targets: list[str],
    by: str,
    files: list[EvidenceFile] = (),
    note: str | None = None,
) -> dict:
    """Move a hazard through targets in turn (e.g. start and report at once); the evidence
    goes with the last move."""
    result = {}
    with tempfile.TemporaryDirectory(prefix="baobao-upload-") as folder:
        paths = []
        for n, file in enumerate(files):
            path = Path(folder) / str(n) / file.filename
            path.parent.mkdir()
            path.write_bytes(file.content)
            paths.append(path)
        for i, target in enumerate(targets):
            last = i == len(targets) - 1
            result = move_hazard(
                session=session,
                hazard_id=hazard_id,
                target=target,
                by=by,
                evidence_files=paths if last else [],
                note=note if last else None,
            )
    return result
