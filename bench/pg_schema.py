"""PostgreSQL schemas for benchmarks: a scratch schema dropped afterwards, or a kept one."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager


def schema_url(schema: str) -> str:
    """The database URL of `schema` in the local test database (BAOBAO_TEST_PG_URL)."""
    from config.settings import get_settings

    return f"{get_settings().test_pg_url}?options=-csearch_path%3D{schema}"


@contextmanager
def scratch_schema() -> Iterator[str]:
    """A new empty schema for one benchmark; yields its URL and drops it afterwards."""
    from sqlalchemy import create_engine, text

    from config.settings import get_settings
    from models.db import get_engine

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(get_settings().test_pg_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = schema_url(schema)
    try:
        yield url
    finally:
        get_engine(url).dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
