"""The calendar years held in the database (tables calendar_year and calendar_day): read once per
process from the bound database, re-read after a while; written by the calendar import."""

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from config.settings import get_settings
from models.calendar import CalendarDay, CalendarYear
from models.enums import CalendarDayKind

log = logging.getLogger("baobao.calendar")
UNBOUND = "<settings>"


@dataclass(frozen=True)
class HeldYear:
    """A year's holidays (days off, weekends inside a range included) and 调休 workdays."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    names: tuple[tuple[dt.date, str], ...] = field(default=(), compare=False, hash=False)

    def name_of(self, day: dt.date) -> str:
        """The holiday a day belongs to ("" when unnamed)."""
        return dict(self.names).get(day, "")


# The bound database (UNBOUND: the settings'), the years read, when, and from which database.
_State = TypedDict(
    "_State",
    {"url": str | None, "loaded": dict[int, HeldYear] | None, "at": float, "from": str | None},
)
_state: _State = {"url": UNBOUND, "loaded": None, "at": 0.0, "from": None}


def bind(url: str | None) -> None:
    """Read from this database from now on (None: hold no years)."""
    _state["url"], _state["loaded"] = url, None


def forget() -> None:
    """Drop what was read; the next lookup reads the database again."""
    _state["loaded"] = None


def database_url() -> str | None:
    """The database held years are read from: the bound one, else the settings'."""
    url = _state["url"]
    return get_settings().database_url if url == UNBOUND else url


def cached(*, reload_seconds: float) -> dict[int, HeldYear]:
    """The held years, read again when older than reload_seconds or the database changed."""
    url, loaded = database_url(), _state["loaded"]
    if loaded is None or _state["from"] != url or time.monotonic() - _state["at"] >= reload_seconds:
        loaded = _read(url)
        _state["loaded"], _state["at"], _state["from"] = loaded, time.monotonic(), url
    return loaded


def _read(url: str | None) -> dict[int, HeldYear]:
    if url is None or _missing_sqlite_file(url):
        return {}
    from models.db import get_engine

    try:
        with get_engine(url).connect() as connection:
            return read_years(connection)
    except DBAPIError as exc:  # not migrated yet, or unreachable: only the library's years
        log.warning("calendar years not read from the database: %s", str(exc).splitlines()[0])
        return {}


def _missing_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    name = parsed.database or ""
    return (
        parsed.get_backend_name() == "sqlite"
        and name not in ("", ":memory:")
        and not (Path(name).is_file())
    )


def read_years(connection: Connection | Session) -> dict[int, HeldYear]:
    """Every held year with its days, from one connection or session."""
    years = list(connection.execute(select(CalendarYear.year)).scalars())
    days: dict[int, list[tuple[dt.date, str, str]]] = {year: [] for year in years}
    rows = connection.execute(
        select(CalendarDay.year, CalendarDay.day, CalendarDay.kind, CalendarDay.name)
    )
    for year, day, kind, name in rows:
        days.setdefault(year, []).append((day, kind, name))
    return {year: held_year(year, days[year]) for year in years}


def held_year(year: int, days: list[tuple[dt.date, str, str]]) -> HeldYear:
    """A HeldYear from (day, kind, name) rows."""
    return HeldYear(
        year=year,
        holidays=frozenset(d for d, kind, _ in days if kind == CalendarDayKind.HOLIDAY),
        workdays=frozenset(d for d, kind, _ in days if kind == CalendarDayKind.WORKDAY),
        names=tuple(sorted((d, name) for d, _, name in days)),
    )


def write_year(*, session: Session, held: HeldYear, source: str, actor: str) -> None:
    """Replace the year's rows with held."""
    from services.core import clock

    session.execute(delete(CalendarDay).where(CalendarDay.year == held.year))
    session.execute(delete(CalendarYear).where(CalendarYear.year == held.year))
    session.add(
        CalendarYear(
            year=held.year, source=source[:300], imported_at=clock.now(), imported_by=actor
        )
    )
    session.flush()
    kinds = {d: CalendarDayKind.HOLIDAY for d in held.holidays}
    kinds |= {d: CalendarDayKind.WORKDAY for d in held.workdays}
    session.add_all(
        CalendarDay(day=day, year=held.year, kind=kind, name=held.name_of(day)[:50])
        for day, kind in sorted(kinds.items())
    )
    session.flush()
