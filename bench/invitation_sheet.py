"""Benchmark: the printed invitation sheet of issue 16 — every officer of the demo county
(about 1,500, none with mail reaching them) invited at once, their links made and audited and
the A4 sheet with one QR code each rendered to PDF. Target <= 30 s. The sheet is laid out in
parts by worker processes, one per processor (reports.invitation_sheet); --parts 1 lays it out
in this process alone, for comparison. Wall and CPU seconds (this process and its workers) are
printed with the load averages: on a busy machine the wall clock mostly measures the others.

Usage: .venv/bin/python bench/invitation_sheet.py [--parts N]
"""

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.briefing import cpu_seconds  # noqa: E402

TODAY = "2026-09-22"


def run(parts: int | None = None) -> dict:
    """A demo county on SQLite, then the sheet of all its officers, timed."""
    import datetime as dt

    from sqlmodel import Session

    from config.settings import configure
    from models.db import get_engine
    from services.accounts.invitation_batch import invitation_sheet, invite_officers
    from services.core import schema
    from services.core.jurisdictions import resolve_scope
    from services.demo import dataset as demo

    with tempfile.TemporaryDirectory(prefix="baobao-bench-") as tmp:
        url = f"sqlite:///{tmp}/county.db"
        configure(
            database_url=url,
            today=dt.date.fromisoformat(TODAY),
            data_dir=Path(tmp) / "data",
            base_url="https://baobao.example.gov.cn",
        )
        engine = get_engine(url)
        schema.upgrade(engine=engine)
        demo.fill(engine=engine, scale="county", seed=2)
        from reports.render_pdf import weasyprint_html

        weasyprint_html()  # the import the web app and the CLI have paid already
        wall, cpu = time.perf_counter(), cpu_seconds()
        with Session(engine) as session:
            county = resolve_scope(session=session).code
            batch = invite_officers(
                session=session, jurisdiction=county, tier=None, actor="bench", by_mail=False
            )
            session.commit()
        links_wall, links_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        pdf = invitation_sheet(batch=batch, parts=parts)
        total_wall, total_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        path = Path(tmp) / "sheet.pdf"
        path.write_bytes(pdf)
        pages = int(
            next(
                line.split()[-1]
                for line in os.popen(f"pdfinfo {path}").read().splitlines()
                if line.startswith("Pages")
            )
        )
    return {
        "officers": len(batch.on_sheet),
        "pages": pages,
        "links_seconds": round(links_wall, 2),
        "links_cpu_seconds": round(links_cpu, 2),
        "seconds": round(total_wall, 2),
        "cpu_seconds": round(total_cpu, 2),
        "target_seconds": 30,
        "parts": parts or "one per processor",
        "pdf_bytes": len(pdf),
        "peak_mb": {
            "bench": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "largest_worker": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
        },
        "uptime": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


if __name__ == "__main__":
    argv = sys.argv[1:]
    count = int(argv[argv.index("--parts") + 1]) if "--parts" in argv else None
    print(json.dumps(run(count), ensure_ascii=False, indent=2))
