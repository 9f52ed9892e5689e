"""The nightly backup and its retention ([backup] in policy.toml): keep the newest archive of each
of the last keep_daily days that have one, and of each of the last keep_monthly months."""

import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from config.files import load_policy
from services.operations.backup import BackedUp, backup_dir, take_backup

ARCHIVE = re.compile(r"^baobao-(\d{8})-(\d{6})(?:-(\d+))?\.tar$")


class Nightly(BackedUp):
    """The night's backup and the archives retention removed (their names)."""

    removed: list[str]


def nightly_backup(*, engine: Engine) -> Nightly:
    """Take the night's backup, then remove the archives retention no longer keeps."""
    result = take_backup(engine=engine, reason="nightly")
    policy = load_policy().backup
    removed = prune(
        folder=backup_dir(), keep_daily=policy.keep_daily, keep_monthly=policy.keep_monthly
    )
    return {**result, "removed": [path.name for path in removed]}


def prune(*, folder: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the archives of folder that neither rule keeps; returns what was deleted."""
    archives = sorted(
        (p for p in Path(folder).glob("baobao-*.tar") if ARCHIVE.match(p.name)),
        key=_order,
        reverse=True,
    )
    kept = _newest_per(archives, key=lambda p: p.name[7:15], limit=keep_daily)
    kept |= _newest_per(archives, key=lambda p: p.name[7:13], limit=keep_monthly)
    removed = [p for p in archives if p not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _order(path: Path) -> tuple[str, str, int]:
    found = ARCHIVE.match(path.name)
    assert found is not None  # prune lists only names ARCHIVE matches
    day, time, n = found.groups()
    return day, time, int(n or 1)


def _newest_per(archives: list[Path], *, key: Callable[[Path], str], limit: int) -> set[Path]:
    """The first (newest) archive of each of the first `limit` distinct keys."""
    chosen: dict[str, Path] = {}
    for path in archives:
        if key(path) not in chosen:
            if len(chosen) == limit:
                break
            chosen[key(path)] = path
    return set(chosen.values())
