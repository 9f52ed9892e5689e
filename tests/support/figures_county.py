"""A test county for the dashboard and lists: monthly tasks of every tier's officers, hazards in
every state, and optionally a roster change in the middle of a quarter (no tests here).

Everything is dated on or before `today`, as the system would hold it that day. `expected`
computes every figure a second way, in plain Python over the rows, without services.figures.
"""

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlmodel import Session

from models import Assignment, Entity, Hazard, InspectionTask, Jurisdiction, Officer
from services.core import calendar
from services.core.periods import Period, parse_period
from services.roster.entity_history import record_history
from tests.support.hazards import _place, build_roster

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
HANDOVER_DAY = dt.date(2026, 7, 15)  # BBB001 leaves; BBB002 takes over 西村
ENDED_DAY = dt.date(2026, 8, 10)  # one of 东村's assignments ends with no successor


@dataclass
class County:
    admin_id: int
    today: dt.date


def _officer(session: Session, code: str, tier: str, place: Jurisdiction) -> Officer:
    officer = Officer(
        code=code, name=f"干部{code}", tier=tier, mobile="13900000000", jurisdiction_id=place.id
    )
    session.add(officer)
    session.flush()
    return officer


def _entities(session: Session, place: Jurisdiction, n: int, prefix: str) -> list[Entity]:
    found = []
    for i in range(n):
        entity = Entity(
            licence_no=f"JY{prefix}{i:08d}",
            name=f"{place.name} 第{i + 1}号 小餐饮",
            category="小餐饮",
            package_grade="D",
            risk_grade="B",
            jurisdiction_id=place.id,
        )
        session.add(entity)
        found.append(entity)
    session.flush()
    record_history(connection=session.connection(), day=dt.date(2026, 1, 1))
    return found


def _tasks(session, rng, assignment, officer, months, today, *, created=None, status=None):
    for month in months:
        period = parse_period(month)
        due = calendar.last_workday_of(period)
        if period.start > today:
            break
        row = InspectionTask(
            source="routine", period=month, due_date=due, status="open",
            assignment_id=assignment.id, officer_id=officer.id, entity_id=assignment.entity_id,
            jurisdiction_id=officer.jurisdiction_id, created_on=created or period.start,
            place_id=session.get(Entity, assignment.entity_id).jurisdiction_id,
        )  # fmt: skip
        pick = rng.random()
        last = min(today, due + dt.timedelta(days=12))
        if status is not None:
            row.status = status
        elif pick < 0.55 and period.start <= last:
            row.status, row.done_on = "done", _day(rng, period.start, last)
        elif pick < 0.62:
            row.status, row.cancelled_on = "cancelled", _day(rng, period.start, today)
        session.add(row)
    session.flush()


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _hazards(session, rng, entities, officer_of, today) -> None:
    for entity in entities:
        for _ in range(rng.randint(0, 2)):
            found = _day(rng, dt.date(2026, 3, 1), today)
            deadline = calendar.add_workdays(found, rng.choice([5, 10, 15]))
            status = rng.choice(["pending", "rectifying", "awaiting_verification", "closed"])
            reported = (
                _day(rng, found, today) if status in ("awaiting_verification", "closed") else None
            )
            closed = _day(rng, reported, today) if status == "closed" else None
            session.add(
                Hazard(
                    source="inspection", level=rng.choice(["major", "serious", "general"]),
                    description="后厨 未设置防鼠设施", found_on=found, deadline=deadline,
                    status=status, reported_on=reported, closed_on=closed,
                    jurisdiction_id=entity.jurisdiction_id, entity_id=entity.id,
                    officer_id=officer_of.get(entity.id),
                )
            )  # fmt: skip
    session.flush()


