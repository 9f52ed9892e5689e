"""Benchmark: the 红黑榜 on the demo province (PostgreSQL schema bench_province, read-only).

Times, for 2026Q3 as of 2026-09-22: a county's board (its townships), a city's board (its
counties, each measured over its whole subtree) and the ranking page of a township supervisor
(the county's board of this quarter and the quarters before it with data). Each is run three
times; the best wall time and the client's CPU seconds of that run are printed with the load
average (the database server's CPU is not in the CPU figure).

Usage: .venv/bin/python bench/ranking.py
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _best(label: str, run) -> None:
    runs = []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        size = run()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu, size))
    wall, cpu, size = min(runs)
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU ({size} units); load {os.getloadavg()}")


def main() -> None:
    from sqlalchemy import text
    from sqlmodel import Session

    from bench.pg_schema import PROVINCE, PROVINCE_DAY, schema_url
    from config.settings import configure
    from models.db import get_engine
    from services.reporting.ranking import ranking, units
    from services.reporting.ranking.history import recent

    url = schema_url(PROVINCE)
    configure(database_url=url, today=dt.date.fromisoformat(PROVINCE_DAY))
    with Session(get_engine(url)) as session:
        city, county, town = (
            session.execute(
                text(f"SELECT code FROM jurisdiction WHERE level = '{level}' ORDER BY code LIMIT 1")
            ).scalar_one()
            for level in ("city", "county", "township")
        )
        _best(
            f"county board {county}",
            lambda: len(units(ranking(session=session, quarter="2026Q3", jurisdiction=county))),
        )
        _best(
            f"city board {city}",
            lambda: len(units(ranking(session=session, quarter="2026Q3", jurisdiction=city))),
        )
        _best(
            f"ranking page of township {town}",
            lambda: len(recent(session=session, quarter="2026Q3", jurisdiction=town)["boards"]),
        )


if __name__ == "__main__":
    main()
