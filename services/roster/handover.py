"""交接 as an admin action (`roster handover`, the admin page): every assignment one officer holds
on the day moves to another officer, who must be able to hold each entity (层级对应: the tier
its 主体等级 asks for, and the entity inside the successor's jurisdiction). The predecessor's
assignments end the day before; the successor's start that day; the settlement
(services.roster.settle) then hands over tasks and hazards. All or nothing."""

import datetime as dt
from typing import NamedTuple, TypedDict

from sqlalchemy import select
from sqlmodel import Session

from models.enums import TIER_FOR_GRADE, OfficerTier, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import clock
from services.core.bulk import insert_rows
from services.core.errors import BadInput
from services.roster.apply_assignments import audit_created
from services.roster.audit_sql import Audit, insert_audit
from services.roster.dialect import Sql
from services.roster.settle import settle_ends

MAX_LISTED = 5  # entities named in a refusal


# What hand_over did: the two officers' codes, the first day (ISO) and what moved. "from" is a
# keyword: functional syntax.
HandedOver = TypedDict(
    "HandedOver",
    {
        "from": str,
        "to": str,
        "date": str,
        "assignments": int,
        "tasks_moved": int,
        "hazards_moved": int,
    },
)


class Running(NamedTuple):
    """An assignment of the predecessor running on the handover day."""

    assignment_id: int | None  # None: an assignment about to be made (services.roster.assign)
    entity_id: int
    name: str
    grade: str
    path: str  # the entity's jurisdiction path
    start: dt.date | str


def handover_officer(session: Session, code: str, scope_path: str | None) -> Officer:
    found = session.execute(select(Officer).where(Officer.code == (code or "").strip()))
    officer: Officer | None = found.scalar_one_or_none()
    if officer is None or (scope_path and not _place(session, officer).path.startswith(scope_path)):
        raise BadInput(f"干部编号 {code} 不存在")
    if not officer.active:
        raise BadInput(f"干部 {officer.code}（{officer.name}）已停用")
    return officer


def _place(session: Session, officer: Officer) -> Jurisdiction:
    place = session.get(Jurisdiction, officer.jurisdiction_id)
    assert place is not None  # a foreign key
    return place


def _running(sql: Sql, officer: Officer, day: str) -> list[Running]:
    """The officer's assignments running on day."""
    rows = sql.rows(
        f"""SELECT a.id, e.id, e.name, e.package_grade, j.path, a.start_date
            FROM assignment a JOIN entity e ON e.id = a.entity_id
            JOIN jurisdiction j ON j.id = e.jurisdiction_id
            WHERE a.officer_id = :officer AND a.start_date <= {sql.date_param("day")}
              AND (a.end_date IS NULL OR a.end_date >= {sql.date_param("day")})
            ORDER BY e.name""",
        officer=officer.id,
        day=day,
    )
    return [Running(*row) for row in rows]


def refuse_unfit(session: Session, successor: Officer, running: list[Running], day: str) -> None:
    """BadInput naming the entities the successor cannot take over on day."""
    place = _place(session, successor)
    tier = label(OfficerTier, successor.tier)
    problems = []
    for _, _, name, grade, path, start in running:
        if str(start) >= day:
            problems.append(f"“{name}”的包保关系自 {start} 起，不能在 {day} 交接")
        elif TIER_FOR_GRADE[grade] != successor.tier:
            wanted = label(OfficerTier, TIER_FOR_GRADE[grade])
            problems.append(f"“{name}”是 {grade} 级主体，应由{wanted}干部包保")
        elif not path.startswith(place.path):
            problems.append(f"“{name}”不在{place.name}范围内")
    if problems:
        listed = "；".join(problems[:MAX_LISTED])
        more = f"（共 {len(problems)} 个）" if len(problems) > MAX_LISTED else ""
        raise BadInput(
            f"不能交接给 {successor.code}（{successor.name}，{tier}，{place.name}）：{listed}{more}"
            "。层级对应：主体由与其主体等级相应层级、所属区划包含该主体的干部包保"
        )


def _move(sql: Sql, audit: Audit, ids: list[int], successor: Officer, day: str) -> None:
    """End the assignments the day before day and open the successor's from day."""
    sql.run("DROP TABLE IF EXISTS ho_move")
    sql.run("CREATE TEMPORARY TABLE ho_move (id INTEGER)")
    insert_rows(sql.connection, "ho_move", ("id",), [(i,) for i in ids])
    d = sql.date_param("day")
    moved = "FROM assignment a JOIN ho_move m ON m.id = a.id"
    insert_audit(
        sql,
        audit,
        action="ended",
        kind="assignment",
        object_id="a.id",
        before={"end_date": "a.end_date"},
        after={"end_date": sql.day_before(sql.date_literal(day)), "reason": "'handover'"},
        source=moved,
    )
    last = sql.scalar("SELECT COALESCE(MAX(id), 0) FROM assignment")
    sql.run(
        f"""INSERT INTO assignment (officer_id, entity_id, start_date, end_date)
            SELECT :successor, a.entity_id, {d}, a.end_date {moved}
            WHERE NOT EXISTS (SELECT 1 FROM assignment b WHERE b.entity_id = a.entity_id
                AND b.officer_id = :successor AND b.start_date <= {d}
                AND (b.end_date IS NULL OR b.end_date >= {d}))
            ORDER BY a.id""",
        successor=successor.id,
        day=day,
    )
    sql.run(
        f"""UPDATE assignment SET end_date = {sql.day_before(d)}, settled_on = NULL
            WHERE id IN (SELECT id FROM ho_move)""",
        day=day,
    )
    audit_created(sql, audit, after_id=last)
    sql.run("DROP TABLE ho_move")


def hand_over(
    *,
    session: Session,
    from_code: str,
    to_code: str,
    day: dt.date | None = None,
    actor: str,
    scope_path: str | None = None,
) -> HandedOver:
    """Hand every running assignment of one officer to another from day (default today);
    returns {"from", "to", "date", "assignments", "tasks_moved", "hazards_moved"}."""
    today = clock.today()
    day = day or today
    if day > today:
        raise BadInput(f"交接日期 {day} 晚于今天；交接在当天或补记以前的日期")
    before = handover_officer(session, from_code, scope_path)
    after = handover_officer(session, to_code, scope_path)
    if before.id == after.id:
        raise BadInput("交接双方是同一名干部")
    sql = Sql(session.connection())
    running = _running(sql, before, day.isoformat())
    if not running:
        raise BadInput(f"干部 {before.code}（{before.name}）在 {day} 没有在任的包保关系")
    refuse_unfit(session, after, running, day.isoformat())
    _move(
        sql,
        Audit(clock.now(), actor),
        [r.assignment_id for r in running if r.assignment_id is not None],
        after,
        day.isoformat(),
    )
    settled = settle_ends(session=session, actor=actor)
    mine = [h for h in settled["handovers"] if h["from"] == before.code and h["to"] == after.code]
    return {
        "from": before.code,
        "to": after.code,
        "date": day.isoformat(),
        "assignments": len(running),
        "tasks_moved": sum(h["tasks_moved"] for h in mine),
        "hazards_moved": sum(h["hazards_moved"] for h in mine),
    }
