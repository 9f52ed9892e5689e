"""Backup: one archive of the database (a consistent copy taken while the application runs) and
the data directory (evidence, photos, documents, the secret key), with a manifest of rows per
table and the sha256 of every file. The archive holds the signing key and all personal data:
it is written readable by its owner only."""

import datetime as dt
import os
import time
from pathlib import Path
from typing import TypedDict

from sqlalchemy.engine import Engine

from config.settings import get_settings
from models.db import is_postgres
from services.core import clock
from services.core.schema import current_revision
from services.operations import archive, postgres_copy, sqlite_copy
from services.operations.archive import DatabaseCopy, Member
from services.operations.tables import VERSION_TABLE

# Under the data directory, not archived: logs, Prefect's scratch files, the default backup
# folder, the scheduler's lock, work folders.
NOT_ARCHIVED = ("logs", "prefect", "backups", "scheduler.lock")
WORK_PREFIX = ".baobao-"
SQLITE_MEMBER = "database/baobao.sqlite.gz"
POSTGRES_MEMBER = "database/baobao.pgdump"


def backup_dir() -> Path:
    """Where archives go: BAOBAO_BACKUP_DIR, else DATA_DIR/backups."""
    settings = get_settings()
    return Path(settings.backup_dir or Path(settings.data_dir) / "backups")


class BackedUp(TypedDict):
    """What take_backup wrote: the archive, its size, its manifest's time and revision, the
    tables, rows and data files it holds and how long it took."""

    archive: str
    size: int
    created_at: str
    revision: str | None
    tables: int
    rows: int
    files: int
    seconds: float


def take_backup(*, engine: Engine, out_dir: Path | None = None, reason: str = "manual") -> BackedUp:
    """Write one archive into out_dir (default backup_dir()); what was archived."""
    started = time.perf_counter()
    folder = Path(out_dir or backup_dir())
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    moment = clock.now()
    work = folder / f"{WORK_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
    work.mkdir(mode=0o700)
    try:
        database, counts = _database(engine, work)
        members = [Member(database["file"], work / database["file"]), *data_files(skip=folder)]
        final = _free_name(folder, moment)
        partial = work / final.name
        manifest = archive.write(
            path=partial,
            members=members,
            manifest={
                "created_at": moment.isoformat(),
                "reason": reason,
                "revision": current_revision(engine=engine),
                "database": database,
                "tables": counts,
            },
        )
        os.replace(partial, final)
    finally:
        _remove_tree(work)
    return {
        "archive": str(final),
        "size": final.stat().st_size,
        "created_at": manifest["created_at"],
        "revision": manifest["revision"],
        "tables": len(counts),
        "rows": sum(n for name, n in counts.items() if name != VERSION_TABLE),
        "files": len(members) - 1,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _database(engine: Engine, work: Path) -> tuple[DatabaseCopy, dict[str, int]]:
    (work / "database").mkdir()
    if is_postgres(engine):
        counts, schema = postgres_copy.dump(engine=engine, target=work / POSTGRES_MEMBER)
        return {"dialect": "postgresql", "file": POSTGRES_MEMBER, "schema": schema}, counts
    counts = sqlite_copy.snapshot(engine=engine, target=work / SQLITE_MEMBER)
    return {"dialect": "sqlite", "file": SQLITE_MEMBER, "schema": None}, counts


def data_files(*, skip: Path | None = None) -> list[Member]:
    """The data directory's files to archive, as data/<relative path>, sorted."""
    root = Path(get_settings().data_dir).resolve()
    skipped = skip.resolve() if skip and root in skip.resolve().parents else None
    members = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if _archived(here / d, root, skipped))
        for name in files:
            path = here / name
            if path.is_file() and not path.is_symlink() and _archived(path, root, skipped):
                members.append(Member(f"data/{path.relative_to(root).as_posix()}", path))
    return sorted(members, key=lambda m: m.name)


def _archived(path: Path, root: Path, skipped: Path | None) -> bool:
    relative = path.relative_to(root)
    if relative.parts[0] in NOT_ARCHIVED or path.name.startswith(WORK_PREFIX):
        return False
    return skipped is None or not (path == skipped or skipped in path.parents)


def _free_name(folder: Path, moment: dt.datetime) -> Path:
    base = f"baobao-{moment:%Y%m%d-%H%M%S}"
    candidate, n = folder / f"{base}.tar", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{base}-{n}.tar"
    return candidate


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
