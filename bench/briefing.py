"""Benchmark: the demo county's quarterly briefing in all three formats (target <= 5 s).

Builds a demo county on SQLite, generates the routine tasks of 2026Q2 and 2026Q3, records a
realistic share of the visits and opens hazards from them (set-based SQL, deterministic), then
times `services.reporting.briefing.document.produce` for 2026Q3 (figures, ranking, charts, DOCX, PDF, HTML) as
the scheduled flow runs it on the report day, 2026-10-13: once in a fresh process (cold: it
pays the import of WeasyPrint, ~0.4 s of CPU) and once more in the same process (warm, as in
the long-running scheduler). Wall and CPU seconds are both reported: on a busy machine the wall
clock mostly measures the other processes (load average shown). CPU seconds include child
processes, so a renderer that shells out cannot hide its cost.

Usage: .venv/bin/python bench/briefing.py [--keep DIR]   (DIR keeps the database and files)
"""

import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORT_DAY = dt.date(2026, 10, 13)
QUARTERS = (("2026Q2", dt.date(2026, 4, 1)), ("2026Q3", dt.date(2026, 7, 1)))

# Visits: 70–94 % done depending on the township; one in 13 done late.
VISITS = """
UPDATE inspection_task SET status = 'done',
  done_on = CASE WHEN id % 13 = 0 THEN date(due_date, '+' || (id % 9 + 1) || ' days')
                 ELSE date(due_date, '-' || (id % 80) || ' days') END
WHERE period = :period AND (id * 7919) % 100 < 70 + (jurisdiction_id % 7) * 4
"""
RECORDS = """
INSERT INTO inspection_record (task_id, officer_id, entity_id, visit_date, mode, answers,
  problems, photos, note, recorded_by, recorded_at)
SELECT t.id, t.officer_id, t.entity_id, t.done_on, 'onsite', '{}', '[]', '[]', NULL, 'bench',
  t.done_on || ' 10:00:00.000000'
FROM inspection_task t WHERE t.period = :period AND t.status = 'done'
"""
HAZARDS = """
INSERT INTO hazard (source, level, description, found_on, deadline, status, jurisdiction_id,
  entity_id, record_id, officer_id, closed_on, responsible_unit, responsible_person, measure)
SELECT CASE WHEN t.id % 41 = 0 THEN 'sampling' WHEN t.id % 43 = 0 THEN 'complaint'
            ELSE 'inspection' END,
  CASE WHEN t.id % 10 = 0 THEN 'major' WHEN t.id % 10 < 4 THEN 'serious' ELSE 'general' END,
  CASE WHEN t.id % 10 = 0 THEN '后厨发现过期原料，未落实进货查验' WHEN t.id % 10 < 4
       THEN '未按规定配备食品安全员' ELSE '日管控记录不全' END,
  t.done_on, date(t.done_on, '+' || (CASE WHEN t.id % 10 = 0 THEN 7 WHEN t.id % 10 < 4
       THEN 14 ELSE 21 END) || ' days'),
  CASE WHEN t.id % 5 = 0 THEN 'rectifying' ELSE 'closed' END,
  e.jurisdiction_id, t.entity_id, r.id, t.officer_id,
  CASE WHEN t.id % 5 = 0 THEN NULL ELSE date(t.done_on, '+' || (t.id % 25 + 1) || ' days') END,
  '市场监管所', o.name, '限期整改'
FROM inspection_task t JOIN inspection_record r ON r.task_id = t.id
JOIN entity e ON e.id = t.entity_id JOIN officer o ON o.id = t.officer_id
WHERE t.period = :period AND (t.id % 6 = 0 OR t.id % 41 = 0 OR t.id % 43 = 0)
"""


def prepare(url: str) -> None:
    """A demo county with two quarters of tasks, visits and hazards."""
    from sqlalchemy import text
    from sqlmodel import Session

    from config.settings import configure
    from models.db import get_engine
    from services.core import schema
    from services.demo import dataset as demo
    from services.tasks.generation import generate_routine_tasks

    engine = get_engine(url)
    schema.upgrade(engine=engine)
    demo.fill(engine=engine, scale="county", seed=2)
    for period, start in QUARTERS:
        configure(database_url=url, today=start)
        with Session(engine) as session:
            generate_routine_tasks(session=session, period=period)
            for sql in (VISITS, RECORDS, HAZARDS):
                session.execute(text(sql), {"period": period})
            session.commit()


def run(keep: str | None = None) -> dict:
    """Prepare the data, then time one briefing in docx, pdf and html."""
    from config.settings import configure

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{folder / 'bench.db'}"
        (folder / "bench.db").unlink(missing_ok=True)
        prepare(url)
        configure(database_url=url, today=REPORT_DAY, data_dir=folder / "data")
        from sqlmodel import Session

        from models.db import get_engine
        from services.reporting.briefing import document as briefing

        timings = []
        for run_dir in ("cold", "warm"):  # warm: a second briefing in the same process
            start, cpu = time.perf_counter(), cpu_seconds()
            with Session(get_engine(url)) as session:
                result = briefing.produce(
                    session=session,
                    quarter="2026Q3",
                    formats=["docx", "pdf", "html"],
                    out_dir=folder / "out" / run_dir,
                )
                session.commit()
            timings.append((time.perf_counter() - start, cpu_seconds() - cpu))
        load, pages = os.getloadavg()[0], _pages(result)
        (seconds, cpu), (warm_s, warm_cpu) = timings
    return {
        "briefing_s": round(seconds, 2),
        "briefing_cpu_s": round(cpu, 2),
        "warm_s": round(warm_s, 2),
        "warm_cpu_s": round(warm_cpu, 2),
        "load_average": round(load, 1),
        "pages_pdf": pages,
        "files": [Path(f["path"]).name for f in result["files"]],
    }


def cpu_seconds() -> float:
    """CPU seconds of this process and its children (the wall clock counts other processes)."""
    return sum(
        u.ru_utime + u.ru_stime
        for u in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def _pages(result: dict) -> int | None:
    import subprocess

    pdf = next(f["path"] for f in result["files"] if f["format"] == "pdf")
    try:
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return None
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))


if __name__ == "__main__":
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    print(run(keep))
