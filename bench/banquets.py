"""Banquet benchmark (never part of make test): a province season of 200,000 banquets filed
through the service on PostgreSQL, and the month's banquet figures for the whole province.

Usage: .venv/bin/python bench/banquets.py [--banquets N] [--batch N]

In a scratch schema, migrated to the newest revision, the demo province's jurisdictions and
officers are copied from `bench_province` (read only). N filings (default 200,000) spread over
2026 with the demo's seasonal peaks are filed by `file_banquets` in batches (default 10,000, one
commit each): about 60 % of them reach [banquets] min_diners and open a 现场指导 task. Targets:
filing ≥ 500 per second; `banquet_figures` of October for the province ≤ 10 s. Wall time and
this process's CPU seconds are printed (the database server's CPU is not in the latter).
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = dt.date(2026, 1, 2)
COPIED = {
    "jurisdiction": ("id", "code", "name", "level", "parent_id", "path"),
    "officer": ("id", "code", "name", "tier", "title", "mobile", "email", "wecom_id",
                "jurisdiction_id", "active"),
}  # fmt: skip


def _copy_roster(url: str) -> None:
    from sqlalchemy import text

    from models.db import get_engine
    from services.core.bulk import reset_sequences

    with get_engine(url).begin() as connection:
        for table, columns in COPIED.items():
            names = ", ".join(columns)
            connection.execute(
                text(f"INSERT INTO {table} ({names}) SELECT {names} FROM bench_province.{table}")
            )
        reset_sequences(connection, COPIED)


def _filings(url: str, n: int, seed: int = 18) -> list:
    from sqlalchemy import text

    from models.db import get_engine
    from services.banquets.filing import Filing
    from services.demo.banquets import MONTH_WEIGHT, _event_day

    with get_engine(url).connect() as connection:
        villages = list(
            connection.execute(
                text("SELECT code FROM jurisdiction WHERE level = 'village'")
            ).scalars()
        )
    rng = random.Random(seed)
    months, weights = list(MONTH_WEIGHT), list(MONTH_WEIGHT.values())
    filings = []
    for _ in range(n):
        event = max(_event_day(rng, 2026, rng.choices(months, weights)[0]), TODAY)
        filings.append(
            Filing(village=rng.choice(villages), host="王 某", event_date=event,
                   diners=max(30, int(rng.lognormvariate(4.75, 0.5))),
                   kind=rng.choice(("婚宴", "丧宴", "寿宴", "升学宴", "其他")))
        )  # fmt: skip
    return filings


def _file(url: str, filings: list, batch: int) -> tuple[float, float, int]:
    from sqlmodel import Session

    from models.db import get_engine
    from services.banquets.filing import file_banquets

    tasks, wall, cpu = 0, time.perf_counter(), time.process_time()
    with Session(get_engine(url)) as session:
        for start in range(0, len(filings), batch):
            filed = file_banquets(
                session=session, filings=filings[start : start + batch], actor="bench"
            )
            session.commit()
            tasks += filed.tasks
            done = start + batch
            print(
                f"  {min(done, len(filings)):,} filed, {tasks:,} tasks", file=sys.stderr, flush=True
            )
    return time.perf_counter() - wall, time.process_time() - cpu, tasks


def _month_figures(url: str) -> tuple[float, float, dict]:
    from sqlalchemy import select
    from sqlmodel import Session

    from models.db import get_engine
    from models.jurisdiction import Jurisdiction
    from services.core.jurisdictions import places
    from services.figures.banquets import banquet_figures

    wall, cpu = time.perf_counter(), time.process_time()
    with Session(get_engine(url)) as session:
        where: dict = {}
        roots = session.execute(
            select(Jurisdiction).where(Jurisdiction.parent_id.is_(None))
        ).scalars()
        for root in roots.all():
            where |= places(session=session, root=root)
        got = banquet_figures(session=session, scope_path="/", where=where,
                              start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31),
                              as_of=dt.date(2026, 10, 31))  # fmt: skip
    return time.perf_counter() - wall, time.process_time() - cpu, got


def _analyze(url: str) -> None:
    """Fresh statistics for the planner (autovacuum would gather them a little later)."""
    from sqlalchemy import text

    from models.db import get_engine

    with get_engine(url).begin() as connection:
        connection.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--banquets", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args()
    from bench.pg_schema import scratch_schema
    from config import settings
    from services.core.schema import upgrade

    print(f"load average before: {os.getloadavg()}", flush=True)
    with scratch_schema() as url:
        from models.db import get_engine

        upgrade(engine=get_engine(url))
        settings.configure(database_url=url, today=TODAY)
        _copy_roster(url)
        _analyze(url)
        filings = _filings(url, args.banquets)
        wall, cpu, tasks = _file(url, filings, args.batch)
        print(f"filing: {len(filings):,} banquets ({tasks:,} 现场指导 tasks) in {wall:.1f} s wall, "
              f"{cpu:.1f} s CPU here: {len(filings) / wall:,.0f} per second (target ≥ 500)")  # fmt: skip
        _analyze(url)
        wall, cpu, got = _month_figures(url)
        t = got["totals"]
        print(f"month figures (2026-10, province, {len(got['by_township']):,} townships): "
              f"{wall:.2f} s wall, {cpu:.2f} s CPU (target ≤ 10 s); filed {t['filed']:,}, "
              f"to guide {t['to_guide']:,}, late {t['late']:,}")  # fmt: skip
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
