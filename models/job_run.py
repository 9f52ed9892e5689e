"""A run of a scheduled job (config/schedules.toml): when, by which runner, with what outcome."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from models.enums import RunOutcome, check_in


class JobRun(SQLModel, table=True):
    __tablename__ = "job_run"
    __table_args__ = (
        CheckConstraint(check_in("outcome", RunOutcome), name="ck_job_run_outcome"),
        Index("ix_job_run_job_started", "job", "started_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    job: str = Field(max_length=64)
    runner: str = Field(max_length=16)  # "apscheduler" | "prefect" | "cli"
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    outcome: str = Field(default=RunOutcome.RUNNING, max_length=16)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
