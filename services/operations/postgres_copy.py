"""PostgreSQL copies with the server's own tools: pg_dump of the application's schema in the
snapshot the row counts were read in, and a restore that drops the schema's tables and loads the
dump in one transaction (pg_restore piped into psql --single-transaction)."""

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from services.core.errors import BadInput, Unavailable
from services.operations.tables import row_counts

CLIENT_PACKAGE = "postgresql-client-{major}"
LOCK_TIMEOUT = "30s"  # a restore waits this long for the tables the running application uses


def tool(name: str, *, server_major: int) -> str:
    """The path of pg_dump / pg_restore / psql, at least the server's major version."""
    path = shutil.which(name)
    package = CLIENT_PACKAGE.format(major=server_major)
    if path is None:
        raise Unavailable(
            f"找不到 {name}：PostgreSQL 数据库的备份和恢复需要它，"
            f"请安装 {package}（Debian：apt-get install {package}）"
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)?", output)
    if found is None or int(found.group(1)) < server_major:
        raise Unavailable(
            f"{name} 的版本（{output.strip()}）低于数据库服务器的 {server_major}，请安装 {package}"
        )
    return path


def server_major(connection: Connection) -> int:
    """The server's major version (15 for 15.x)."""
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


@contextmanager
def conninfo(engine: Engine) -> Iterator[str]:
    """A libpq connection string for the tools; a password goes through a private passfile."""
    from psycopg.conninfo import make_conninfo

    url = engine.url
    params = {"host": url.host, "port": url.port, "dbname": url.database, "user": url.username}
    params |= {k: v for k, v in url.query.items() if isinstance(v, str)}
    with tempfile.TemporaryDirectory(prefix="baobao-pg-") as folder:
        if url.password:
            passfile = Path(folder) / "pgpass"
            passfile.touch(mode=0o600)
            escaped = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
            passfile.write_text(f"*:*:*:*:{escaped}\n")
            params["passfile"] = str(passfile)
        yield make_conninfo(**{k: str(v) for k, v in params.items() if v is not None})


def dump(*, engine: Engine, target: Path) -> tuple[dict[str, int], str]:
    """pg_dump the current schema to target; (rows per table, schema) of the same snapshot."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin(), conninfo(engine) as info:
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema: str = connection.execute(text("SELECT current_schema()")).scalar_one()
            counts = row_counts(connection)
            pg_dump = tool("pg_dump", server_major=server_major(connection))
            _run(
                [pg_dump, "--format=custom", "--compress=1", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot}", f'--schema="{schema}"', f"--file={target}",
                 f"--dbname={info}"],
                what="pg_dump 备份",
            )  # fmt: skip
    return counts, schema


def target_schema(connection: Connection) -> str:
    """The schema the application's tables live in (the first of search_path)."""
    current: str | None = connection.execute(text("SELECT current_schema()")).scalar()
    if current:
        return current
    path: str = connection.execute(text("SHOW search_path")).scalar_one()
    return path.split(",")[0].strip().strip('"')


def restore(*, engine: Engine, dump_file: Path, schema: str) -> None:
    """Replace the schema's tables with the dump's, in one transaction."""
    engine.dispose()
    with engine.connect() as connection:
        here = target_schema(connection)
        drops = _emptying(connection, here)
        major = server_major(connection)
    if here != schema:
        raise BadInput(
            f"备份来自 PostgreSQL 模式 {schema}，目标数据库的模式是 {here}；"
            f"请在 --db 地址中加 ?options=-csearch_path%3D{schema} 恢复到同名模式"
        )
    pg_restore, psql = tool("pg_restore", server_major=major), tool("psql", server_major=major)
    with tempfile.TemporaryDirectory(prefix="baobao-restore-") as folder, conninfo(engine) as info:
        listing = Path(folder) / "toc.list"
        toc = _run([pg_restore, "--list", str(dump_file)], what="读取备份目录").stdout
        listing.write_text("\n".join(line for line in toc.splitlines() if " SCHEMA " not in line))
        before = [
            "SET client_min_messages = warning",
            f"SET lock_timeout = '{LOCK_TIMEOUT}'",
            f'CREATE SCHEMA IF NOT EXISTS "{schema}"',
            *drops,
        ]
        sql = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", f"--use-list={listing}", "--file=-",
             str(dump_file)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert sql.stdout is not None and sql.stderr is not None  # both piped
        commands = [arg for statement in before for arg in ("-c", statement)]
        _run(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", *commands,
             "-f", "-", info],
            what="恢复数据库", stdin=sql.stdout,
        )  # fmt: skip
        sql.stdout.close()
        if sql.wait() != 0:
            raise Unavailable(f"pg_restore 读取备份失败：{_first_line(sql.stderr.read())}")


def _emptying(connection: Connection, schema: str) -> list[str]:
    """DROP statements for what the schema holds: tables (their sequences, indexes and triggers
    go with them), views, other sequences, functions and types."""
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    rows = connection.execute(
        text(
            "SELECT c.relkind, format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :s "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "UNION ALL SELECT 'f', p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :s "
            "UNION ALL SELECT 't', format('%I.%I', n.nspname, t.typname) FROM pg_type t "
            "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = :s "
            "AND t.typtype IN ('e', 'd')"
        ),
        {"s": schema},
    ).all()
    named = {**kinds, "f": "FUNCTION", "t": "TYPE"}
    return [f"DROP {named[kind]} IF EXISTS {name} CASCADE" for kind, name in rows]


def _run(
    args: list[str], *, what: str, stdin: IO[bytes] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, stdin=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        message = _first_line(done.stderr)
        if "lock timeout" in message:
            raise Unavailable(f"{what}失败：数据库正被使用，请先停止网页端和调度进程后重试")
        raise Unavailable(f"{what}失败：{message}")
    return done


def _first_line(text_: str | bytes) -> str:
    """The first error line of a tool's output (NOTICE lines skipped)."""
    value = text_.decode(errors="replace") if isinstance(text_, bytes) else text_
    lines = [line for line in value.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "FATAL" in line or "error" in line]
    return (errors or lines or ["（无输出）"])[0]
