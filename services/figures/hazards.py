"""Hazard figures of a subtree for a quarter (清单制+销号制).

Figures are as of D = as_of(quarter), each as definitions.hazard_day says (open, closed, the
officer's overdue, the office's verification overdue); carried over = found before the quarter
and not closed before it starts. Hazards definitions.hazard_counted leaves out are not here.
"""

import datetime as dt
from collections import defaultdict

from sqlalchemy import text
from sqlmodel import Session

from models.jurisdiction import Jurisdiction
from services.core.jurisdictions import Place, path_like
from services.core.periods import Period
from services.figures import definitions as d
from services.figures.common import as_date, as_of
from services.figures.rates import closure_rate

LEVELS = ("major", "serious", "general")
SOURCES = ("inspection", "sampling", "complaint", "review", "other")
FIGURES = ("carried_over", "found", "closed", "open", "overdue", "verify_overdue")


def _counts() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _rate(bucket: dict) -> dict:
    return {
        **bucket,
        "closure_rate": closure_rate(
            closed=bucket["closed"], to_close=bucket["carried_over"] + bucket["found"]
        ),
    }


def hazard_figures(
    *, session: Session, quarter: Period, root: Jurisdiction, where: dict[int, Place]
) -> dict:
    """Hazards carried over / found / closed / open / overdue: totals, by level, by source and
    by township × level."""
    totals, by_level, by_source = _counts(), defaultdict(_counts), defaultdict(_counts)
    towns: dict[str, dict] = {}
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
                **t,
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
    *, session: Session, scope_path: str, where: dict, as_of: dt.date
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
            "found_on": as_date(r["found_on"]),
            "deadline": as_date(r["deadline"]),
            "responsible_unit": r["responsible_unit"] or "",
            "responsible_person": r["responsible_person"] or "",
            "overdue_workdays": d.overdue_by(as_date(r["deadline"]), as_of),
        }
        for r in rows
    ]
