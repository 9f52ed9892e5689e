"""What the verifier reads on a hazard's page: the visit that found it (answers, note, photos),
the evidence grouped by the submission that brought it (time, submitter, note), the latest
return, and the name of everyone in its history (codes only beside names)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.enums import HazardStatus, ItemKind
from models.evidence import HazardEvidence
from models.hazard import Hazard
from models.officer import Officer
from models.record import InspectionRecord
from services.core.names import names_of
from services.figures.returns import Return, returns_of
from services.visits.items import VisitItem, visit_items


@dataclass(frozen=True)
class SourceVisit:
    """The recorded visit (督导) that opened the hazard."""

    task_id: int
    visit_date: dt.date
    mode: str
    officer_name: str
    officer_code: str
    note: str | None
    items: list[VisitItem]
    photos: list[dict[str, Any]]

    @property
    def failed(self) -> list[VisitItem]:
        return [i for i in self.items if i.failed]


@dataclass(frozen=True)
class Submission:
    """One report of rectification (→ 待验收) with the files it brought."""

    at: dt.datetime
    by: str
    by_name: str
    note: str | None
    files: list[HazardEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class Dossier:
    visit: SourceVisit | None
    submissions: list[Submission]
    returned: Return | None  # shown while the hazard is 整改中 after a return
    names: dict[str, str]  # account → name, for the history
    officer_name: str | None


def _visit(session: Session, record_id: int | None) -> SourceVisit | None:
    if record_id is None:
        return None
    row = session.execute(
        select(InspectionRecord, Officer.name, Officer.code)
        .join(Officer, Officer.id == InspectionRecord.officer_id)
        .where(InspectionRecord.id == record_id)
    ).first()
    if row is None:
        return None
    record, name, code = row
    photos = [p for p in record.photos or [] if isinstance(p, dict) and p.get("sha256")]
    return SourceVisit(
        record.task_id, record.visit_date, record.mode, name, code, record.note,
        visit_items(record), photos,
    )  # fmt: skip


def _submissions(
    events: list[AuditEvent], files: list[HazardEvidence], names: dict[str, str]
) -> list[Submission]:
    by_hash = {f.sha256: f for f in files}
    found: list[Submission] = []
    placed: set[str] = set()
    for e in events:
        after = e.after or {}
        if after.get("status") != HazardStatus.AWAITING_VERIFICATION:
            continue
        brought = [by_hash[h] for h in after.get("evidence") or [] if h in by_hash]
        placed.update(f.sha256 for f in brought)
        found.append(
            Submission(
                e.occurred_at, e.actor, names.get(e.actor, e.actor), after.get("note"), brought
            )
        )
    rest = [f for f in files if f.sha256 not in placed]  # attached outside a report
    if rest:
        first = rest[0]
        who = first.uploaded_by
        found.append(Submission(first.uploaded_at, who, names.get(who, who), None, rest))
    return sorted(found, key=lambda s: s.at, reverse=True)


def hazard_dossier(*, session: Session, hazard_id: int) -> Dossier:
    """The verifier's view of one hazard (the caller has checked who may see it)."""
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        raise LookupError(f"hazard {hazard_id} does not exist")
    events = list(
        session.execute(
            select(AuditEvent)
            .where(
                AuditEvent.object_type == ItemKind.HAZARD, AuditEvent.object_id == str(hazard_id)
            )
            .order_by(AuditEvent.id)
        ).scalars()
    )
    files = list(
        session.execute(
            select(HazardEvidence)
            .where(HazardEvidence.hazard_id == hazard_id)
            .order_by(HazardEvidence.uploaded_at, HazardEvidence.id)
        ).scalars()
    )
    accounts = {e.actor for e in events} | {f.uploaded_by for f in files}
    names = names_of(session=session, accounts=accounts)
    officer = session.get(Officer, hazard.officer_id) if hazard.officer_id else None
    returned = None
    if hazard.status == HazardStatus.RECTIFYING:
        returned = returns_of(session=session, hazard_ids=[hazard_id]).get(hazard_id)
    return Dossier(
        _visit(session, hazard.record_id),
        _submissions(events, files, names),
        returned,
        names,
        officer.name if officer else None,
    )
