"""Who guides a village's banquets: the officer named in the filing, else the village's first
village-tier officer by code, else its township's first township-tier officer by code."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from models.enums import OfficerTier
from models.officer import Officer
from services.core.errors import BadInput


@dataclass(frozen=True)
class Village:
    """A village (村/社区) a banquet is filed in."""

    id: int
    code: str
    name: str
    parent_id: int | None
    path: str


@dataclass(frozen=True)
class Guide:
    """The officer a 现场指导 task goes to, and the task's jurisdiction (the officer's)."""

    id: int
    code: str
    jurisdiction_id: int


def _firsts(session: Session, tier: str, places: set[int]) -> dict[int, Guide]:
    if not places:
        return {}
    first = (
        select(Officer.jurisdiction_id, func.min(Officer.code).label("code"))
        .where(Officer.tier == tier, Officer.active.is_(True), Officer.jurisdiction_id.in_(places))
        .group_by(Officer.jurisdiction_id)
        .subquery()
    )
    rows = session.execute(
        select(Officer.id, Officer.code, Officer.jurisdiction_id).join(
            first, Officer.code == first.c.code
        )
    )
    return {jid: Guide(oid, code, jid) for oid, code, jid in rows}


def named_guides(*, session: Session, codes: set[str]) -> dict[str, tuple[Guide, str]]:
    """The active officers with these 干部编号, with their tier; BadInput naming unknown ones."""
    rows = session.execute(
        select(Officer.id, Officer.code, Officer.jurisdiction_id, Officer.tier).where(
            Officer.code.in_(codes), Officer.active.is_(True)
        )
    ).all()
    found = {code: (Guide(oid, code, jid), tier) for oid, code, jid, tier in rows}
    missing = sorted(codes - set(found))
    if missing:
        raise BadInput(f"包保干部 {'、'.join(missing)} 不存在或已停用")
    return found


def covering_officers(*, session: Session, villages: list[Village]) -> dict[int, Guide]:
    """Village id → the officer covering it: its first active village-tier officer by code, else
    its township's first township-tier officer (villages nobody covers are left out)."""
    own = _firsts(session, OfficerTier.VILLAGE, {v.id for v in villages})
    towns = {v.parent_id for v in villages if v.id not in own and v.parent_id is not None}
    town = _firsts(session, OfficerTier.TOWNSHIP, towns)
    found = {v.id: own.get(v.id) or town.get(v.parent_id or -1) for v in villages}
    return {village: guide for village, guide in found.items() if guide is not None}


def default_guides(*, session: Session, villages: list[Village]) -> dict[int, Guide]:
    """Village id → its default guide (covering_officers); BadInput naming villages nobody can
    guide."""
    guides = covering_officers(session=session, villages=villages)
    nobody = sorted(v.code for v in villages if v.id not in guides)
    if nobody:
        raise BadInput(
            f"村（社区）{'、'.join(nobody)} 及所属乡镇没有在岗的包保干部，无法指派现场指导"
        )
    return guides
