"""The append-only audit log: one function writes it; nothing updates or deletes its rows."""

from collections.abc import Mapping
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
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        occurred_at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=None if before is None else dict(before),
        after=None if after is None else dict(after),
    )
    session.add(event)
    return event
