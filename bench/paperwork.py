"""Benchmark: the paperwork of issue 17 on the demo county (SQLite), each against its target.

- visit: one 督导检查记录表 with two phone photos (12 MP JPEG) — target <= 1 s (warm: a process
  that has imported WeasyPrint, as the web app and the CLI's second record; cold: the first in
  a fresh process, import included);
- township: a township's quarter of visit records merged into one PDF, one distinct photo per
  visit — target <= 30 s;
- ledger: the 督导台账 of 100,000 visits — target <= 10 s;
- monthly: the county's 月报 (xlsx + docx) — target <= 5 s;
- annual: the county's annual summary (docx + pdf) — target <= 10 s.
The briefing (<= 5 s) is measured by bench/briefing.py. Wall and CPU seconds are printed with
the load average: on a busy machine the wall clock mostly measures the other processes.

Usage: .venv/bin/python bench/paperwork.py [visit] [township] [ledger] [monthly] [annual]
"""

import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.briefing import REPORT_DAY, cpu_seconds, prepare  # noqa: E402

LEDGER_VISITS = 100_000
TASKS = """
INSERT INTO inspection_task (source, period, due_date, status, assignment_id, officer_id,
  entity_id, jurisdiction_id, place_id, created_on, done_on)
SELECT 'routine', 'B' || n.n, date('2026-01-05', '+' || (n.n * 3) || ' days'), 'done', a.id,
  a.officer_id, a.entity_id, o.jurisdiction_id, e.jurisdiction_id, '2026-01-01',
  date('2026-01-05', '+' || (n.n * 3 - (a.id % 3)) || ' days')
FROM assignment a JOIN officer o ON o.id = a.officer_id JOIN entity e ON e.id = a.entity_id
JOIN (WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < :per)
      SELECT n FROM k) n
WHERE a.end_date IS NULL
"""
RECORDS = """
INSERT INTO inspection_record (task_id, officer_id, entity_id, visit_date, mode, answers,
  problems, photos, note, recorded_by, recorded_at)
SELECT t.id, t.officer_id, t.entity_id, t.done_on, CASE WHEN t.id % 4 = 0 THEN 'online'
  ELSE 'onsite' END,
  CASE WHEN t.id % 5 = 0 THEN '{"daily_control": "否", "purchase_check": "否", "licence_valid": "是"}'
       ELSE '{"daily_control": "是", "licence_valid": "是"}' END, '[]', '[]', NULL, 'bench',
  t.done_on || ' 10:00:00.000000'
FROM inspection_task t WHERE t.period LIKE 'B%'
"""
HAZARDS = """
INSERT INTO hazard (source, level, description, found_on, deadline, status, jurisdiction_id,
  entity_id, record_id, officer_id, closed_on)
SELECT 'inspection', 'general', '检查项不符合：是否落实日管控制度', r.visit_date,
  date(r.visit_date, '+21 days'), CASE WHEN r.id % 2 = 0 THEN 'closed' ELSE 'rectifying' END,
  e.jurisdiction_id, r.entity_id, r.id, r.officer_id,
  CASE WHEN r.id % 2 = 0 THEN date(r.visit_date, '+9 days') END
FROM inspection_record r JOIN entity e ON e.id = r.entity_id WHERE r.id % 5 = 0
"""


def _timed(work) -> dict:
    start, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    return {
        "s": round(time.perf_counter() - start, 2),
        "cpu_s": round(cpu_seconds() - cpu, 2),
        "result": result,
    }


def _session(url: str):
    from sqlmodel import Session

    from models.db import get_engine

    return Session(get_engine(url))


def _photo(seed: int) -> bytes:
    """A 12-megapixel phone JPEG, made distinct by a trailing comment (decode cost unchanged)."""
    if not hasattr(_photo, "base"):
        from PIL import Image, ImageDraw

        image = Image.new("RGB", (4000, 3000), "#7a9")
        ImageDraw.Draw(image).ellipse((500, 400, 3500, 2600), fill="#eed")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        _photo.base = out.getvalue()
    return _photo.base + f"baobao-bench-{seed}".encode()


def _with_photos(url: str, record_ids: list[int], per_visit: int) -> None:
    """Store distinct photos under the data directory and attach them to the records."""
    from services.core import evidence
    from services.core.evidence import check_content

    with _session(url) as session:
        from models.record import InspectionRecord

        for n, rid in enumerate(record_ids):
            photos = []
            for k in range(per_visit):
                file = check_content(filename=f"p{n}-{k}.jpg", content=_photo(n * 10 + k))
                evidence.store(file)
                photos.append({"sha256": file.sha256, "filename": file.filename, "size": file.size})
            session.get(InspectionRecord, rid).photos = photos
        session.commit()


