"""Handover benchmark (never part of make test): an officer with 500 entities handed over.

Usage: .venv/bin/python bench/handover.py [sqlite] [postgresql]

On the demo county (SQLite file, or a scratch PostgreSQL schema) an extra village officer BHX0001
holds 500 entities of one village, with their 2026Q3 tasks and 100 open hazards; BHX0002 is a
colleague of the same village. Measured: the service call (`hand_over`: 500 assignments ended and
opened, 500 tasks handed over, 100 hazards moved, audit and messages; target ≤ 1 s) and the
whole command `./baobao roster handover --json` (start-up included).
"""

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = "2026-09-22"
ENTITIES, HAZARDS = 500, 100


def _baobao(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "baobao"), "--db", url, "--today", TODAY, *args],
        check=True,
        capture_output=True,
        text=True,
    )


def _prepare(url: str) -> None:
    """Demo county, the 500 entities of BHX0001, the quarter's tasks and 100 hazards."""
    from sqlalchemy import text
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from services.core.bulk import insert_rows
    from services.hazards.create import add_hazard
    from services.tasks.generation import generate_routine_tasks

    _baobao(url, "init")
    _baobao(url, "demo", "--scale", "county")
    settings.configure(today=dt.date.fromisoformat(TODAY))
    engine = get_engine(url)
    with Session(engine) as session:
        village = session.execute(
            text("SELECT id, code FROM jurisdiction WHERE level = 'village' ORDER BY code LIMIT 1")
        ).one()
        top = {
            t: session.execute(text(f"SELECT MAX(id) FROM {t}")).scalar()
            for t in ("officer", "entity", "assignment")
        }
        connection = session.connection()
        insert_rows(
            connection,
            "officer",
            ("id", "code", "name", "tier", "mobile", "email", "jurisdiction_id", "active"),
            [
                (
                    top["officer"] + n,
                    f"BHX000{n}",
                    f"交接{n}",
                    "village",
                    f"1990000000{n}",
                    f"bhx{n}@example.cn",
                    village.id,
                    True,
                )
                for n in (1, 2, 3)
            ],
        )
        insert_rows(
            connection,
            "entity",
            (
                "id",
                "licence_no",
                "name",
                "category",
                "package_grade",
                "status",
                "jurisdiction_id",
                "active",
            ),
            [
                (
                    top["entity"] + n,
                    f"JY2{village.code[:6]}9{n:05d}0",
                    f"交接测试小吃店{n}号",
                    "小餐饮",
                    "D",
                    "operating",
                    village.id,
                    True,
                )
                for n in range(1, ENTITIES + 1)
            ],
        )
        insert_rows(
            connection,
            "assignment",
            ("id", "officer_id", "entity_id", "start_date"),
            [
                (top["assignment"] + n, top["officer"] + 1, top["entity"] + n, dt.date(2026, 1, 5))
                for n in range(1, ENTITIES + 1)
            ],
        )
        from services.core.bulk import reset_sequences

        reset_sequences(connection, ("officer", "entity", "assignment"))
        generate_routine_tasks(session=session)
        for n in range(1, HAZARDS + 1):
            add_hazard(
                session=session,
                source="其他",
                description=f"交接测试隐患{n}",
                level="一般",
                entity_key=f"JY2{village.code[:6]}9{n:05d}0",
                actor="bench",
            )
        session.commit()
    engine.dispose()


def _measure(url: str) -> dict:
    """BHX0001 → BHX0002 from 09-15 by the command, then BHX0002 → BHX0003 by the service."""
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from services.roster.handover import hand_over

    start = time.perf_counter()
    args = ("roster", "handover", "--from", "BHX0001", "--to", "BHX0002", "--date", "2026-09-15")
    by_command = json.loads(_baobao(url, *args, "--json").stdout)
    command_s = time.perf_counter() - start
    settings.configure(today=dt.date.fromisoformat(TODAY))
    engine = get_engine(url)
    with Session(engine) as session:
        start = time.perf_counter()
        result = hand_over(session=session, from_code="BHX0002", to_code="BHX0003", actor="bench")
        session.commit()
        service_s = time.perf_counter() - start
    engine.dispose()
    return {
        "assignments": result["assignments"],
        "tasks_moved": result["tasks_moved"],
        "hazards_moved": result["hazards_moved"],
        "service_s": round(service_s, 3),
        "command_s": round(command_s, 3),
        "command_moved": [by_command[k] for k in ("assignments", "tasks_moved", "hazards_moved")],
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


@contextmanager
def _database(kind: str):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/handover.db"
        return
    from bench.pg_schema import scratch_schema

    with scratch_schema() as url:
        yield url


def main(argv: list[str]) -> None:
    for kind in argv or ["sqlite", "postgresql"]:
        with _database(kind) as url:
            _prepare(url)
            result = _measure(url)
        print(f"handover-{kind:10s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
