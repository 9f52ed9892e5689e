"""SQLite copies through SQLite's online backup API: a consistent copy of a database that the web
application, the scheduler and commands keep writing (WAL mode lets them go on), and the restore
of such a copy into the database file in place."""

import gzip
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from services.core.errors import BadInput
from services.operations.tables import row_counts

BUSY_TIMEOUT_MS = 30_000
GZIP_LEVEL = 1  # fast; SQLite pages still shrink to about a quarter


def database_path(engine: Engine) -> Path:
    """The database file of a SQLite engine."""
    name = engine.url.database or ""
    if name in ("", ":memory:"):
        raise BadInput("内存中的 SQLite 数据库无法备份或恢复")
    return Path(name)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


def snapshot(*, engine: Engine, target: Path) -> dict[str, int]:
    """Copy the live database to target.gz in one backup step; the copy's rows per table."""
    plain = target.with_suffix("")
    source, copy = _connect(database_path(engine)), _connect(plain)
    try:
        source.backup(copy)  # one step: a read snapshot; writers in WAL mode are not blocked
    finally:
        source.close()
        copy.close()
    counts = counts_of(plain)
    with plain.open("rb") as raw, gzip.open(target, "wb", compresslevel=GZIP_LEVEL) as packed:
        shutil.copyfileobj(raw, packed, 1 << 20)
    plain.unlink()
    return counts


def counts_of(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return row_counts(connection)
    finally:
        engine.dispose()


def unpack(*, packed: Path) -> Path:
    """The plain database file of a packed copy, checked with SQLite's integrity check."""
    plain = packed.with_suffix("")
    with gzip.open(packed, "rb") as source, plain.open("wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
    connection = _connect(plain)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BadInput(f"备份中的数据库文件已损坏：{exc}") from None
    finally:
        connection.close()
    if result != "ok":
        raise BadInput(f"备份中的数据库文件未通过完整性检查：{result}")
    return plain


def restore(*, engine: Engine, plain: Path) -> None:
    """Replace the database's content with the copy's, in one step, through the backup API
    (other processes keep their connections and see the restored data afterwards)."""
    engine.dispose()
    target_path = database_path(engine)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source, target = _connect(plain), _connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
