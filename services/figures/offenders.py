"""Repeat offenders (屡查屡犯): entities with hazards found in a quarter and in at least one
earlier quarter of the lookback window (hazards.repeat_lookback_quarters in the policy)."""

from collections import defaultdict
from typing import TypedDict

from sqlalchemy import and_, case, func, select
from sqlmodel import Session

from config.files import load_policy
from models.entity import Entity, key_of
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from services.core.jurisdictions import Place, subtree_ids
from services.core.periods import Period, previous_period
from services.figures.common import as_of


def lookback(quarter: Period) -> list[Period]:
    """The quarters the repeat-offender rule looks at, oldest first, ending with quarter."""
    quarters = [quarter]
    for _ in range(load_policy().hazards.repeat_lookback_quarters - 1):
        quarters.insert(0, previous_period(quarters[0]))
    return quarters


class RepeatOffender(TypedDict):
    """An entity with hazards found in this quarter and an earlier one of the window."""

    entity_key: str | None
    entity_name: str
    township: str
    jurisdiction: str
    quarters: list[str]
    hazards: int


def repeat_offenders(
    *, session: Session, quarter: Period, root: Jurisdiction, where: dict[int, Place]
) -> list[RepeatOffender]:
    """Entities with hazards found in this quarter and in at least one earlier quarter of the
    lookback window, most quarters first."""
    window, day = lookback(quarter), as_of(quarter)
    bucket = case(*[(Hazard.found_on.between(q.start, q.end), q.name) for q in window])
    in_scope = and_(Hazard.entity_id.is_not(None), Hazard.jurisdiction_id.in_(subtree_ids(root)))
    this_quarter = select(Hazard.entity_id).where(
        in_scope, Hazard.found_on.between(quarter.start, day)
    )
    rows = session.execute(
        select(Hazard.entity_id, bucket.label("quarter"), func.count().label("n"))
        .where(
            in_scope,
            Hazard.found_on.between(window[0].start, day),
            Hazard.entity_id.in_(this_quarter),
        )
        .group_by(Hazard.entity_id, bucket)
    ).all()
    seen: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        seen[row.entity_id][row.quarter] = row.n
    repeat = {eid: qs for eid, qs in seen.items() if len(qs) >= 2}
    return _describe_entities(session, repeat, where)


def _describe_entities(
    session: Session, repeat: dict[int, dict[str, int]], where: dict[int, Place]
) -> list[RepeatOffender]:
    found: list[RepeatOffender] = []
    ids = sorted(repeat)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for e in session.execute(select(Entity).where(Entity.id.in_(chunk))).scalars():
            place = where.get(e.jurisdiction_id) or Place("", "辖区外", "辖区外")
            found.append(
                {
                    "entity_key": key_of(e.credit_code, e.licence_no, e.registration_no),
                    "entity_name": e.name,
                    "township": place.group_name,
                    "jurisdiction": place.display,
                    "quarters": sorted(repeat[e.id]),
                    "hazards": sum(repeat[e.id].values()),
                }
            )
    return sorted(
        found,
        key=lambda r: (-len(r["quarters"]), -r["hazards"], r["entity_key"] or r["entity_name"]),
    )
