"""A short summary of the roster: jurisdictions, officers by tier, entities by 业态 and 主体等级."""

from collections.abc import Callable
from typing import TypedDict

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session, select

from models.entity import Entity
from models.enums import JurisdictionLevel, OfficerTier, label
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.user import User


class RosterSummary(TypedDict):
    """The roster in the database: county names, counts keyed by code."""

    counties: list[str]
    jurisdictions: dict[str, int]  # by level
    officers: dict[str, int]  # active ones, by tier
    users: int
    entities_by_category: dict[str, int]
    entities_by_package_grade: dict[str, int]
    entities_by_status: dict[str, int]


def _grouped(
    session: Session, column: InstrumentedAttribute[str], *where: ColumnElement[bool]
) -> dict[str, int]:
    rows = session.exec(select(column, func.count()).where(*where).group_by(column)).all()
    return {key: n for key, n in sorted(rows, key=lambda r: str(r[0]))}


def county_summary(*, session: Session) -> RosterSummary:
    """Counts of the roster in the database, keyed by code."""
    roots = session.exec(
        select(Jurisdiction.name).where(Jurisdiction.level == JurisdictionLevel.COUNTY)
    ).all()
    return {
        "counties": list(roots),
        "jurisdictions": _grouped(session, Jurisdiction.level),
        "officers": _grouped(session, Officer.tier, Officer.active.is_(True)),
        "users": session.exec(select(func.count()).select_from(User)).one(),
        "entities_by_category": _grouped(session, Entity.category),
        "entities_by_package_grade": _grouped(session, Entity.package_grade),
        "entities_by_status": _grouped(session, Entity.status),
    }


def render_summary(data: RosterSummary) -> str:
    """The summary as a few Chinese lines."""

    def join(counts: dict[str, int], name: Callable[[str], str] = lambda k: k) -> str:
        return "，".join(f"{name(k)} {v:,}" for k, v in counts.items()) or "无"

    heads = data["counties"]
    title = "、".join(heads[:3]) + (f" 等 {len(heads)} 个县" if len(heads) > 3 else "")
    levels = {k: v for k, v in data["jurisdictions"].items()}
    order = [lvl.value for lvl in JurisdictionLevel]
    return "\n".join(
        [
            f"【{title or '尚无区划'}】概况",
            "区划："
            + join(
                {k: levels[k] for k in order if k in levels}, lambda k: label(JurisdictionLevel, k)
            ),
            "包保干部："
            + join(
                {k: data["officers"][k] for k in order if k in data["officers"]},
                lambda k: label(OfficerTier, k),
            ),
            f"食安办人员：{data['users']:,}",
            "包保主体（按业态）：" + join(data["entities_by_category"]),
            "包保主体（按主体等级）："
            + join(data["entities_by_package_grade"], lambda k: f"{k}级"),
        ]
    )
