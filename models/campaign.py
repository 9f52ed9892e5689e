"""专项督导: a campaign adding tasks for a scope (业态, 等级, 区划) with its own due date."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    due_date: dt.date
    # {"categories": [...], "package_grades": [...], "risk_grades": [...], "jurisdiction": code}
    filters: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_on: dt.date
