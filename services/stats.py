"""The one stats service: the figures of a jurisdiction subtree for a quarter.

The risk review reads it now; the quarterly briefing, the ranking and the dashboard read it
later (add their sections here — e.g. task figures — so no figure is computed twice).
Figures are as of min(quarter end, today): a hazard is open when found by then and not
closed by then, overdue when open and its deadline is before that day, carried over when found
before the quarter and not closed before it starts.
"""

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, case, func, or_, select
from sqlmodel import Session

from config.files import load_policy
from models.entity import Entity
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from services import clock
from services.hazards.scope import Place, places, resolve_scope, subtree_ids
from services.periods import Period, previous_period

LEVELS = ("major", "serious", "general")
SOURCES = ("inspection", "sampling", "complaint", "review", "other")
FIGURES = ("carried_over", "found", "closed", "open", "overdue")


def quarter_stats(*, session: Session, quarter: Period, jurisdiction_code: str | None = None
                  ) -> dict:
    """Every section of a quarter's figures for a subtree (hazards and repeat offenders)."""
    root = resolve_scope(session=session, code=jurisdiction_code)
    where = places(session=session, root=root)
    return {
        "quarter": quarter.name, "start": quarter.start, "end": quarter.end,
        "as_of": as_of(quarter),
        "jurisdiction": {"code": root.code, "name": root.name, "level": root.level},
        "hazards": hazard_figures(session=session, quarter=quarter, root=root, where=where),
        "repeat_offenders": repeat_offenders(session=session, quarter=quarter, root=root,
                                             where=where),
    }


def as_of(quarter: Period) -> dt.date:
    """The day a quarter's figures describe: its last day, or today while it runs."""
    return min(quarter.end, clock.today())


def _counts() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _rate(bucket: dict) -> dict:
    due = bucket["carried_over"] + bucket["found"]
    return {**bucket, "closure_rate": round(bucket["closed"] / due, 4) if due else None}


def hazard_figures(*, session: Session, quarter: Period, root: Jurisdiction,
                   where: dict[int, Place]) -> dict:
    """Hazards carried over / found / closed / open / overdue: totals, by level, by source and
    by township × level."""
    totals, by_level, by_source = _counts(), defaultdict(_counts), defaultdict(_counts)
    towns: dict[str, dict] = {}
    for row in session.execute(_figures_query(quarter, root)):
        place = where[row.jurisdiction_id]
        town = towns.setdefault(place.group_code, {
            "code": place.group_code, "name": place.group_name, "total": _counts(),
            "levels": {level: _counts() for level in LEVELS}})
        for figure in FIGURES:
            n = int(getattr(row, figure) or 0)
            for bucket in (totals, by_level[row.level], by_source[row.source], town["total"],
                           town["levels"][row.level]):
                bucket[figure] += n
    return {
        "totals": _rate(totals),
        "by_level": {level: _rate(by_level[level]) for level in LEVELS},
        "by_source": {source: _rate(by_source[source]) for source in SOURCES},
        "by_township": [
            {**t, "total": _rate(t["total"]),
             "levels": {lv: _rate(c) for lv, c in t["levels"].items()}}
            for t in sorted(towns.values(), key=lambda t: t["code"])],
    }


def _figures_query(quarter: Period, root: Jurisdiction):
    day, start = as_of(quarter), quarter.start
    is_open = or_(Hazard.closed_on.is_(None), Hazard.closed_on > day)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    return (
        select(Hazard.jurisdiction_id, Hazard.level, Hazard.source,
               count(Hazard.found_on < start).label("carried_over"),
               count(Hazard.found_on >= start).label("found"),
               count(and_(Hazard.closed_on.is_not(None), Hazard.closed_on <= day))
               .label("closed"),
               count(is_open).label("open"),
               count(and_(is_open, Hazard.deadline < day)).label("overdue"))
        .where(Hazard.jurisdiction_id.in_(subtree_ids(root)), Hazard.found_on <= day,
               or_(Hazard.closed_on.is_(None), Hazard.closed_on >= start))
        .group_by(Hazard.jurisdiction_id, Hazard.level, Hazard.source)
    )


def lookback(quarter: Period) -> list[Period]:
    """The quarters the repeat-offender rule looks at, oldest first, ending with quarter."""
    quarters = [quarter]
    for _ in range(load_policy().hazards.repeat_lookback_quarters - 1):
        quarters.insert(0, previous_period(quarters[0]))
    return quarters


def repeat_offenders(*, session: Session, quarter: Period, root: Jurisdiction,
                     where: dict[int, Place]) -> list[dict]:
    """Entities with hazards found in this quarter and in at least one earlier quarter of the
    lookback window (屡查屡犯), most quarters first."""
    window, day = lookback(quarter), as_of(quarter)
    bucket = case(*[(Hazard.found_on.between(q.start, q.end), q.name) for q in window])
    in_scope = and_(Hazard.entity_id.is_not(None),
                    Hazard.jurisdiction_id.in_(subtree_ids(root)))
    this_quarter = select(Hazard.entity_id).where(
        in_scope, Hazard.found_on.between(quarter.start, day))
    rows = session.execute(
        select(Hazard.entity_id, bucket.label("quarter"), func.count().label("n"))
        .where(in_scope, Hazard.found_on.between(window[0].start, day),
               Hazard.entity_id.in_(this_quarter))
        .group_by(Hazard.entity_id, bucket)
    ).all()
    seen: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        seen[row.entity_id][row.quarter] = row.n
    repeat = {eid: qs for eid, qs in seen.items() if len(qs) >= 2}
    return _describe_entities(session, repeat, where)


def _describe_entities(session, repeat: dict[int, dict[str, int]], where) -> list[dict]:
    found, ids = [], sorted(repeat)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for e in session.execute(select(Entity).where(Entity.id.in_(chunk))).scalars():
            place = where.get(e.jurisdiction_id) or Place("", "辖区外", "辖区外")
            found.append({
                "entity_key": e.credit_code or e.licence_no, "entity_name": e.name,
                "township": place.group_name, "jurisdiction": place.display,
                "quarters": sorted(repeat[e.id]), "hazards": sum(repeat[e.id].values())})
    return sorted(found, key=lambda r: (-len(r["quarters"]), -r["hazards"], r["entity_key"]))
