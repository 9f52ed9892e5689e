"""Hazard figures of a subtree for a quarter (清单制+销号制).

Figures are as of D = as_of(quarter), each as definitions.hazard_day says (open, closed, the
officer's overdue, the office's verification overdue); carried over = found before the quarter
and not closed before it starts. Hazards definitions.hazard_counted leaves out are not here.
"""

import datetime as dt
from collections import defaultdict
from typing import Literal, TypedDict

from sqlalchemy import text
from sqlmodel import Session

from models.enums import HazardLevel, HazardSource
from models.jurisdiction import Jurisdiction
from services.core.jurisdictions import Place, path_like
from services.core.periods import Period
from services.figures import definitions as d
from services.figures.common import as_date, as_of
from services.figures.rates import closure_rate

LEVELS = (HazardLevel.MAJOR, HazardLevel.SERIOUS, HazardLevel.GENERAL)
SOURCES = (
    HazardSource.INSPECTION,
    HazardSource.SAMPLING,
    HazardSource.COMPLAINT,
    HazardSource.REVIEW,
    HazardSource.OTHER,
)
Figure = Literal["carried_over", "found", "closed", "open", "overdue", "verify_overdue"]
FIGURES: tuple[Figure, ...] = (
    "carried_over",
    "found",
    "closed",
    "open",
    "overdue",
    "verify_overdue",
)


class HazardCounts(TypedDict):
    """Hazards counted as definitions.hazard_day says on as_of."""

    carried_over: int
    found: int
    closed: int
    open: int
    overdue: int
    verify_overdue: int


class HazardRates(HazardCounts):
    closure_rate: float | None


class TownshipHazards(TypedDict):
    """A township's hazards: its total and by level."""

    code: str
    name: str
    total: HazardRates
    levels: dict[str, HazardRates]


class HazardFigures(TypedDict):
    """hazard_figures: totals, by level, by source and by township."""

    totals: HazardRates
    by_level: dict[str, HazardRates]
    by_source: dict[str, HazardRates]
    by_township: list[TownshipHazards]


class OpenHazard(TypedDict):
    """A hazard open on as_of with its governance duty (dates ISO, as stored in the figures)."""

    id: int
    entity: str
    description: str
    source: str
    jurisdiction: str
    township: str
    found_on: str
    deadline: str
    responsible_unit: str
    responsible_person: str
    overdue_workdays: int


class _Town(TypedDict):
    code: str
    name: str
    total: HazardCounts
    levels: dict[str, HazardCounts]


def _counts() -> HazardCounts:
    return {
        "carried_over": 0,
        "found": 0,
        "closed": 0,
        "open": 0,
        "overdue": 0,
        "verify_overdue": 0,
    }


def _rate(bucket: HazardCounts) -> HazardRates:
    return {
        **bucket,
        "closure_rate": closure_rate(
            closed=bucket["closed"], to_close=bucket["carried_over"] + bucket["found"]
        ),
    }


def no_hazards() -> HazardRates:
    """The figures of a unit without hazards: every count 0, closure rate None."""
    return _rate(_counts())


def hazard_figures(
    *, session: Session, quarter: Period, root: Jurisdiction, where: dict[int, Place]
) -> HazardFigures:
    """Hazards carried over / found / closed / open / overdue: totals, by level, by source and
    by township × level."""
    totals = _counts()
    by_level: defaultdict[str, HazardCounts] = defaultdict(_counts)
    by_source: defaultdict[str, HazardCounts] = defaultdict(_counts)
    towns: dict[str, _Town] = {}
    for row in session.execute(text(_FIGURES_SQL), _figures_params(quarter, root)):
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
                "code": t["code"],
                "name": t["name"],
                "total": _rate(t["total"]),
                "levels": {lv: _rate(c) for lv, c in t["levels"].items()},
            }
            for t in sorted(towns.values(), key=lambda t: t["code"])
        ],
    }


_H = d.hazard_sql("h")
_FIGURES_SQL = f"""
SELECT h.jurisdiction_id, h.level, h.source,
  {d.count_sql("h.found_on < :start")} AS carried_over,
  {d.count_sql("h.found_on >= :start")} AS found,
  {d.count_sql(_H["closed"])} AS closed,
  {d.count_sql(_H["open"])} AS open,
  {d.count_sql(_H["overdue"])} AS overdue,
  {d.count_sql(_H["verify_overdue"])} AS verify_overdue
FROM hazard h JOIN jurisdiction j ON j.id = h.jurisdiction_id
WHERE j.path LIKE :scope ESCAPE '\\' AND {d.hazard_counted_sql("h")} AND h.found_on <= :as_of
  AND (h.closed_on IS NULL OR h.closed_on >= :start)
GROUP BY h.jurisdiction_id, h.level, h.source
"""


def _figures_params(quarter: Period, root: Jurisdiction) -> dict[str, object]:
    return {"scope": path_like(root.path), "start": quarter.start, **d.params(as_of=as_of(quarter))}


_OPEN_HAZARDS = (
    "FROM hazard h JOIN jurisdiction j ON j.id = h.jurisdiction_id "
    "LEFT JOIN entity e ON e.id = h.entity_id "
    f"WHERE j.path LIKE :scope ESCAPE '\\' AND {d.hazard_counted_sql('h')} AND {_H['open']} "
)


def escalated_hazards(
    *, session: Session, scope_path: str, where: dict[int, Place], as_of: dt.date
) -> dict[str, int]:
    """Hazards open on as_of and overdue by >= the escalation threshold, by township group."""
    rows = session.execute(
        text(
            f"SELECT h.jurisdiction_id, COUNT(*) {_OPEN_HAZARDS}AND {_H['escalated']} "
            "GROUP BY h.jurisdiction_id"
        ),
        {"scope": path_like(scope_path), **d.params(as_of=as_of)},
    ).all()
    counts: dict[str, int] = {}
    for jid, n in rows:
        code = where[jid].group_code
        counts[code] = counts.get(code, 0) + n
    return dict(sorted(counts.items()))


def open_hazards(
    *,
    session: Session,
    scope_path: str,
    where: dict[int, Place],
    as_of: dt.date,
    level: HazardLevel,
) -> list[OpenHazard]:
    """Hazards of a level open on as_of, oldest deadline first, with their governance duty."""
    rows = (
        session.execute(
            text(
                "SELECT h.id, h.description, h.source, h.found_on, h.deadline, h.jurisdiction_id, "
                "h.responsible_unit, h.responsible_person, e.name AS entity "
                f"{_OPEN_HAZARDS}AND h.level = :level "
                "ORDER BY h.deadline, h.id"
            ),
            {"scope": path_like(scope_path), "level": level, **d.params(as_of=as_of)},
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
            "found_on": as_date(r["found_on"]).isoformat(),
            "deadline": as_date(r["deadline"]).isoformat(),
            "responsible_unit": r["responsible_unit"] or "",
            "responsible_person": r["responsible_person"] or "",
            "overdue_workdays": d.overdue_by(as_date(r["deadline"]), as_of),
        }
        for r in rows
    ]
