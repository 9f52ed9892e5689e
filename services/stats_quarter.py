"""A quarter's figures in one JSON-ready dict: what the briefing, the ranking and the Briefing row
read (part of the stats service — every figure comes from services.stats or stats_coverage).

The contract (QuarterFigures below) is versioned; dates are ISO strings so that the dict is
stored as-is in Briefing.figures.
"""

import datetime as dt
import json
from typing import TypedDict

from sqlalchemy import text
from sqlmodel import Session

from services import calendar, clock, stats, stats_coverage
from services.errors import BadInput
from services.hazards.scope import places, resolve_scope
from services.jurisdictions import path_like
from services.periods import Period, next_period, previous_period

VERSION = 1


class QuarterFigures(TypedDict):
    version: int
    quarter: str  # 2026Q3
    start: str
    end: str
    as_of: str  # the day the figures describe: stats.as_of(quarter)
    jurisdiction: dict  # {code, name, level}
    townships: list[dict]  # [{code, name}] of the subtree, by code
    coverage: dict  # stats_coverage.coverage_figures
    tasks: dict  # stats_coverage.task_figures: all / by_tier / by_source / by_township
    unfinished_officers: list[dict]  # stats_coverage.unfinished_by_officer
    hazards: dict  # stats.hazard_figures: totals / by_level / by_source / by_township
    escalated_hazards: dict[str, int]  # township code → hazards overdue ≥ escalation threshold
    major_open: list[dict]  # 重大 hazards open on as_of
    repeat_offenders: list[dict]  # stats.repeat_offenders


def jsonable(value):
    """value with dates (and other non-JSON scalars) turned into strings."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def quarter_figures(*, session: Session, quarter: Period,
                    jurisdiction_code: str | None = None) -> QuarterFigures:
    """Every figure of a quarter for a subtree (default: the county), as of stats.as_of."""
    if quarter.start > clock.today():
        raise BadInput(f"{quarter.name} 尚未开始，没有可统计的数据")
    root = resolve_scope(session=session, code=jurisdiction_code)
    where = places(session=session, root=root)
    day = stats.as_of(quarter)
    span = {"start": quarter.start, "end": quarter.end, "as_of": day}
    scope = {"session": session, "scope_path": root.path, "where": where}
    figures = {
        "version": VERSION, "quarter": quarter.name, "start": quarter.start,
        "end": quarter.end, "as_of": day,
        "jurisdiction": {"code": root.code, "name": root.name, "level": root.level},
        "townships": stats_coverage.township_list(session=session, scope_path=root.path),
        "coverage": stats_coverage.coverage_figures(**scope, as_of=day),
        "tasks": stats_coverage.task_figures(**scope, **span),
        "unfinished_officers": stats_coverage.unfinished_by_officer(**scope, **span),
        "hazards": stats.hazard_figures(session=session, quarter=quarter, root=root,
                                        where=where),
        "escalated_hazards": escalated_hazards(**scope, as_of=day),
        "major_open": open_hazards(**scope, as_of=day, level="major"),
        "repeat_offenders": stats.repeat_offenders(session=session, quarter=quarter, root=root,
                                                   where=where),
    }
    return jsonable(figures)


_OPEN_HAZARDS = ("FROM hazard h JOIN jurisdiction j ON j.id = h.jurisdiction_id "
                 "LEFT JOIN entity e ON e.id = h.entity_id "
                 "WHERE j.path LIKE :scope ESCAPE '\\' AND h.found_on <= :as_of "
                 "AND (h.closed_on IS NULL OR h.closed_on > :as_of) ")


def escalated_hazards(*, session: Session, scope_path: str, where: dict,
                      as_of: dt.date) -> dict[str, int]:
    """Hazards open on as_of and overdue by >= the escalation threshold, by township group."""
    rows = session.execute(text(
        f"SELECT h.jurisdiction_id, COUNT(*) {_OPEN_HAZARDS}AND h.deadline < :cutoff "
        "GROUP BY h.jurisdiction_id"),
        {"scope": path_like(scope_path), "as_of": as_of,
         "cutoff": stats_coverage.escalation_cutoff(as_of=as_of)}).all()
    counts: dict[str, int] = {}
    for jid, n in rows:
        code = where[jid].group_code
        counts[code] = counts.get(code, 0) + n
    return dict(sorted(counts.items()))


def open_hazards(*, session: Session, scope_path: str, where: dict, as_of: dt.date,
                 level: str) -> list[dict]:
    """Hazards of a level open on as_of, oldest deadline first, with their governance duty."""
    rows = session.execute(text(
        "SELECT h.id, h.description, h.source, h.found_on, h.deadline, h.jurisdiction_id, "
        "h.responsible_unit, h.responsible_person, e.name AS entity "
        f"{_OPEN_HAZARDS}AND h.level = :level "
        "ORDER BY h.deadline, h.id"),
        {"scope": path_like(scope_path), "as_of": as_of, "level": level}).mappings().all()
    return [{
        "id": r["id"], "entity": r["entity"] or "", "description": r["description"],
        "source": r["source"], "jurisdiction": where[r["jurisdiction_id"]].display,
        "township": where[r["jurisdiction_id"]].group_name,
        "found_on": stats_coverage.as_date(r["found_on"]),
        "deadline": stats_coverage.as_date(r["deadline"]),
        "responsible_unit": r["responsible_unit"] or "",
        "responsible_person": r["responsible_person"] or "",
        "overdue_workdays": calendar.workdays_between(stats_coverage.as_date(r["deadline"]),
                                                      as_of),
    } for r in rows]


def hazard_trend(*, session: Session, quarter: Period, jurisdiction_code: str | None = None,
                 quarters: int = 4) -> list[dict]:
    """Hazards found and closed in each of the last `quarters` quarters, oldest first."""
    root = resolve_scope(session=session, code=jurisdiction_code)
    where = places(session=session, root=root)
    window = [quarter]
    while len(window) < quarters:
        window.insert(0, previous_period(window[0]))
    trend = []
    for q in window:
        totals = stats.hazard_figures(session=session, quarter=q, root=root,
                                      where=where)["totals"]
        trend.append({"quarter": q.name, "found": totals["found"], "closed": totals["closed"]})
    return trend


def next_quarter_work(*, session: Session, quarter: Period,
                      jurisdiction_code: str | None = None) -> dict:
    """The next quarter's task counts and campaigns (for 下一季度工作安排)."""
    root = resolve_scope(session=session, code=jurisdiction_code)
    coming = next_period(quarter)
    work = stats_coverage.upcoming_work(session=session, scope_path=root.path,
                                        start=coming.start, end=coming.end)
    return {"quarter": coming.name, "start": coming.start.isoformat(),
            "end": coming.end.isoformat(), **work}
