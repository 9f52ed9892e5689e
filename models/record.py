"""督导记录: a recorded visit with its checklist answers, problems and photos."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column
from sqlmodel import Field, SQLModel

from models.enums import VisitMode, check_in


class InspectionRecord(SQLModel, table=True):
    __tablename__ = "inspection_record"
    __table_args__ = (CheckConstraint(check_in("mode", VisitMode), name="ck_record_mode"),)

    id: int | None = Field(default=None, primary_key=True)
    visit_date: dt.date
    mode: str = Field(max_length=16)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    problems: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    photos: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=2000)
    task_id: int = Field(foreign_key="inspection_task.id", unique=True)
    officer_id: int = Field(foreign_key="officer.id", index=True)
    entity_id: int = Field(foreign_key="entity.id", index=True)
    recorded_by: str = Field(max_length=64)
    # The moment of entry, apart from the visit date (rule 11); a late entry by a supervisor
    # carries its reason.
    recorded_at: dt.datetime
    late_reason: str | None = Field(default=None, max_length=500)
