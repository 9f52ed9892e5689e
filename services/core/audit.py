"""The append-only audit log: one function writes it; nothing updates or deletes its rows."""

from typing import Any

from sqlmodel import Session

from models.audit import AuditEvent
from services.core import clock


def record_event(
    *,
    session: Session,
    actor: str,
    action: str,
    object_type: str,
    object_id: Any,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        occurred_at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before,
        after=after,
    )
    session.add(event)
    return event
