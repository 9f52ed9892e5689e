"""Engine and sessions for SQLite (embedded) and PostgreSQL (province)."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlmodel import Session, create_engine


class Row(Protocol):
    """A table row: its id is None until the row is flushed."""

    @property
    def id(self) -> int | None: ...


def stored_id(row: Row) -> int:
    """The id of a row read from the database or flushed to it (never None there)."""
    assert row.id is not None, f"{type(row).__name__} not flushed yet"
    return row.id


def engine_of(session: Session) -> Engine:
    """The engine a session is bound to (sessions are made by session_scope: never a bare
    connection)."""
    bind = session.get_bind()
    assert isinstance(bind, Engine), "session bound to a connection"
    return bind


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


RANDOM_PAGE_COST = 1.1  # PostgreSQL's cost of a page read out of order (SSD, memory)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _set(dbapi_connection: DBAPIConnection, setting: str) -> None:
    """SET a PostgreSQL setting for the life of a new connection."""
    cursor = dbapi_connection.cursor()
    cursor.execute(f"SET {setting}")
    cursor.close()
    dbapi_connection.commit()


def _postgres_costs(dbapi_connection: DBAPIConnection, _record: object) -> None:
    """Price a page read by key as what it is here, a read from memory or SSD (PostgreSQL's
    default, 4, prices a disk seek: the planner then hashed every officer of the province rather
    than look up a county list's few thousand by key, 20-50 ms a list)."""
    _set(dbapi_connection, f"random_page_cost = {RANDOM_PAGE_COST}")


def _serial(dbapi_connection: DBAPIConnection, _record: object) -> None:
    _set(dbapi_connection, "max_parallel_workers_per_gather = 0")


def serial_queries(engine: Engine) -> None:
    """The web application's PostgreSQL connections run each query in one process: requests
    at once already keep every core busy, and parallel workers only added their start-up (a
    quarter of a core under 50 supervisors' lists)."""
    if is_postgres(engine) and not event.contains(engine, "connect", _serial):
        event.listen(engine, "connect", _serial)


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    from config.settings import get_settings

    url, size = normalise_url(url), get_settings().database_pool
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=size)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:  # no prepared statements: a plan made for one county's subtree is no plan for another
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=size, connect_args={"prepare_threshold": None}
        )
        event.listen(engine, "connect", _postgres_costs)
    return engine


@lru_cache(maxsize=8)
def reading_engine(url: str) -> Engine:
    """The engine of url in autocommit: sessions for a few reads, without BEGIN and ROLLBACK."""
    return get_engine(url).execution_options(isolation_level="AUTOCOMMIT")


def is_postgres(bind: Engine | Connection) -> bool:
    """Whether the engine or connection talks to PostgreSQL (else SQLite)."""
    return bind.dialect.name == "postgresql"


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(get_engine(url)) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
