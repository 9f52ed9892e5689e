"""Benchmark of routine task generation.

- county: the demo county on SQLite (target: generation <= 0.5 s).
- province: the demo province (~1,000,000 assignments) on PostgreSQL in a schema of its own
  (dropped afterwards); generation target <= 30 s and within 2x of the floor: the same rows
  written by plain COPY into the same table, in the same run. Also times the run split by
  county (what the scheduled flows do) and an idempotent re-run.

Usage: .venv/bin/python bench/generation.py [county] [province] [--schema NAME]
(--schema: measure in an existing schema already filled by `demo --scale province`; kept.)
"""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 9, 22)  # 2026Q3: due 2026-09-30, first-visit cutoff 2026-09-17


def _prepare(url: str, scale: str) -> None:
    subprocess.run([str(ROOT / "baobao"), "--db", url, "init"], check=True, capture_output=True)
    subprocess.run(
        [str(ROOT / "baobao"), "--db", url, "demo", "--scale", scale],
        check=True,
        capture_output=True,
    )


def _generate(url: str, scope_path: str | None = None) -> tuple[float, dict]:
    from sqlmodel import Session

    from models.db import get_engine
    from services.tasks.generation import generate_routine_tasks

    start = time.perf_counter()
    with Session(get_engine(url)) as session:
        result = generate_routine_tasks(session=session, scope_path=scope_path)
        session.commit()
    return time.perf_counter() - start, result


def _by_county(url: str) -> tuple[float, int]:
    from sqlmodel import Session

    from models.db import get_engine
    from services.core.jurisdictions import county_paths

    with Session(get_engine(url)) as session:
        paths = county_paths(session=session)
    start, created = time.perf_counter(), 0
    for path in paths:
        created += _generate(url, path)[1]["created"]
    return time.perf_counter() - start, created


def _copy_floor(url: str) -> tuple[float, int]:
    """Time COPY of exactly the rows generation writes (fetched beforehand, not timed)."""
    from sqlalchemy import text

    from models.db import get_engine
    from services.core.bulk import insert_rows
    from services.core.periods import period_containing
    from services.tasks.policy import first_visit_cutoff

    period = period_containing(TODAY, "quarterly")
    with get_engine(url).begin() as connection:
        rows = connection.execute(
            text(
                "SELECT 'routine', :p, DATE '2026-09-30', 'open', a.id, a.officer_id, a.entity_id, "
                "o.jurisdiction_id, e.jurisdiction_id, :today "
                "FROM assignment a JOIN entity e ON e.id = a.entity_id "
                "JOIN officer o ON o.id = a.officer_id WHERE a.start_date <= :cutoff "
                "AND (a.end_date IS NULL OR a.end_date >= :today) AND e.status = 'operating' "
                "AND e.active AND o.active ORDER BY a.id"
            ),
            {"p": period.name, "today": TODAY, "cutoff": first_visit_cutoff(period)},
        ).all()
    columns = (
        "source",
        "period",
        "due_date",
        "status",
        "assignment_id",
        "officer_id",
        "entity_id",
        "jurisdiction_id",
        "place_id",
        "created_on",
    )
    with get_engine(url).begin() as connection:
        start = time.perf_counter()
        written = insert_rows(connection, "inspection_task", columns, rows)
    return time.perf_counter() - start, written


def _reset(url: str) -> None:
    from sqlalchemy import text

    from models.db import get_engine

    engine = get_engine(url)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE inspection_task RESTART IDENTITY CASCADE"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def county() -> dict:
    """Generation for the demo county on a new SQLite file."""
    from config.settings import configure

    configure(today=TODAY)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        _prepare(url, "county")
        _generate(url, "/warm-up/")  # imports, calendar, first connection: not generation
        first_s, first = _generate(url)
        rerun_s, _ = _generate(url)
        start = time.perf_counter()
        subprocess.run(
            [
                str(ROOT / "baobao"),
                "--db",
                url,
                "--today",
                TODAY.isoformat(),
                "tasks",
                "generate",
                "--period",
                "2026Q4",
            ],
            check=True,
            capture_output=True,
        )
        cli_s = time.perf_counter() - start
    return {
        "tasks": first["created"],
        "generate_s": round(first_s, 3),
        "rerun_s": round(rerun_s, 3),
        "cli_2026Q4_s": round(cli_s, 2),
        "target_s": 0.5,
        "ok": first_s <= 0.5,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def _measure_province(url: str) -> dict:
    from config.settings import configure

    configure(today=TODAY)
    _reset(url)
    floor_s, floor_rows = _copy_floor(url)
    _reset(url)
    gen_s, result = _generate(url)
    rerun_s, rerun = _generate(url)
    _reset(url)
    county_s, county_rows = _by_county(url)
    county_rerun_s, _ = _by_county(url)
    assert result["created"] == floor_rows == county_rows and rerun["created"] == 0
    ratio = gen_s / floor_s
    return {
        "tasks": result["created"],
        "copy_floor_s": round(floor_s, 2),
        "generate_s": round(gen_s, 2),
        "ratio": round(ratio, 2),
        "rerun_s": round(rerun_s, 2),
        "by_county_s": round(county_s, 2),
        "by_county_rerun_s": round(county_rerun_s, 2),
        "target_s": 30,
        "target_ratio": 2.0,
        "ok": gen_s <= 30 and ratio <= 2.0,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def province(schema: str | None = None) -> dict:
    """Generation for the demo province on PostgreSQL against the COPY floor; with schema, use
    that already filled schema (kept), else a new one (filled, then dropped)."""
    from bench.pg_schema import schema_url, scratch_schema

    if schema:
        return _measure_province(schema_url(schema))
    with scratch_schema() as url:
        start = time.perf_counter()
        _prepare(url, "province")
        demo_s = time.perf_counter() - start
        return {"demo_s": round(demo_s, 1), **_measure_province(url)}


BENCHES = {"county": county, "province": province}


def main(args: list[str]) -> None:
    schema = None
    if "--schema" in args:
        at = args.index("--schema")
        schema, args = args[at + 1], args[:at] + args[at + 2 :]
    for name in args or list(BENCHES):
        result = province(schema) if name == "province" else BENCHES[name]()
        print(f"{name:10s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
