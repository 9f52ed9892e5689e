"""整改证据: a file reported as evidence of rectification, stored under the data dir by sha256."""

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class HazardEvidence(SQLModel, table=True):
    __tablename__ = "hazard_evidence"
    __table_args__ = (UniqueConstraint("hazard_id", "sha256", name="uq_evidence_hazard_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64)
    filename: str = Field(max_length=300)
    content_type: str = Field(max_length=100)
    size: int
    hazard_id: int = Field(foreign_key="hazard.id", index=True)
    uploaded_by: str = Field(max_length=100)
    uploaded_at: dt.datetime
