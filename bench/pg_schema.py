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


@contextmanager
def overlay_schema(base: str, tables: list) -> Iterator[str]:
    """A scratch schema holding empty copies of `tables` (SQLAlchemy Table objects) in front of
    the kept schema `base`: yields a URL whose search path reads everything else from `base`
    (left unchanged) and writes those tables in the scratch schema, dropped afterwards."""
    from sqlalchemy import MetaData

    from models.db import get_engine

    with scratch_schema() as url:
        metadata = MetaData()
        for table in tables:
            table.to_metadata(metadata)
        metadata.create_all(get_engine(url))
        yield f"{url},{base}"  # schema_url ends with the search path


PROVINCE = "bench_province"
PROVINCE_DAY = "2026-09-22"  # 2026Q3 routine tasks generated as of this day


def province_schema(schema: str = PROVINCE) -> str:
    """The URL of a kept schema holding the demo province and its 2026Q3 routine tasks;
    built first (init, demo --scale province, tasks generate; ~2 min) when it is missing."""
    import subprocess
    import sys
    from pathlib import Path

    from sqlalchemy import create_engine, text

    from config.settings import get_settings

    admin = create_engine(get_settings().test_pg_url)
    with admin.begin() as connection:
        filled = (
            connection.execute(
                text("SELECT to_regclass(:table) IS NOT NULL"),
                {"table": f"{schema}.inspection_task"},
            ).scalar()
            and connection.execute(
                text(f"SELECT EXISTS (SELECT 1 FROM {schema}.inspection_task)")
            ).scalar()
        )
        if not filled:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    url = schema_url(schema)
    if not filled:
        print(
            f"building the demo province in schema {schema} (kept for later runs)",
            file=sys.stderr,
            flush=True,
        )
        baobao = str(Path(__file__).resolve().parent.parent / "baobao")
        for args in (
            ["init"],
            ["demo", "--scale", "province"],
            ["--today", PROVINCE_DAY, "tasks", "generate"],
        ):
            subprocess.run([baobao, "--db", url, *args], check=True, capture_output=True)
    return url
