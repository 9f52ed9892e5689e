"""Hazard figures of a subtree for a quarter (清单制+销号制).

Figures are as of D = as_of(quarter): a hazard is open when found by D and not closed by D,
overdue when open and its deadline is before D, carried over when found before the quarter and
not closed before it starts.
"""

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, case, func, or_, select, text
from sqlmodel import Session

from models.enums import HazardStatus
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from services.core import calendar
from services.core.jurisdictions import Place, path_like, subtree_ids
from services.core.periods import Period
from services.figures.common import as_date, as_of, escalation_cutoff, ratio

LEVELS = ("major", "serious", "general")
SOURCES = ("inspection", "sampling", "complaint", "review", "other")
FIGURES = ("carried_over", "found", "closed", "open", "overdue")


def _counts() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _rate(bucket: dict) -> dict:
    return {
        **bucket,
        "closure_rate": ratio(bucket["closed"], bucket["carried_over"] + bucket["found"]),
    }


def hazard_figures(
    *, session: Session, quarter: Period, root: Jurisdiction, where: dict[int, Place]
) -> dict:
    """Hazards carried over / found / closed / open / overdue: totals, by level, by source and
    by township × level."""
    totals, by_level, by_source = _counts(), defaultdict(_counts), defaultdict(_counts)
    towns: dict[str, dict] = {}
    for row in session.execute(_figures_query(quarter, root)):
        place = where[row.jurisdiction_id]
        town = towns.setdefault(
            place.group_code,
            {
                "code": place.group_code,
                "name": place.group_name,
                "total": _counts(),
                "levels": {level: _counts() for level in LEVELS},
            },
        )
        for figure in FIGURES:
            n = int(getattr(row, figure) or 0)
            for bucket in (
                totals,
                by_level[row.level],
                by_source[row.source],
                town["total"],
                town["levels"][row.level],
            ):
                bucket[figure] += n
    return {
        "totals": _rate(totals),
        "by_level": {level: _rate(by_level[level]) for level in LEVELS},
        "by_source": {source: _rate(by_source[source]) for source in SOURCES},
        "by_township": [
            {
                **t,
                "total": _rate(t["total"]),
                "levels": {lv: _rate(c) for lv, c in t["levels"].items()},
            }
            for t in sorted(towns.values(), key=lambda t: t["code"])
        ],
    }


def _figures_query(quarter: Period, root: Jurisdiction):
    day, start = as_of(quarter), quarter.start
    is_open = or_(Hazard.closed_on.is_(None), Hazard.closed_on > day)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    return (
        select(
            Hazard.jurisdiction_id,
            Hazard.level,
            Hazard.source,
            count(Hazard.found_on < start).label("carried_over"),
            count(Hazard.found_on >= start).label("found"),
            count(and_(Hazard.closed_on.is_not(None), Hazard.closed_on <= day)).label("closed"),
            count(is_open).label("open"),
            count(and_(is_open, Hazard.deadline < day)).label("overdue"),
        )
        .where(
            Hazard.jurisdiction_id.in_(subtree_ids(root)),
            Hazard.found_on <= day,
            Hazard.status != HazardStatus.WITHDRAWN,  # withdrawn: in no denominator (rule 6)
            or_(Hazard.closed_on.is_(None), Hazard.closed_on >= start),
        )
        .group_by(Hazard.jurisdiction_id, Hazard.level, Hazard.source)
    )


_OPEN_HAZARDS = (
    "FROM hazard h JOIN jurisdiction j ON j.id = h.jurisdiction_id "
    "LEFT JOIN entity e ON e.id = h.entity_id "
    "WHERE j.path LIKE :scope ESCAPE '\\' AND h.found_on <= :as_of "
    "AND (h.closed_on IS NULL OR h.closed_on > :as_of) AND h.status <> 'withdrawn' "
)


def escalated_hazards(
    *, session: Session, scope_path: str, where: dict, as_of: dt.date
) -> dict[str, int]:
    """Hazards open on as_of and overdue by >= the escalation threshold, by township group."""
    rows = session.execute(
        text(
            f"SELECT h.jurisdiction_id, COUNT(*) {_OPEN_HAZARDS}AND h.deadline < :cutoff "
            "GROUP BY h.jurisdiction_id"
        ),
        {"scope": path_like(scope_path), "as_of": as_of, "cutoff": escalation_cutoff(as_of=as_of)},
    ).all()
    counts: dict[str, int] = {}
    for jid, n in rows:
        code = where[jid].group_code
        counts[code] = counts.get(code, 0) + n
    return dict(sorted(counts.items()))


def open_hazards(
    *, session: Session, scope_path: str, where: dict, as_of: dt.date, level: str
) -> list[dict]:
    """Hazards of a level open on as_of, oldest deadline first, with their governance duty."""
    rows = (
        session.execute(
            text(
                "SELECT h.id, h.description, h.source, h.found_on, h.deadline, h.jurisdiction_id, "
                "h.responsible_unit, h.responsible_person, e.name AS entity "
                f"{_OPEN_HAZARDS}AND h.level = :level "
                "ORDER BY h.deadline, h.id"
            ),
            {"scope": path_like(scope_path), "as_of": as_of, "level": level},
        )
        .mappings()
        .all()
    )
    return [
        {
            "id": r["id"],
            "entity": r["entity"] or "",
            "description": r["description"],
            "source": r["source"],
            "jurisdiction": where[r["jurisdiction_id"]].display,
            "township": where[r["jurisdiction_id"]].group_name,
            "found_on": as_date(r["found_on"]),
            "deadline": as_date(r["deadline"]),
            "responsible_unit": r["responsible_unit"] or "",
            "responsible_person": r["responsible_person"] or "",
            "overdue_workdays": calendar.workdays_between(as_date(r["deadline"]), as_of),
        }
        for r in rows
    ]
