"""Benchmark: export the two lists (风险隐患清单 + 治理责任清单) with 100,000 hazards.

Usage: .venv/bin/python bench/lists.py [--hazards N] [--db sqlite|postgresql]
Target (issue 5): <= 10 s for 100,000 hazards. Prints the service's wall and CPU time (CPU
time is what a busy shared machine cannot inflate), the end-to-end `./baobao lists export`
time, and re-reads the workbook to check its row counts.
"""

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg_schema import scratch_schema  # noqa: E402

LEVELS = ("major", "serious", "general")
SOURCES = ("inspection", "inspection", "inspection", "sampling", "complaint", "other")
STATUSES = ("pending", "rectifying", "awaiting_verification", "closed", "closed")
COLUMNS = (
    "id",
    "source",
    "level",
    "description",
    "found_on",
    "responsible_unit",
    "responsible_person",
    "measure",
    "deadline",
    "status",
    "jurisdiction_id",
    "entity_id",
    "officer_id",
    "closed_on",
)


def hazard_rows(connection, count: int, seed: int = 5):
    """count hazard rows spread over the demo county's entities, found in 2026 Q1–Q3."""
    from sqlalchemy import text

    from services.core.calendar import add_workdays

    rng = random.Random(seed)
    entities = connection.execute(
        text(
            "SELECT e.id, e.jurisdiction_id, a.officer_id, e.name FROM entity e "
            "JOIN assignment a ON a.entity_id = e.id AND a.end_date IS NULL"
        )
    ).all()
    days = [dt.date(2026, 1, 5) + dt.timedelta(days=i) for i in range(260)]
    for i in range(1, count + 1):
        entity_id, jurisdiction_id, officer_id, name = rng.choice(entities)
        level, status, found = rng.choice(LEVELS), rng.choice(STATUSES), rng.choice(days)
        deadline = add_workdays(found, {"major": 5, "serious": 10, "general": 15}[level])
        closed = found + dt.timedelta(days=rng.randrange(1, 40)) if status == "closed" else None
        yield (
            i,
            rng.choice(SOURCES),
            level,
            f"{name}：进货查验记录不全，第{i}项",
            found,
            "石源镇市场监管所",
            "张三",
            "督促主体限期整改，整改完成后提交整改材料申请验收",
            deadline,
            status,
            jurisdiction_id,
            entity_id,
            officer_id,
            closed,
        )


def prepare(url: str, count: int) -> float:
    """Migrate, fill the demo county and bulk-insert count hazards; returns seconds taken."""
    from models.db import get_engine
    from services.core.bulk import insert_rows, reset_sequences
    from services.core.schema import upgrade
    from services.demo import dataset as demo

    start = time.perf_counter()
    engine = get_engine(url)
    upgrade(engine=engine)
    demo.fill(engine=engine, scale="county", seed=2)
    with engine.begin() as connection:
        insert_rows(connection, "hazard", COLUMNS, hazard_rows(connection, count))
        reset_sequences(connection, ["hazard"])
    return time.perf_counter() - start


def measure(url: str, out: Path) -> dict:
    """Time the export service in this process, then the CLI end to end."""
    from sqlmodel import Session

    from config.settings import configure
    from models.db import get_engine
    from services.reporting.lists import export_lists

    configure(database_url=url, today=dt.date(2026, 10, 12))
    start, cpu = time.perf_counter(), time.process_time()
    with Session(get_engine(url)) as session:
        result = export_lists(session=session, path=out)
    service_s, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    subprocess.run(
        [
            str(ROOT / "baobao"),
            "--db",
            url,
            "--today",
            "2026-10-12",
            "lists",
            "export",
            str(out.with_name("cli.xlsx")),
        ],
        check=True,
        capture_output=True,
    )
    cli_s = time.perf_counter() - start
    return {
        "hazards": result["hazards"],
        "service_s": round(service_s, 2),
        "service_cpu_s": round(cpu_s, 2),
        "cli_s": round(cli_s, 2),
        "file_mb": round(out.stat().st_size / 2**20, 1),
    }


def check(path: Path, count: int) -> None:
    """Re-read the workbook: openpyxl sees the sheets, headers and dimensions, and a streaming
    XML parse counts the body rows of each sheet."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    for name in ("风险隐患清单", "治理责任清单"):
        assert wb[name].max_row == count + 3, (name, wb[name].max_row)
        assert next(wb[name].iter_rows(min_row=3, max_row=3, values_only=True))[0] == "序号"
    wb.close()
    with zipfile.ZipFile(path) as z:
        for n in (1, 2):
            with z.open(f"xl/worksheets/sheet{n}.xml") as sheet:
                rows = sum(1 for _, el in iterparse(sheet) if el.tag.endswith("}row"))
            assert rows == count + 3, (n, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hazards", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = f"sqlite:///{tmp}/bench.db"
        if args.db == "postgresql":
            url = stack.enter_context(scratch_schema())
        prepare_s = prepare(url, args.hazards)
        result = measure(url, Path(tmp) / "lists.xlsx")
        check(Path(tmp) / "lists.xlsx", args.hazards)
    result = {"db": args.db, "prepare_s": round(prepare_s, 1), **result, "target_s": 10}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
