"""The audit log: one function appends; the database refuses updates and deletes."""

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from models import AuditEvent
from services.core.audit import record_event


def test_record_event_appends_with_the_clock(session, set_today):
    set_today("2026-10-10")
    record_event(
        session=session,
        actor="admin",
        action="roster.import",
        object_type="roster",
        object_id=1,
        before=None,
        after={"entities": 3},
    )
    session.commit()
    event = session.exec(select(AuditEvent)).one()
    assert event.actor == "admin" and event.after == {"entities": 3}
    assert event.occurred_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date() == dt.date(
        2026, 10, 10
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else'",
        "DELETE FROM audit_event",
    ],
)
def test_audit_rows_cannot_be_changed(engine, session, statement):
    record_event(session=session, actor="admin", action="x", object_type="y", object_id=1)
    session.commit()
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    assert session.exec(select(AuditEvent)).one().actor == "admin"
