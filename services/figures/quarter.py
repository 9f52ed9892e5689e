"""A quarter's figures in one JSON-ready dict: what the briefing, the ranking, the dashboard and
the Briefing row read; the review's hazard figures; the trend and next quarter's work.

The contract (QuarterFigures below) is versioned; dates are ISO strings so that the dict is
stored as-is in Briefing.figures.
"""

from typing import TypedDict

from sqlmodel import Session

from models.enums import HazardLevel
from models.jurisdiction import Jurisdiction
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import Place, places, resolve_scope
from services.core.periods import Period, next_period, previous_period
from services.figures.common import as_of, jsonable
from services.figures.coverage import coverage_figures
from services.figures.hazards import escalated_hazards, hazard_figures, open_hazards
from services.figures.offenders import repeat_offenders
from services.figures.tasks import task_figures, township_list, unfinished_by_officer, upcoming_work

VERSION = 1


class QuarterFigures(TypedDict):
    version: int
    quarter: str  # 2026Q3
    start: str
    end: str
    as_of: str  # the day the figures describe: as_of(quarter)
    jurisdiction: dict  # {code, name, level}
    townships: list[dict]  # [{code, name}] of the subtree, by code
    coverage: dict  # coverage.coverage_figures
    tasks: dict  # tasks.task_figures: all / by_tier / by_source / by_township
    unfinished_officers: list[dict]  # tasks.unfinished_by_officer
    hazards: dict  # hazards.hazard_figures: totals / by_level / by_source / by_township
    escalated_hazards: dict[str, int]  # township code → hazards overdue ≥ escalation threshold
    major_open: list[dict]  # 重大 hazards open on as_of
    repeat_offenders: list[dict]  # offenders.repeat_offenders


def _scope(session: Session, code: str | None) -> tuple[Jurisdiction, dict[int, Place]]:
    root = resolve_scope(session=session, code=code)
    return root, places(session=session, root=root)


def _about(quarter: Period, root: Jurisdiction) -> dict:
    return {
        "quarter": quarter.name,
        "start": quarter.start,
        "end": quarter.end,
        "as_of": as_of(quarter),
        "jurisdiction": {"code": root.code, "name": root.name, "level": root.level},
    }


def quarter_stats(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> dict:
    """The hazard figures and repeat offenders of a quarter for a subtree (the risk review)."""
    root, where = _scope(session, jurisdiction_code)
    scope = {"session": session, "quarter": quarter, "root": root, "where": where}
    return {
        **_about(quarter, root),
        "hazards": hazard_figures(**scope),
        "repeat_offenders": repeat_offenders(**scope),
    }


def quarter_figures(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> QuarterFigures:
    """Every figure of a quarter for a subtree (default: the county), as of as_of(quarter)."""
    if quarter.start > clock.today():
        raise BadInput(f"{quarter.name} 尚未开始，没有可统计的数据")
    return _figures(session, quarter, *_scope(session, jurisdiction_code))


def _figures(
    session: Session, quarter: Period, root: Jurisdiction, where: dict[int, Place]
) -> QuarterFigures:
    day = as_of(quarter)
    span = {"start": quarter.start, "end": quarter.end, "as_of": day}
    scope = {"session": session, "scope_path": root.path, "where": where}
    whole = {"session": session, "quarter": quarter, "root": root, "where": where}
    return jsonable(
        {
            "version": VERSION,
            **_about(quarter, root),
            "townships": township_list(session=session, scope_path=root.path),
            "coverage": coverage_figures(**scope, as_of=day),
            "tasks": task_figures(**scope, **span),
            "unfinished_officers": unfinished_by_officer(**scope, **span),
            "hazards": hazard_figures(**whole),
            "escalated_hazards": escalated_hazards(**scope, as_of=day),
            "major_open": open_hazards(**scope, as_of=day, level=HazardLevel.MAJOR),
            "repeat_offenders": repeat_offenders(**whole),
        }
    )


def _window(quarter: Period, quarters: int) -> list[Period]:
    window = [quarter]
    while len(window) < quarters:
        window.insert(0, previous_period(window[0]))
    return window


def hazard_trend(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None, quarters: int = 4
) -> list[dict]:
    """Hazards found and closed in each of the last `quarters` quarters, oldest first."""
    return _trend(session, _window(quarter, quarters), *_scope(session, jurisdiction_code), {})


def _trend(
    session: Session, window: list[Period], root: Jurisdiction, where: dict, known: dict[str, dict]
) -> list[dict]:
    trend = []
    for q in window:
        totals = (
            known.get(q.name)
            or hazard_figures(session=session, quarter=q, root=root, where=where)["totals"]
        )
        trend.append({"quarter": q.name, "found": totals["found"], "closed": totals["closed"]})
    return trend


def next_quarter_work(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> dict:
    """The next quarter's task counts and campaigns (for 下一季度工作安排)."""
    root = resolve_scope(session=session, code=jurisdiction_code)
    coming = next_period(quarter)
    work = upcoming_work(session=session, scope_path=root.path, start=coming.start, end=coming.end)
    return {
        "quarter": coming.name,
        "start": coming.start.isoformat(),
        "end": coming.end.isoformat(),
        **work,
    }


def briefing_figures(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> dict:
    """What the briefing reads, each figure computed once: this and the previous quarter's
    figures, the four-quarter hazard trend and next quarter's work."""
    if quarter.start > clock.today():
        raise BadInput(f"{quarter.name} 尚未开始，没有可统计的数据")
    root, where = _scope(session, jurisdiction_code)
    cur = _figures(session, quarter, root, where)
    prev = _figures(session, previous_period(quarter), root, where)
    known = {f["quarter"]: f["hazards"]["totals"] for f in (cur, prev)}
    return {
        "cur": cur,
        "prev": prev,
        "trend": _trend(session, _window(quarter, 4), root, where, known),
        "next": next_quarter_work(session=session, quarter=quarter, jurisdiction_code=root.code),
    }
