"""Benchmark: backup and restore (targets: the demo county on SQLite <= 5 s each; the demo
province on PostgreSQL is measured and quoted).

county: the demo county with two quarters of tasks, visits and hazards (bench/briefing.py's
data set) and one 150 KB photo of evidence per hazard in the data directory; each run takes a
backup (services.operations.backup.take_backup) and restores it into a new empty database and
data directory (services.operations.restore.restore). province: the kept demo-province schema
(bench/pg_schema.py, built first when missing), backed up with pg_dump and restored into a
scratch database (a dump restores into the schema it came from), dropped afterwards.
Wall and CPU seconds (children included: pg_dump, pg_restore, psql) and the load average are
printed with each figure.

Usage: .venv/bin/python bench/backup.py county [--runs N] | province [--schema NAME]
"""

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHOTO_BYTES = 150 * 1024


def timed(label: str, action):
    """Run action, print its wall and CPU seconds with the load average; its result."""
    from bench.briefing import cpu_seconds

    start, cpu = time.perf_counter(), cpu_seconds()
    result = action()
    wall, used = time.perf_counter() - start, cpu_seconds() - cpu
    print(
        f"{label}: {wall:.2f} s wall, {used:.2f} s CPU (load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return result, wall


def _photos(data_dir: Path, url: str) -> int:
    """One incompressible 150 KB file per hazard under data/evidence, as stored evidence is."""
    import hashlib

    from sqlalchemy import text

    from models.db import get_engine

    with get_engine(url).connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM hazard")).scalar_one()
    for _ in range(count):
        content = os.urandom(PHOTO_BYTES)
        digest = hashlib.sha256(content).hexdigest()
        path = data_dir / "evidence" / digest[:2] / digest
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return count


def county(runs: int) -> None:
    from bench.briefing import prepare
    from config.settings import configure
    from models.db import get_engine
    from services.operations.backup import take_backup
    from services.operations.restore import restore

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'county.db'}"
        prepare(url)
        configure(database_url=url, data_dir=folder / "data")
        photos = _photos(folder / "data", url)
        size = sum(p.stat().st_size for p in folder.glob("county.db*"))
        print(f"demo county: database {size / 1e6:.1f} MB, {photos} evidence files", flush=True)
        for n in range(runs):
            made, _ = timed(
                f"backup {n + 1}", lambda: take_backup(engine=get_engine(url), out_dir=folder)
            )
            print(f"  {made['rows']:,} rows, {made['files']} files, {made['size'] / 1e6:.1f} MB")
            target = f"sqlite:///{folder / f'restored-{n}.db'}"
            configure(database_url=target, data_dir=folder / f"restored-data-{n}")
            archive = Path(made["archive"])
            timed(
                f"restore {n + 1}",
                lambda a=archive, t=target: restore(engine=get_engine(t), path=a),
            )
            configure(database_url=url, data_dir=folder / "data")
            archive.unlink()


def province(schema: str) -> None:
    from sqlalchemy import create_engine, text

    from bench.pg_schema import province_schema
    from config.settings import configure, get_settings
    from models.db import get_engine
    from services.operations.backup import take_backup
    from services.operations.restore import restore

    url = province_schema(schema)
    admin = create_engine(get_settings().test_pg_url, isolation_level="AUTOCOMMIT")
    scratch = f"bench_restore_{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "results") as tmp:
        folder = Path(tmp)
        configure(database_url=url, data_dir=folder / "data")
        made, _ = timed(
            "province backup (pg_dump)", lambda: take_backup(engine=get_engine(url), out_dir=folder)
        )
        print(f"  {made['rows']:,} rows, archive {made['size'] / 1e6:.0f} MB", flush=True)
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {scratch}"))
        base = get_settings().test_pg_url.rsplit("/", 1)[0]
        target = f"{base}/{scratch}?options=-csearch_path%3D{schema}"
        try:
            configure(database_url=target, data_dir=folder / "restored-data")
            archive = Path(made["archive"])
            timed("province restore (pg_restore | psql, one transaction)",
                  lambda: restore(engine=get_engine(target), path=archive))  # fmt: skip
        finally:
            get_engine(target).dispose()
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {scratch}"))
            admin.dispose()


if __name__ == "__main__":
    args = sys.argv[1:] or ["county"]
    if args[0] == "province":
        province(args[args.index("--schema") + 1] if "--schema" in args else "bench_province")
    else:
        county(int(args[args.index("--runs") + 1]) if "--runs" in args else 3)
