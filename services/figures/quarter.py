"""A quarter's figures in one JSON-ready dict: what the briefing, the ranking, the dashboard and
the Briefing row read; the review's hazard figures; the trend and next quarter's work.

The contract (QuarterFigures below) is versioned; dates are ISO strings so that the dict is
stored as-is in Briefing.figures.
"""

import datetime as dt
from typing import TypedDict

from sqlmodel import Session

from models.enums import HazardLevel
from models.jurisdiction import Jurisdiction
from services.core import clock
from services.core.errors import BadInput
from services.core.jurisdictions import Place, places, resolve_scope
from services.core.periods import Period, next_period, previous_period
from services.figures.banquets import BanquetFigures, banquet_figures
from services.figures.common import as_of, jsonable
from services.figures.coverage import CoverageFigures, coverage_figures
from services.figures.hazards import (
    HazardCounts,
    HazardFigures,
    OpenHazard,
    escalated_hazards,
    hazard_figures,
    open_hazards,
)
from services.figures.offenders import RepeatOffender, repeat_offenders
from services.figures.tasks import (
    CampaignDue,
    TaskFigures,
    Township,
    UnfinishedOfficer,
    task_figures,
    township_list,
    unfinished_by_officer,
    upcoming_work,
)

VERSION = 1


class JurisdictionRef(TypedDict):
    code: str
    name: str
    level: str


class QuarterFigures(TypedDict):
    version: int
    quarter: str  # 2026Q3
    start: str
    end: str
    as_of: str  # the day the figures describe: as_of(quarter)
    jurisdiction: JurisdictionRef
    townships: list[Township]  # of the subtree, by code
    coverage: CoverageFigures
    tasks: TaskFigures
    unfinished_officers: list[UnfinishedOfficer]
    hazards: HazardFigures
    escalated_hazards: dict[str, int]  # township code → hazards overdue ≥ escalation threshold
    major_open: list[OpenHazard]  # 重大 hazards open on as_of
    repeat_offenders: list[RepeatOffender]
    banquets: BanquetFigures  # rule 14: banquets with their event in the quarter, by township


class QuarterStats(TypedDict):
    """The risk review's figures: the quarter, its hazard figures and repeat offenders."""

    quarter: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    jurisdiction: JurisdictionRef
    hazards: HazardFigures
    repeat_offenders: list[RepeatOffender]


class TrendPoint(TypedDict):
    quarter: str
    found: int
    closed: int


class NextQuarterWork(TypedDict):
    """The next quarter, its tasks by source and its campaigns (upcoming_work)."""

    quarter: str
    start: str
    end: str
    routine_tasks: int
    campaign_tasks: int
    campaigns: list[CampaignDue]


class BriefingFigures(TypedDict):
    """What the briefing reads: this and the previous quarter, the trend, the next quarter."""

    cur: QuarterFigures
    prev: QuarterFigures
    trend: list[TrendPoint]
    next: NextQuarterWork


def _scope(session: Session, code: str | None) -> tuple[Jurisdiction, dict[int, Place]]:
    root = resolve_scope(session=session, code=code)
    return root, places(session=session, root=root)


def _where(root: Jurisdiction) -> JurisdictionRef:
    return {"code": root.code, "name": root.name, "level": root.level}


def quarter_stats(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> QuarterStats:
    """The hazard figures and repeat offenders of a quarter for a subtree (the risk review)."""
    root, where = _scope(session, jurisdiction_code)
    return {
        "quarter": quarter.name,
        "start": quarter.start,
        "end": quarter.end,
        "as_of": as_of(quarter),
        "jurisdiction": _where(root),
        "hazards": hazard_figures(session=session, quarter=quarter, root=root, where=where),
        "repeat_offenders": repeat_offenders(
            session=session, quarter=quarter, root=root, where=where
        ),
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
    day, start, end, path = as_of(quarter), quarter.start, quarter.end, root.path
    figures: QuarterFigures = {
        "version": VERSION,
        "quarter": quarter.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "as_of": day.isoformat(),
        "jurisdiction": _where(root),
        "townships": township_list(session=session, scope_path=path),
        "coverage": coverage_figures(session=session, scope_path=path, where=where, as_of=day),
        "tasks": task_figures(
            session=session, scope_path=path, where=where, start=start, end=end, as_of=day
        ),
        "unfinished_officers": unfinished_by_officer(
            session=session, scope_path=path, where=where, start=start, end=end, as_of=day
        ),
        "hazards": hazard_figures(session=session, quarter=quarter, root=root, where=where),
        "escalated_hazards": escalated_hazards(
            session=session, scope_path=path, where=where, as_of=day
        ),
        "major_open": open_hazards(
            session=session, scope_path=path, where=where, as_of=day, level=HazardLevel.MAJOR
        ),
        "repeat_offenders": repeat_offenders(
            session=session, quarter=quarter, root=root, where=where
        ),
        "banquets": banquet_figures(
            session=session, scope_path=path, where=where, start=start, end=end, as_of=day
        ),
    }
    stored: QuarterFigures = jsonable(figures)  # as Briefing.figures keeps it (plain JSON)
    return stored


def _window(quarter: Period, quarters: int) -> list[Period]:
    window = [quarter]
    while len(window) < quarters:
        window.insert(0, previous_period(window[0]))
    return window


def hazard_trend(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None, quarters: int = 4
) -> list[TrendPoint]:
    """Hazards found and closed in each of the last `quarters` quarters, oldest first."""
    return _trend(session, _window(quarter, quarters), *_scope(session, jurisdiction_code), {})


def _trend(
    session: Session,
    window: list[Period],
    root: Jurisdiction,
    where: dict[int, Place],
    known: dict[str, HazardCounts],
) -> list[TrendPoint]:
    trend: list[TrendPoint] = []
    for q in window:
        totals = (
            known.get(q.name)
            or hazard_figures(session=session, quarter=q, root=root, where=where)["totals"]
        )
        trend.append({"quarter": q.name, "found": totals["found"], "closed": totals["closed"]})
    return trend


def next_quarter_work(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> NextQuarterWork:
    """The next quarter's task counts and campaigns (for 下一季度工作安排)."""
    root = resolve_scope(session=session, code=jurisdiction_code)
    coming = next_period(quarter)
    work = upcoming_work(session=session, scope_path=root.path, start=coming.start, end=coming.end)
    return {
        "quarter": coming.name,
        "start": coming.start.isoformat(),
        "end": coming.end.isoformat(),
        "routine_tasks": work["routine_tasks"],
        "campaign_tasks": work["campaign_tasks"],
        "campaigns": work["campaigns"],
    }


def briefing_figures(
    *, session: Session, quarter: Period, jurisdiction_code: str | None = None
) -> BriefingFigures:
    """What the briefing reads, each figure computed once: this and the previous quarter's
    figures, the four-quarter hazard trend and next quarter's work."""
    if quarter.start > clock.today():
        raise BadInput(f"{quarter.name} 尚未开始，没有可统计的数据")
    root, where = _scope(session, jurisdiction_code)
    cur = _figures(session, quarter, root, where)
    prev = _figures(session, previous_period(quarter), root, where)
    known: dict[str, HazardCounts] = {f["quarter"]: f["hazards"]["totals"] for f in (cur, prev)}
    return {
        "cur": cur,
        "prev": prev,
        "trend": _trend(session, _window(quarter, 4), root, where, known),
        "next": next_quarter_work(session=session, quarter=quarter, jurisdiction_code=root.code),
    }
