"""The working-day calendar held in the database: a year's 法定节假日 and 调休 workdays, imported
from the State Council's notice (./baobao calendar import) and read by every process."""

import datetime as dt

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from models.enums import CalendarDayKind, check_in


class CalendarYear(SQLModel, table=True):
    """A year whose holidays are known: its days override chinese-calendar for that year."""

    __tablename__ = "calendar_year"

    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    source: str = Field(max_length=300)  # the imported file's name
    imported_at: dt.datetime
    imported_by: str = Field(max_length=100)


class CalendarDay(SQLModel, table=True):
    """One holiday or 调休 workday of a held year."""

    __tablename__ = "calendar_day"
    __table_args__ = (CheckConstraint(check_in("kind", CalendarDayKind), name="ck_calendar_kind"),)

    day: dt.date = Field(primary_key=True)
    year: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("calendar_year.year", ondelete="CASCADE"),
            index=True,
            nullable=False,
        )
    )
    kind: str = Field(max_length=16)
    name: str = Field(max_length=50)