def _county(folder: Path) -> str:
    from config.settings import configure

    url = f"sqlite:///{folder / 'bench.db'}"
    (folder / "bench.db").unlink(missing_ok=True)
    prepare(url)
    configure(database_url=url, today=REPORT_DAY, data_dir=folder / "data")
    return url


def visit(folder: Path, url: str) -> dict:
    from sqlalchemy import text

    from services.reporting.visit_print import print_task

    with _session(url) as session:
        rid, task = session.execute(
            text("SELECT id, task_id FROM inspection_record ORDER BY id LIMIT 1")
        ).one()
    _with_photos(url, [rid], 2)
    runs = []
    for n in range(3):  # the first pays the WeasyPrint import
        out = folder / f"v{n}"
        with _session(url) as session:
            runs.append(
                _timed(lambda s=session, o=out: print_task(session=s, task_id=task, out_dir=o))
            )
    return {
        "cold": {k: runs[0][k] for k in ("s", "cpu_s")},
        "warm": {k: runs[-1][k] for k in ("s", "cpu_s")},
    }


def township(folder: Path, url: str) -> dict:
    from sqlalchemy import text

    from services.reporting.visit_print import print_period

    with _session(url) as session:
        (code,) = session.execute(
            text(
                "SELECT j.code FROM jurisdiction j JOIN jurisdiction v ON v.parent_id = j.id "
                "JOIN entity e ON e.jurisdiction_id = v.id JOIN inspection_record r ON r.entity_id = e.id "
                "WHERE j.level = 'township' AND r.visit_date BETWEEN '2026-07-01' AND '2026-09-30' "
                "GROUP BY j.code ORDER BY COUNT(*) DESC LIMIT 1"
            )
        ).one()
        ids = (
            session.execute(
                text(
                    "SELECT r.id FROM inspection_record r JOIN entity e ON e.id = r.entity_id "
                    "JOIN jurisdiction v ON v.id = e.jurisdiction_id JOIN jurisdiction j ON j.id = v.parent_id "
                    "WHERE j.code = :c AND r.visit_date BETWEEN '2026-07-01' AND '2026-09-30'"
                ),
                {"c": code},
            )
            .scalars()
            .all()
        )
    _with_photos(url, list(ids), 1)
    with _session(url) as session:
        timed = _timed(
            lambda: print_period(
                session=session, period="2026Q3", jurisdiction=code, out_dir=folder / "t"
            )
        )
    files = timed.pop("result")["files"]
    return {
        **timed,
        "visits": sum(f["visits"] for f in files),
        "pdfs": len(files),
        "mb": round(sum(f["size"] for f in files) / 2**20, 1),
    }


def ledger(folder: Path, url: str) -> dict:
    from sqlalchemy import text

    from services.reporting.ledger import export_ledger

    with _session(url) as session:
        assignments = session.execute(
            text("SELECT COUNT(*) FROM assignment WHERE end_date IS NULL")
        ).scalar()
        per = -(
            -(
                LEDGER_VISITS
                - session.execute(text("SELECT COUNT(*) FROM inspection_record")).scalar()
            )
            // assignments
        )
        for sql in (TASKS, RECORDS, HAZARDS):
            session.execute(text(sql), {"per": per})
        session.commit()
    with _session(url) as session:
        timed = _timed(lambda: export_ledger(session=session, path=folder / "ledger.xlsx"))
    return {
        **{k: timed[k] for k in ("s", "cpu_s")},
        "visits": timed["result"]["visits"],
        "mb": round((folder / "ledger.xlsx").stat().st_size / 2**20, 1),
    }


def monthly(folder: Path, url: str) -> dict:
    from services.reporting.monthly import produce

    with _session(url) as session:
        timed = _timed(lambda: produce(session=session, month="2026-09", out_dir=folder / "m"))
    return {k: timed[k] for k in ("s", "cpu_s")}


def annual(folder: Path, url: str) -> dict:
    from services.reporting.annual import produce

    with _session(url) as session:
        timed = _timed(lambda: produce(session=session, year="2026", out_dir=folder / "a"))
    return {k: timed[k] for k in ("s", "cpu_s")}


BENCHES = {
    "visit": visit,
    "township": township,
    "monthly": monthly,
    "annual": annual,
    "ledger": ledger,
}
TARGETS = {"visit": 1, "township": 30, "ledger": 10, "monthly": 5, "annual": 10}


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = _county(folder)
        for name in names or list(BENCHES):  # the ledger last: it adds 100,000 visits
            result = BENCHES[name](folder, url)
            result["target_s"], result["load_average"] = TARGETS[name], round(os.getloadavg()[0], 2)
            print(f"{name:9s}{json.dumps(result, ensure_ascii=False, default=str)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
