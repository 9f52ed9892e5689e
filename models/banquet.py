"""农村集体聚餐备案 (rule 14): a filed rural banquet, its 现场指导 visit and its 回访."""

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from models.enums import BanquetKind, BanquetStatus, check_in


class Banquet(SQLModel, table=True):
    __tablename__ = "banquet"
    __table_args__ = (
        CheckConstraint(check_in("kind", BanquetKind), name="ck_banquet_kind"),
        CheckConstraint(check_in("status", BanquetStatus), name="ck_banquet_status"),
        CheckConstraint("diners > 0", name="ck_banquet_diners"),
        Index("ix_banquet_event", "event_date", "jurisdiction_id"),
        Index("ix_banquet_jurisdiction_event", "jurisdiction_id", "event_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")  # the village (村/社区)
    host: str = Field(max_length=50)  # 主办人
    contact: str | None = Field(default=None, max_length=24)  # 联系电话
    event_date: dt.date
    place: str | None = Field(default=None, max_length=200)
    diners: int  # 预计就餐人数
    kind: str = Field(max_length=16)
    chef_id: int | None = Field(default=None, foreign_key="chef.id", index=True)
    menu: str | None = Field(default=None, max_length=1000)
    # The guiding officer (现场指导); None when the banquet is below [banquets] min_diners.
    officer_id: int | None = Field(default=None, foreign_key="officer.id", index=True)
    filed_on: dt.date
    filed_by: str = Field(max_length=64)
    late_filing: bool = False  # filed later than [banquets] file_days_before
    chef_cert_expired: bool = False  # the chef's health certificate expired by the event date
    status: str = Field(default=BanquetStatus.FILED, max_length=16)
    cancelled_on: dt.date | None = None
    # The 现场指导 visit: its date, checklist answers ([[guidance]] ids → 是/否/不涉及), note.
    guided_on: dt.date | None = None
    guidance: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    guidance_note: str | None = Field(default=None, max_length=2000)
    # 回访 after the event: actual diners and how many fell ill (0: none).
    followed_up_on: dt.date | None = None
    diners_actual: int | None = None
    ill_count: int | None = None
    followed_up_by: str | None = Field(default=None, max_length=64)


class Chef(SQLModel, table=True):
    """乡厨: a rural banquet chef with a health certificate (健康证明)."""

    __tablename__ = "chef"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    mobile: str = Field(max_length=11, unique=True)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id", index=True)  # home village
    cert_no: str = Field(max_length=40)  # 健康证明编号
    cert_expires: dt.date = Field(index=True)
    active: bool = True
    registered_on: dt.date


class ChefTraining(SQLModel, table=True):
    """A training a 乡厨 attended (培训记录)."""

    __tablename__ = "chef_training"

    id: int | None = Field(default=None, primary_key=True)
    chef_id: int = Field(foreign_key="chef.id", index=True)
    trained_on: dt.date
    course: str = Field(max_length=200)
