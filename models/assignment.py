"""包保关系: officer ↔ entity over a date range; ended assignments are kept, never overwritten."""

import datetime as dt

from sqlalchemy import CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Assignment(SQLModel, table=True):
    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ck_assignment_dates"),
        Index("ix_assignment_officer", "officer_id", "start_date"),
        Index("ix_assignment_entity", "entity_id", "start_date"),
        # Ended assignments still to settle (few): the daily settlement finds them by this.
        Index(
            "ix_assignment_unsettled",
            "end_date",
            sqlite_where=text("settled_on IS NULL AND end_date IS NOT NULL"),
            postgresql_where=text("settled_on IS NULL AND end_date IS NOT NULL"),
        ),
        # Target of inspection_task's composite key: a task's officer and entity are its
        # assignment's, checked by one foreign key instead of three.
        UniqueConstraint("id", "officer_id", "entity_id", name="uq_assignment_officer_entity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    start_date: dt.date
    end_date: dt.date | None = None
    officer_id: int = Field(foreign_key="officer.id")
    entity_id: int = Field(foreign_key="entity.id")
    # The day its end was settled (交接): its open tasks and hazards went to the successor, or
    # the hazards to the responsible office. NULL while running or not yet settled.
    settled_on: dt.date | None = None
