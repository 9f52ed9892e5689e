"""季度汇报: a generated standing-committee briefing — its files, their hashes and its figures."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


class Briefing(SQLModel, table=True):
    __tablename__ = "briefing"
    __table_args__ = (Index("ix_briefing_jurisdiction_quarter", "jurisdiction_id", "quarter"),)

    id: int | None = Field(default=None, primary_key=True)
    quarter: str = Field(max_length=8)  # 2026Q3
    # [{"format": "docx", "path": "...", "sha256": "..."}]
    files: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    figures: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")
    created_at: dt.datetime
