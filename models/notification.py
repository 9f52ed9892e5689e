"""The outbox: every message is a row first, delivered later, sent at most once by its key."""

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from models.enums import Channel, NotificationStatus, check_in


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        CheckConstraint(check_in("channel", Channel), name="ck_notification_channel"),
        CheckConstraint(check_in("status", NotificationStatus), name="ck_notification_status"),
        Index("ix_notification_status", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    recipient: str = Field(max_length=100)  # "officer:<code>" or "user:<account>"
    address: str = Field(max_length=300)  # e-mail address, WeCom id or webhook
    subject: str = Field(max_length=300)
    body_text: str
    body_html: str | None = None
    # Files sent with an e-mail: paths under the data directory (the briefing's DOCX/PDF).
    attachments: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default=NotificationStatus.QUEUED, max_length=16)
    # e.g. "digest:officer:V0001:2026-09-22:email" — one message per key, ever.
    dedupe_key: str = Field(max_length=200, unique=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=2000)
    queued_at: dt.datetime
    sent_at: dt.datetime | None = None
