"""Restore: check a backup archive against its manifest, refuse to overwrite a database that holds
data unless forced (and then back it up first), replace the database in one step, put the data
directory's files back, and check the restored rows against the manifest's counts."""

import os
import tempfile
from pathlib import Path
from typing import TypedDict

from sqlalchemy.engine import Engine

from config.settings import get_settings
from models.db import is_postgres
from services.core.errors import BadInput, Unavailable
from services.core.schema import head_revision
from services.operations import archive, postgres_copy, sqlite_copy
from services.operations.archive import DatabaseCopy
from services.operations.backup import WORK_PREFIX, take_backup
from services.operations.tables import VERSION_TABLE, is_empty, row_counts

KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Restored(TypedDict):
    """What restore put back, and whether the database needs `upgrade` to reach head."""

    archive: str
    created_at: str
    revision: str | None
    needs_upgrade: bool
    tables: dict[str, int]
    rows: int
    files: int
    bytes: int
    replaced_data: bool
    safety_backup: str | None  # the backup of the data it replaced


def restore(*, engine: Engine, path: Path, force: bool = False) -> Restored:
    """Restore the archive at path into the database and data directory in force."""
    manifest = archive.read_manifest(path=path)
    database = manifest["database"]
    target = "postgresql" if is_postgres(engine) else "sqlite"
    if database["dialect"] != target:
        raise BadInput(
            f"备份来自 {KINDS.get(database['dialect'], database['dialect'])} 数据库，"
            f"目标是 {KINDS[target]}，不能直接恢复"
        )
    empty = is_empty(engine=engine)
    if not empty and not force:
        raise BadInput(
            "目标数据库已有数据，未恢复。确认要用备份覆盖时加 --force（会先自动备份当前数据）"
        )
    root = Path(get_settings().data_dir)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root, prefix=f"{WORK_PREFIX}restore-") as folder:
        work = Path(folder)
        archive.extract_checked(path=path, manifest=manifest, into=work)
        plain = _checked_copy(database, work)
        safety = None if empty else take_backup(engine=engine, reason="before-restore")["archive"]
        _restore_database(engine, database, work, plain)
        files, size = _put_files(work / "data", root)
    _compare(engine, manifest["tables"])
    tables = manifest["tables"]
    return {
        "archive": str(path),
        "created_at": manifest["created_at"],
        "revision": manifest["revision"],
        "needs_upgrade": manifest["revision"] != head_revision(),
        "tables": tables,
        "rows": sum(n for name, n in tables.items() if name != VERSION_TABLE),
        "files": files,
        "bytes": size,
        "replaced_data": not empty,
        "safety_backup": safety,
    }


def _checked_copy(database: DatabaseCopy, work: Path) -> Path | None:
    if database["dialect"] == "sqlite":
        return sqlite_copy.unpack(packed=work / database["file"])
    return None


def _restore_database(
    engine: Engine, database: DatabaseCopy, work: Path, plain: Path | None
) -> None:
    if plain is not None:
        sqlite_copy.restore(engine=engine, plain=plain)
    else:
        schema = database["schema"]
        assert schema is not None  # a PostgreSQL copy names the schema it was taken from
        postgres_copy.restore(engine=engine, dump_file=work / database["file"], schema=schema)


def _put_files(staged: Path, root: Path) -> tuple[int, int]:
    """Move the staged data files into the data directory (overwriting); (files, bytes)."""
    count = size = 0
    if not staged.is_dir():
        return 0, 0
    for folder, _, names in os.walk(staged):
        for name in names:
            source = Path(folder) / name
            target = root / source.relative_to(staged)
            target.parent.mkdir(parents=True, exist_ok=True)
            size += source.stat().st_size
            os.replace(source, target)
            count += 1
    return count, size


def _compare(engine: Engine, expected: dict[str, int]) -> None:
    with engine.connect() as connection:
        found = row_counts(connection)
    wrong = sorted(name for name in expected if found.get(name) != expected[name])
    if wrong:
        name = wrong[0]
        raise Unavailable(
            f"恢复后的数据与备份清单不符：表 {name} 应有 {expected[name]} 行，实有 {found.get(name)} 行"
        )
