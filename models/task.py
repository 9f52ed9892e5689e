"""督导任务: one visit owed by an assignment — routine (one per period) or campaign — or the
现场指导 of a filed rural banquet (no entity or assignment)."""

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, text
from sqlmodel import Field, SQLModel

from models.enums import TaskSource, TaskStatus, check_in


class InspectionTask(SQLModel, table=True):
    __tablename__ = "inspection_task"
    __table_args__ = (
        CheckConstraint(check_in("source", TaskSource), name="ck_task_source"),
        CheckConstraint(check_in("status", TaskStatus), name="ck_task_status"),
        CheckConstraint(
            "(source = 'campaign') = (campaign_id IS NOT NULL)", name="ck_task_campaign"
        ),
        # A 现场指导 task (rule 14) has its banquet and neither entity nor assignment; every
        # other task has both (the composite key below is not checked while they are NULL).
        CheckConstraint(
            "(source = 'banquet') = (banquet_id IS NOT NULL) AND "
            "(source = 'banquet') = (assignment_id IS NULL AND entity_id IS NULL)",
            name="ck_task_banquet",
        ),
        Index("uq_task_banquet", "banquet_id", unique=True),
        # One routine task per assignment × period; one campaign task per assignment × campaign.
        Index(
            "uq_task_routine",
            "assignment_id",
            "period",
            unique=True,
            sqlite_where=text("source = 'routine'"),
            postgresql_where=text("source = 'routine'"),
        ),
        Index(
            "uq_task_campaign",
            "assignment_id",
            "campaign_id",
            unique=True,
            sqlite_where=text("source = 'campaign'"),
            postgresql_where=text("source = 'campaign'"),
        ),
        Index("ix_task_officer_status_due", "officer_id", "status", "due_date"),
        Index("ix_task_jurisdiction_status_due", "jurisdiction_id", "status", "due_date"),
        Index("ix_task_place_status_due", "place_id", "status", "due_date"),
        CheckConstraint("(entity_id IS NULL) = (place_id IS NULL)", name="ck_task_place"),
        Index("ix_task_period_status", "period", "status"),
        Index("ix_task_entity", "entity_id"),
        # The officer and entity are the assignment's (and through it exist): one check per row,
        # which keeps bulk generation near the cost of a plain COPY.
        ForeignKeyConstraint(
            ["assignment_id", "officer_id", "entity_id"],
            ["assignment.id", "assignment.officer_id", "assignment.entity_id"],
            name="fk_task_assignment",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    period: str = Field(max_length=16)  # 2026Q3, 2026-09, 2026H2, 2026
    due_date: dt.date
    status: str = Field(default=TaskStatus.OPEN, max_length=16)
    assignment_id: int | None = None  # None for a 现场指导 task
    officer_id: int
    entity_id: int | None = None  # None for a 现场指导 task
    # The task's jurisdiction is its officer's, fixed when the task is created.
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")
    # The entity's jurisdiction (None for a 现场指导 task), kept with the entity by every writer:
    # the supervisor lists find a subtree's tasks by it (services.worklists.scope).
    place_id: int | None = None
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    banquet_id: int | None = Field(default=None, foreign_key="banquet.id")
    created_on: dt.date
    done_on: dt.date | None = None
    cancelled_on: dt.date | None = None
    handed_over_on: dt.date | None = None  # the day a handover (交接) moved it to the successor
