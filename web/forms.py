"""Form fields shared by pages and the API: dates, text, the visit form and uploaded files
(checked by services.core.evidence). Parsing only: the pages call the services themselves.
"""

import datetime as dt
from collections.abc import Sequence

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request

from config.files import ChecklistItem
from services.core import evidence
from services.core import uploads as upload_limits
from services.core.errors import BadInput
from services.core.evidence import EvidenceFile
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
    return read_uploads(
        [item for item in form.getlist(field) if isinstance(item, UploadFile) and item.filename]
    )


def read_uploads(items: list[UploadFile]) -> list[EvidenceFile]:
    """Uploaded files, at most [web] upload_max_files, each checked by content and size."""
    upload_limits.check_count(count=len(items))
    return [read_upload(item) for item in items]


def read_upload(item: UploadFile) -> EvidenceFile:
    """One uploaded file, checked by content and size."""
    content = item.file.read(evidence.max_bytes() + 1)
    return evidence.check_content(filename=item.filename or "", content=content)


async def read_form(request: Request) -> FormData:
    """A multipart form of at most [web] upload_max_files files (BadInput beyond)."""
    try:
        return await request.form(max_part_size=64 * 1024, max_files=upload_limits.max_files())
    except HTTPException as exc:
        if "files" not in str(exc.detail).lower():
            raise
        raise BadInput(f"一次最多上传 {upload_limits.max_files()} 个文件，请分几次上传") from None


def failed_items(form: FormData, checklist: Sequence[ChecklistItem]) -> list[str]:
    """The checklist items the form answers 否 (only they carry notes and photos)."""
    return [item.id for item in checklist if field(form, f"answer_{item.id}").strip() == "否"]


def kept_ids(form: FormData, name: str) -> list[str]:
    """The ids of photos uploaded with an earlier submission of the form (hidden fields)."""
    return [v for v in form.getlist(name) if isinstance(v, str) and v and plain_text(v)][:20]


def field(form: FormData, name: str) -> str:
    """A text field of a form ("" when absent); BadInput for text with NUL characters."""
    value = form.get(name)
    value = value if isinstance(value, str) else ""
    if not plain_text(value):
        raise BadInput("提交的内容包含无效字符")
    return value


def visit_document(form: FormData, checklist: Sequence[ChecklistItem]) -> dict[str, object]:
    """{"answers", "problems"} from the answer_<item>, note_<item> and problem_<n>_* fields; an
    item's note counts only when it is answered 否 (the form shows the note under 否 only)."""
    answers: dict[str, object] = {}
    for item in checklist:
        value = field(form, f"answer_{item.id}").strip()
        note = field(form, f"note_{item.id}").strip()
        if value == "否" and note:
            answers[item.id] = {"answer": value, "note": note}
        elif value:
            answers[item.id] = value
    problems: list[dict[str, str]] = []
    for n in range(1, MAX_PROBLEMS + 1):
        text = field(form, f"problem_{n}_description")
        if text.strip():
            problems.append(
                {"description": text.strip(), "level": field(form, f"problem_{n}_level") or "一般"}
            )
    return {"answers": answers, "problems": problems}
