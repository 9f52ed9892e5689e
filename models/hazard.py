"""风险隐患: a problem found, with its governance duty — one row of both lists."""

import datetime as dt

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.enums import HazardLevel, HazardSource, HazardStatus, check_in


class Hazard(SQLModel, table=True):
    __tablename__ = "hazard"
    __table_args__ = (
        CheckConstraint(check_in("source", HazardSource), name="ck_hazard_source"),
        CheckConstraint(check_in("level", HazardLevel), name="ck_hazard_level"),
        CheckConstraint(check_in("status", HazardStatus), name="ck_hazard_status"),
        Index("ix_hazard_jurisdiction_status_deadline", "jurisdiction_id", "status", "deadline"),
        Index("ix_hazard_officer_status", "officer_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    level: str = Field(max_length=16)
    description: str = Field(max_length=2000)
    checklist_item: str | None = Field(default=None, max_length=64)
    found_on: dt.date
    responsible_unit: str | None = Field(default=None, max_length=200)  # 责任单位
    responsible_person: str | None = Field(default=None, max_length=100)  # 责任人
    measure: str | None = Field(default=None, max_length=2000)  # 整改措施
    deadline: dt.date  # 整改时限
    status: str = Field(default=HazardStatus.PENDING, max_length=32)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")
    entity_id: int | None = Field(default=None, foreign_key="entity.id", index=True)
    record_id: int | None = Field(default=None, foreign_key="inspection_record.id", index=True)
    # The rural banquet whose 现场指导 or 回访 (illness) opened it.
    banquet_id: int | None = Field(default=None, foreign_key="banquet.id", index=True)
    # The covering officer, who reports rectification; None for office-held hazards.
    officer_id: int | None = Field(default=None, foreign_key="officer.id")
    # The day its rectification was reported (→ 待验收); cleared when verification fails.
    reported_on: dt.date | None = None
    closed_on: dt.date | None = None
    # 已撤销 (rule 6): the day a supervisor withdrew it (its entity closed) and why.
    withdrawn_on: dt.date | None = None
    withdrawn_reason: str | None = Field(default=None, max_length=500)


class HazardRecurrence(SQLModel, table=True):
    """A later visit that answered the same item 否 while the hazard was still open (rule 11)."""

    __tablename__ = "hazard_recurrence"
    __table_args__ = (UniqueConstraint("hazard_id", "record_id", name="uq_recurrence_record"),)

    id: int | None = Field(default=None, primary_key=True)
    hazard_id: int = Field(foreign_key="hazard.id", index=True)
    record_id: int = Field(foreign_key="inspection_record.id", index=True)
    found_on: dt.date
    note: str | None = Field(default=None, max_length=2000)
