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


def _revision(connection, schema: str) -> str | None:
    from sqlalchemy import text

    return connection.execute(text(f"SELECT version_num FROM {schema}.alembic_version")).scalar()


@contextmanager
def at_head(source: str = PROVINCE) -> Iterator[str]:
    """The URL of `source` when its schema is at this checkout's migration head; otherwise of a
    scratch copy of it migrated to the head (dropped afterwards). `source` is only read."""
    import sys

    from sqlalchemy import create_engine, text

    from config.settings import get_settings
    from models.db import get_engine
    from services.core.schema import head_revision, upgrade

    head = head_revision()
    admin = create_engine(get_settings().test_pg_url)
    with admin.connect() as connection:
        revision = _revision(connection, source)
    if revision == head:
        admin.dispose()
        yield schema_url(source)
        return
    print(f"{source} is at {revision}, not {head}: copying it to a scratch schema", file=sys.stderr)
    with scratch_schema() as url:
        schema = url.rsplit("%3D", 1)[1]
        upgrade(engine=get_engine(url), target=revision)
        with admin.begin() as connection:
            connection.execute(text("SET session_replication_role = replica"))  # no FK checks
            for table in _tables(connection, schema):
                connection.execute(
                    text(f"INSERT INTO {schema}.{table} SELECT * FROM {source}.{table}")
                )
                connection.execute(text(f"ANALYZE {schema}.{table}"))
            _follow_sequences(connection, schema)
        upgrade(engine=get_engine(url))
        admin.dispose()
        yield url


def _tables(connection, schema: str) -> list[str]:
    from sqlalchemy import text

    return list(
        connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = :s "
                "AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version' ORDER BY 1"
            ),
            {"s": schema},
        ).scalars()
    )


def _follow_sequences(connection, schema: str) -> None:
    from sqlalchemy import text

    rows = connection.execute(
        text(
            "SELECT table_name, column_name, pg_get_serial_sequence(table_schema || '.' || "
            "table_name, column_name) FROM information_schema.columns WHERE table_schema = :s "
            "AND column_default LIKE 'nextval%'"
        ),
        {"s": schema},
    ).all()
    for table, column, sequence in rows:
        connection.execute(
            text(
                f"SELECT setval('{sequence}', COALESCE((SELECT MAX({column}) FROM {schema}.{table}), 0) + 1, false)"
            )
        )
