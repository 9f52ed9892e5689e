"""The checklist answers of a recorded visit, read in one place: every page, print and export
that shows a visit's items reads them through visit_items, so a change to how answers are kept
(an answer's own note and photos) is made here alone."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from config.files import load_checklist
from models.record import InspectionRecord
from services.core.evidence import StoredFile

FAILED = "否"


@dataclass(frozen=True)
class VisitItem:
    """One checklist item as answered at a visit."""

    item_id: str
    question: str
    answer: str  # 是 / 否 / 不涉及
    note: str | None = None  # the answer's own note, when it has one
    photos: tuple[StoredFile, ...] = field(default=())  # the answer's own photos

    @property
    def failed(self) -> bool:
        """Whether the item was answered 否."""
        return self.answer == FAILED


def _parts(value: object) -> tuple[str, str | None, tuple[StoredFile, ...]]:
    """An answer as kept: "是", or {"answer": "否", "note": T, "photos": [...]}."""
    if isinstance(value, dict):
        note = value.get("note")
        # Photos are kept as with_photos (services.visits.answers) wrote them: StoredFile each.
        photos = cast(list[StoredFile], value.get("photos") or [])
        return str(value.get("answer", "")), str(note) if note else None, tuple(photos)
    return str(value), None, ()


def items_of(answers: Mapping[str, object]) -> list[VisitItem]:
    """The answered items of an answers dict, in the checklist's order (items no longer in the
    checklist last, by id)."""
    questions = {item.id: item.text for item in load_checklist().items}
    order = {item_id: n for n, item_id in enumerate(questions)}
    found: list[VisitItem] = []
    for item_id in sorted(answers, key=lambda i: (order.get(i, len(order)), i)):
        answer, note, photos = _parts(answers[item_id])
        question = questions.get(item_id, f"检查项 {item_id}")
        found.append(VisitItem(item_id, question, answer, note, photos))
    return found


def visit_items(record: InspectionRecord) -> list[VisitItem]:
    """The checklist items of a recorded visit with their answers, notes and photos."""
    return items_of(record.answers or {})
