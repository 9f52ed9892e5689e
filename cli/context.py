"""What every command needs: the database URL in force and a session on it."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the models and SQLAlchemy load with the first command that needs them
    from sqlalchemy import Engine
    from sqlmodel import Session


def database_url() -> str:
    """The database URL in force (--db, BAOBAO_DATABASE_URL or the default)."""
    from config.settings import get_settings

    return get_settings().database_url


@contextmanager
def session() -> Iterator["Session"]:
    """A committed-on-success session on the database in force."""
    from models.db import session_scope

    with session_scope(database_url()) as s:
        yield s


def engine() -> "Engine":
    """The engine on the database in force."""
    from models.db import get_engine

    return get_engine(database_url())
