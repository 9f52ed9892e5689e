"""What a settlement hands over, kept and told: one handover row per (predecessor, successor,
first day) for the dashboard and the audit log, and a message to each of the two officers
through the outbox (queued in the caller's transaction)."""

import datetime as dt
from typing import TypedDict

from sqlalchemy import CursorResult, insert
from sqlmodel import Session

from models.enums import Channel
from models.handover import Handover
from models.officer import Officer
from services.core import audit, clock
from services.roster.dialect import Sql

MAX_NAMED = 20  # entities named in a message

# One handover as recorded and told: the two officers' codes (to: None when nobody takes over),
# its first day (ISO) and what moved. "from" is a keyword: functional syntax.
HandoverItem = TypedDict(
    "HandoverItem",
    {
        "id": int,
        "from": str,
        "to": str | None,
        "date": str,
        "assignments": int,
        "tasks_moved": int,
        "hazards_moved": int,
    },
)


class _Group(TypedDict):
    officer_id: int
    to_officer: int | None
    handed_on: dt.date | str
    assignments: int
    tasks: int
    hazards: int


def _groups(sql: Sql) -> list[_Group]:
    """The handovers of the entities still open: from, to, first day and what moved."""
    rows = sql.run("""
        SELECT s.officer_id AS officer_id, s.to_officer AS to_officer, s.handed_on AS handed_on,
               COUNT(*) AS assignments,
               (SELECT COUNT(*) FROM st_task m WHERE m.from_officer = s.officer_id
                  AND m.handed_on = s.handed_on
                  AND (m.to_officer = s.to_officer OR (m.to_officer IS NULL AND s.to_officer IS NULL)))
                 AS tasks,
               (SELECT COUNT(*) FROM st_hazard m WHERE m.from_officer = s.officer_id
                  AND m.handed_on = s.handed_on
                  AND (m.to_officer = s.to_officer OR (m.to_officer IS NULL AND s.to_officer IS NULL)))
                 AS hazards
        FROM st_end s WHERE s.open_entity = 1 AND s.continues = 0
        GROUP BY s.officer_id, s.to_officer, s.handed_on
        ORDER BY s.handed_on, s.officer_id""")
    return [
        {
            "officer_id": r.officer_id,
            "to_officer": r.to_officer,
            "handed_on": r.handed_on,
            "assignments": r.assignments,
            "tasks": r.tasks,
            "hazards": r.hazards,
        }
        for r in rows
    ]


def _entity_names(sql: Sql, officer: int, to: int | None, day: dt.date | str) -> list[str]:
    successor = "s.to_officer IS NULL" if to is None else f"s.to_officer = {int(to)}"
    return [
        name
        for (name,) in sql.rows(
            f"""SELECT e.name FROM st_end s JOIN entity e ON e.id = s.entity_id
                WHERE s.open_entity = 1 AND s.continues = 0 AND s.officer_id = {int(officer)}
                  AND {successor} AND s.handed_on = :day ORDER BY e.name LIMIT {MAX_NAMED + 1}""",
            day=day,
        )
    ]


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def record(*, session: Session, sql: Sql, actor: str) -> list[HandoverItem]:
    """Write the handover rows of the settlement in st_end and queue their messages."""
    made: list[HandoverItem] = []
    for group in _groups(sql):
        officer_id, to_id, day = group["officer_id"], group["to_officer"], group["handed_on"]
        assignments, tasks, hazards = group["assignments"], group["tasks"], group["hazards"]
        names = _entity_names(sql, officer_id, to_id, day)
        handed_on = _as_date(day)
        inserted = session.execute(
            insert(Handover).values(
                from_officer_id=officer_id,
                to_officer_id=to_id,
                handed_on=handed_on,
                recorded_at=clock.now(),
                assignments=assignments,
                tasks_moved=tasks,
                hazards_moved=hazards,
                actor=actor[:100],
            )
        )
        assert isinstance(inserted, CursorResult)  # an INSERT's result
        key = inserted.inserted_primary_key
        assert key is not None  # one row inserted
        handover_id: int = key[0]
        before = session.get(Officer, officer_id)
        assert before is not None  # st_end.officer_id is an officer's id
        after = session.get(Officer, to_id) if to_id else None
        item: HandoverItem = {
            "id": handover_id,
            "from": before.code,
            "to": after.code if after else None,
            "date": handed_on.isoformat(),
            "assignments": assignments,
            "tasks_moved": tasks,
            "hazards_moved": hazards,
        }
        audit.record_event(
            session=session,
            actor=actor,
            action="roster.handover",
            object_type="handover",
            object_id=handover_id,
            before={"officer": before.code},
            after={**item, "entities": names[:MAX_NAMED]},
        )
        _tell(session, item, before, after, names)
        made.append(item)
    return made


def _tell(
    session: Session, item: HandoverItem, before: Officer, after: Officer | None, names: list[str]
) -> None:
    """Queue the handover message to each officer that has a mail address."""
    from notifications import channels
    from services.reminders import outbox
    from services.reminders.daily import mail_address

    if not channels.enabled()[Channel.EMAIL]:
        return
    listed = "、".join(names[:MAX_NAMED]) + (" 等" if len(names) > MAX_NAMED else "")
    moved = (
        f"{item['tasks_moved']} 个督导任务（截止日期不变）和 {item['hazards_moved']} 个未销号隐患"
    )
    if after is None:
        texts = [
            (
                before,
                f"自 {item['date']} 起，您包保的 {item['assignments']} 个主体（{listed}）暂无"
                "接任干部，未销号隐患由所属食安办负责，您不再负责这些主体。",
            )
        ]
    else:
        texts = [
            (
                before,
                f"自 {item['date']} 起，您包保的 {item['assignments']} 个主体（{listed}）由 "
                f"{after.name}（{after.code}）接任包保，{moved}已转交，您不再负责这些主体。",
            ),
            (
                after,
                f"自 {item['date']} 起，您接任 {before.name}（{before.code}）包保的 "
                f"{item['assignments']} 个主体（{listed}），已转给您 {moved}。请登录包保工作系统查看。",
            ),
        ]
    messages: list[outbox.Outgoing] = []
    for person, text in texts:
        address = mail_address(person.name, person.email)
        if address:
            messages.append(
                outbox.Outgoing(
                    Channel.EMAIL,
                    f"officer:{person.code}",
                    address,
                    "包保主体交接通知",
                    f"{person.name}，您好：\n\n{text}\n",
                    None,
                    f"handover:{item['id']}:{person.code}:email",
                )
            )
    outbox.enqueue(session=session, messages=messages, commit=False)
