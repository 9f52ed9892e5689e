"""The 未包保 page: the entities of the office's subtree without an officer today (the rule of
services.figures.coverage) and, for an administrator, the officers who may be given one."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from models.enums import LABELS, OfficerTier
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import clock
from services.core.jurisdictions import path_like, places, resolve_scope
from services.figures.coverage import CoverageFigures, coverage_figures
from services.permissions.principal import Principal

MAX_CHOICES = 3_000  # officers offered by the form's list (any 干部编号 may still be typed)


@dataclass(frozen=True)
class UnassignedView:
    coverage: CoverageFigures
    officers: list[dict[str, str]] = field(default_factory=list)  # {code, label}


def unassigned_view(*, session: Session, who: Principal) -> UnassignedView:
    """未包保 entities of who's subtree, and the active officers an administrator may assign."""
    root = resolve_scope(session=session, code=who.jurisdiction_code)
    where = places(session=session, root=root)
    coverage = coverage_figures(
        session=session, scope_path=who.path, where=where, as_of=clock.today()
    )
    if not who.is_admin:
        return UnassignedView(coverage)
    rows = session.execute(
        select(Officer.code, Officer.name, Officer.tier, Jurisdiction.name)
        .join(Jurisdiction, Jurisdiction.id == Officer.jurisdiction_id)
        .where(Officer.active, Jurisdiction.path.like(path_like(who.path), escape="\\"))
        .order_by(Jurisdiction.path, Officer.code)
        .limit(MAX_CHOICES)
    )
    tiers = LABELS[OfficerTier]
    choices = [
        {"code": code, "label": f"{name} · {tiers[tier]} · {place}"}
        for code, name, tier, place in rows
    ]
    return UnassignedView(coverage, choices)