def build_county(
    session: Session,
    *,
    today: dt.date,
    roster_change: bool,
    through: str = "2026-12",
    seed: int = 7,
) -> County:
    """The county of tests.support.hazards with a county- and a city-tier officer, five entities
    per village, monthly tasks up to today's month and hazards; with roster_change, 西村 is
    handed over on HANDOVER_DAY and one 东村 assignment ends on ENDED_DAY; no task after the
    month `through`."""
    rng = random.Random(seed)
    r = build_roster(session)
    city = _place(session, "510100000000", "福城市", "city")
    officers = dict(r.officers)
    officers["BBC001"] = _officer(session, "BBC001", "county", r.county)
    officers["BBS001"] = _officer(session, "BBS001", "city", city)
    plan = [
        (r.east_village, "BBV001", 5),
        (r.east, "BBA001", 3),
        (r.west_village, "BBB001", 5),
        (r.east_village, "BBC001", 2),
        (r.west_village, "BBS001", 2),
    ]
    months = [m for m in MONTHS if parse_period(m).start <= today and m <= through]
    officer_of: dict[int, int] = {}
    every: list[Entity] = []
    for n, (place, code, count) in enumerate(plan):
        entities = _entities(session, place, count, f"{n:02d}{code[-3:]}")
        every += entities
        for entity in entities:
            officer = officers[code]
            end = None
            if roster_change and code == "BBB001" and today >= HANDOVER_DAY:
                end = HANDOVER_DAY
            if roster_change and code == "BBV001" and entity is entities[0] and today >= ENDED_DAY:
                end = ENDED_DAY
            a = Assignment(
                officer_id=officer.id,
                entity_id=entity.id,
                start_date=dt.date(2026, 1, 1),
                end_date=end,
            )
            session.add(a)
            session.flush()
            officer_of[entity.id] = officer.id
            if end is None:
                _tasks(session, rng, a, officer, months, today)
                continue
            before = [m for m in months if parse_period(m).end < end]
            after = [m for m in months if parse_period(m).end >= end]
            _tasks(session, rng, a, officer, before, today)
            if code == "BBB001":  # handed over: the successor owes the same tasks
                _tasks(session, rng, a, officer, after, today, status="handed_over")
                if "BBB002" not in officers:
                    officers["BBB002"] = _officer(session, "BBB002", "township", r.west)
                successor = officers["BBB002"]
                b = Assignment(officer_id=successor.id, entity_id=entity.id, start_date=end)
                session.add(b)
                session.flush()
                officer_of[entity.id] = successor.id
                _tasks(session, rng, b, successor, after, today, created=end)
            else:  # ended with no successor: its open tasks are cancelled, the entity 未包保
                _tasks(session, rng, a, officer, after, today, status="cancelled")
                officer_of.pop(entity.id)
            session.execute(
                text(
                    "UPDATE inspection_task SET cancelled_on = CASE WHEN status = 'cancelled' "
                    "AND period IN :after THEN :d ELSE cancelled_on END, handed_over_on = CASE "
                    "WHEN status = 'handed_over' THEN :d END WHERE assignment_id = :a"
                ).bindparams(bindparam("after", expanding=True)),
                {"d": end, "a": a.id, "after": after or ["-"]},
            )
    _hazards(session, rng, every, officer_of, today)
    session.commit()
    admin = session.execute(text("SELECT id FROM app_user WHERE account = 'admin'")).scalar_one()
    return County(admin_id=admin, today=today)


# ---- the second computation ---------------------------------------------------------------


def workdays_after(day: dt.date, until: dt.date) -> int:
    """Working days d with day < d <= until, counted one by one."""
    return sum(
        calendar.is_workday(day + dt.timedelta(days=k)) for k in range(1, (until - day).days + 1)
    )


def rows(session: Session, table: str) -> list[dict]:
    return [dict(r) for r in session.execute(text(f"SELECT * FROM {table}")).mappings()]


def _d(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def dated(items: list[dict]) -> list[dict]:
    keys = ("due_date", "done_on", "cancelled_on", "created_on", "handed_over_on", "found_on",
            "deadline", "reported_on", "closed_on", "start_date", "end_date")  # fmt: skip
    return [{k: _d(v) if k in keys else v for k, v in item.items()} for item in items]


def expected(session: Session, quarter: Period, today: dt.date, verify_within: int = 5) -> dict:
    """Every dashboard figure of the county office, computed over the rows."""
    places = {j["id"]: j for j in rows(session, "jurisdiction")}
    by_code = {j["code"]: j for j in places.values()}
    officers = {o["id"]: o for o in rows(session, "officer")}

    def group(jid: int) -> str | None:
        for code in places[jid]["path"].strip("/").split("/"):
            if code in by_code and by_code[code]["level"] == "township":
                return code
        return None

    as_of = min(quarter.end, today)
    tasks_by_row: dict[str, dict] = {}
    for t in dated(rows(session, "inspection_task")):
        if t["status"] == "handed_over" or t["source"] == "banquet":
            continue
        key = group(t["jurisdiction_id"]) or officers[t["officer_id"]]["tier"]
        c = tasks_by_row.setdefault(
            key, dict.fromkeys(("due", "done", "on_time", "late", "overdue", "earlier_overdue"), 0)
        )
        done = t["status"] == "done" and t["done_on"] <= as_of
        cancelled = t["status"] == "cancelled" and (t["cancelled_on"] or t["created_on"]) <= as_of
        if t["due_date"] < quarter.start:
            c["earlier_overdue"] += (
                t["status"] == "open" and workdays_after(t["due_date"], today) >= 1
            )
            continue
        if t["due_date"] > quarter.end or cancelled:
            continue
        c["due"] += 1
        c["done"] += done
        c["on_time"] += done and t["done_on"] <= t["due_date"]
        c["late"] += done and t["done_on"] > t["due_date"]
        c["overdue"] += not done and workdays_after(t["due_date"], as_of) >= 1
    hazards_by_row: dict[str, dict] = {}
    for h in dated(rows(session, "hazard")):
        if h["found_on"] > as_of or (h["closed_on"] is not None and h["closed_on"] < quarter.start):
            continue
        key = group(h["jurisdiction_id"]) or places[h["jurisdiction_id"]]["code"]
        c = hazards_by_row.setdefault(
            key, dict.fromkeys(("found", "closed", "open", "overdue", "verify_overdue"), 0)
        )
        closed = h["closed_on"] is not None and h["closed_on"] <= as_of
        reported = not closed and h["reported_on"] is not None and h["reported_on"] <= as_of
        c["found"] += h["found_on"] >= quarter.start
        c["closed"] += closed
        c["open"] += not closed
        c["overdue"] += not closed and not reported and workdays_after(h["deadline"], as_of) >= 1
        c["verify_overdue"] += reported and workdays_after(h["reported_on"], as_of) > verify_within
    return {"tasks": tasks_by_row, "hazards": hazards_by_row}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
