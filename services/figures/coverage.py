"""Coverage figures of a subtree on a day: operating entities by 业态 / 主体等级 / 风险等级,
the officers holding them by tier, and the entities without an active assignment (未包保) — all
as the system held them that day (services.figures.operating)."""

import datetime as dt
from typing import TypedDict

from sqlalchemy import text
from sqlmodel import Session

from models.entity import key_sql
from services.core.jurisdictions import Place, path_like
from services.figures.operating import covers_sql, held_sql, operating_sql
from services.figures.rates import ratio
from services.figures.tasks import TIERS

_FROM = "FROM entity_state s JOIN jurisdiction j ON j.id = s.jurisdiction_id "
_WHERE = f"WHERE j.path LIKE :scope ESCAPE '\\' AND {operating_sql('s')} "
_ENTITIES = _FROM + _WHERE
_UNCOVERED = (
    "AND NOT EXISTS (SELECT 1 FROM assignment a JOIN officer ao ON ao.id = a.officer_id "
    f"WHERE a.entity_id = s.entity_id AND {covers_sql('a', 'ao')}) "
)


class UnassignedEntity(TypedDict):
    id: int
    name: str
    key: str | None
    jurisdiction: str


class CoverageFigures(TypedDict):
    """Operating entities by 业态/主体等级/风险等级, their officers by tier, the 未包保."""

    entities: int
    entities_by_category: dict[str, int]
    entities_by_package_grade: dict[str, int]
    entities_by_risk_grade: dict[str, int]
    officers: int
    officers_by_tier: dict[str, int]
    unassigned: int
    unassigned_entities: list[UnassignedEntity]


def _grouped(session: Session, params: dict[str, object]) -> dict[str, dict[str, int]]:
    """Operating entities by 业态, 主体等级 and 风险等级 from one pass over the subtree."""
    rows = session.execute(
        text(
            "SELECT s.category, s.package_grade, COALESCE(s.risk_grade, '-'), COUNT(*) "
            f"{_ENTITIES}GROUP BY s.category, s.package_grade, COALESCE(s.risk_grade, '-')"
        ),
        params,
    ).all()
    found: dict[str, dict[str, int]] = {"category": {}, "package_grade": {}, "risk_grade": {}}
    for category, grade, risk, n in rows:
        for name, key in (("category", category), ("package_grade", grade), ("risk_grade", risk)):
            found[name][key] = found[name].get(key, 0) + n
    return {name: dict(sorted(counts.items())) for name, counts in found.items()}


def coverage_figures(
    *, session: Session, scope_path: str, where: dict[int, Place], as_of: dt.date
) -> CoverageFigures:
    """Operating entities by 业态/主体等级/风险等级, their officers by tier and 未包保 on as_of,
    as held that day (an entity is covered when an officer held an assignment of it that day)."""
    params = {"scope": path_like(scope_path), "as_of": as_of}
    officers: dict[str, int] = dict(
        session.execute(
            text(
                "SELECT o.tier, COUNT(DISTINCT o.id) FROM assignment a "
                "JOIN officer o ON o.id = a.officer_id JOIN entity_state s "
                f"ON s.entity_id = a.entity_id AND {held_sql('s')} "
                "JOIN jurisdiction j ON j.id = s.jurisdiction_id "
                f"WHERE j.path LIKE :scope ESCAPE '\\' AND {covers_sql('a', 'o')} GROUP BY o.tier"
            ),
            params,
        )
        .tuples()
        .all()
    )
    unassigned = session.execute(
        text(
            f"SELECT e.name AS name, {key_sql('e')} AS key, j.id AS jid, e.id AS id {_FROM}"
            f"JOIN entity e ON e.id = s.entity_id {_WHERE}{_UNCOVERED}ORDER BY j.path, e.id"
        ),
        params,
    ).all()
    grouped = _grouped(session, params)
    return {
        "entities": sum(grouped["category"].values()),
        "entities_by_category": grouped["category"],
        "entities_by_package_grade": grouped["package_grade"],
        "entities_by_risk_grade": grouped["risk_grade"],
        "officers": sum(officers.values()),
        "officers_by_tier": {tier: officers.get(tier, 0) for tier in TIERS},
        "unassigned": len(unassigned),
        "unassigned_entities": [
            {
                "id": e.id,
                "name": e.name,
                "key": e.key,
                "jurisdiction": where[e.jid].display if e.jid in where else "",
            }
            for e in unassigned
        ],
    }


def unassigned_by_township(
    *, session: Session, scope_path: str, where: dict[int, Place], as_of: dt.date
) -> dict[str, int]:
    """未包保 on as_of by township group code (the same rule as coverage_figures)."""
    rows = session.execute(
        text(
            f"SELECT s.jurisdiction_id, COUNT(*) {_ENTITIES}{_UNCOVERED}GROUP BY s.jurisdiction_id"
        ),
        {"scope": path_like(scope_path), "as_of": as_of},
    ).all()
    counts: dict[str, int] = {}
    for jid, n in rows:
        code = where[jid].group_code
        counts[code] = counts.get(code, 0) + n
    return dict(sorted(counts.items()))


def coverage_rate(coverage: CoverageFigures) -> float | None:
    """包保覆盖率: entities with an officer / operating entities ("—" when there are none)."""
    return ratio(coverage["entities"] - coverage["unassigned"], coverage["entities"])
