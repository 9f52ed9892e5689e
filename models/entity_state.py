"""An entity's history: what the roster said of it from valid_from until valid_to (NULL: still).

Each row is one stretch of an entity's 经营状态, roster membership (active), 业态, 主体等级, 风险等级
and jurisdiction; the open row (valid_to NULL) always equals the entity row. A row holds on day D
when valid_from <= D < valid_to: a change written on day T closes the old row at T and opens the
new one at T, so "on D" means at the end of D. Written by services.roster.entity_history only;
read by services.figures.operating.
"""

import datetime as dt

from sqlalchemy import CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

OPEN = "valid_to IS NULL"


class EntityState(SQLModel, table=True):
    __tablename__ = "entity_state"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="ck_entity_state_dates"),
        # One open row per entity: the entity as it is now.
        Index(
            "uq_entity_state_open",
            "entity_id",
            unique=True,
            sqlite_where=text(OPEN),
            postgresql_where=text(OPEN),
        ),
        # The entities of a subtree held on a day: by jurisdiction, then the day's range.
        Index("ix_entity_state_day", "jurisdiction_id", "valid_from", "valid_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    entity_id: int = Field(foreign_key="entity.id")
    valid_from: dt.date
    valid_to: dt.date | None = None
    status: str = Field(max_length=16)
    active: bool
    category: str = Field(max_length=16)
    package_grade: str = Field(max_length=1)
    risk_grade: str | None = Field(default=None, max_length=1)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")
