"""交接: one officer's entities passed to a successor (or to nobody: 未包保) on a day, with what
moved — kept for the dashboard's list of the quarter's handovers."""

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Handover(SQLModel, table=True):
    __tablename__ = "handover"
    __table_args__ = (Index("ix_handover_day", "handed_on"),)

    id: int | None = Field(default=None, primary_key=True)
    from_officer_id: int = Field(foreign_key="officer.id", index=True)
    # None: nobody took over; the entities are 未包保 and their hazards with the office.
    to_officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    handed_on: dt.date  # the successor's first day (the predecessor's last day + 1)
    recorded_at: dt.datetime
    assignments: int = 0
    tasks_moved: int = 0
    hazards_moved: int = 0
    actor: str = Field(max_length=100)
