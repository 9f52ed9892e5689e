"""Benchmarks of the figures on the demo province (PostgreSQL, schema bench_province, read only).

- quarter: every quarter figure of 2026Q3 (as of 2026-09-22) for every county of the province,
  every township of each included: services.figures.quarter_figures per county plus each
  county's 往期逾期 (what the dashboard, briefing and ranking read), the counties split over two
  connections (the machine's two cores). Target: <= 20 s in all; client and database CPU
  seconds are quoted beside the wall time.
- dashboard: the county office dashboard (GET /office) under 50 concurrent clients, each signed
  in as the 督办 of a different county (session cookies signed with the server's key, nothing
  written). Target: paced p95 <= 100 ms.

When bench_province is behind this checkout's migrations it is copied to a scratch schema and
migrated there first (bench.pg_schema.at_head); the copy is not timed.

Usage: .venv/bin/python bench/figures.py [quarter] [dashboard] [--seconds N] [--schema NAME]

--schema NAME reads another kept schema of the test database holding the demo province.
"""

import json
import os
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg_schema import PROVINCE, at_head  # noqa: E402
from bench.web import CLIENTS, TODAY, _option, _serve  # noqa: E402
from bench.web_load import cpu_seconds, load  # noqa: E402
from tests.support.waiting import free_port  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _counties(url: str, codes: list[str]) -> tuple[int, int, float]:
    """quarter_figures and 往期逾期 of these counties on one connection: (tasks due, townships,
    database CPU seconds)."""
    from sqlalchemy import text
    from sqlmodel import Session

    from models.db import get_engine
    from services.core.jurisdictions import places, resolve_scope
    from services.core.periods import quarter as parse_quarter
    from services.figures import quarter_figures
    from services.figures.dashboard import earlier_overdue

    q, tasks, towns = parse_quarter("2026Q3"), 0, 0
    with Session(get_engine(url)) as session:
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db_cpu = cpu_seconds(backend)
        for code in codes:
            figures = quarter_figures(session=session, quarter=q, jurisdiction_code=code)
            root = resolve_scope(session=session, code=code)
            earlier_overdue(
                session=session,
                scope_path=root.path,
                where=places(session=session, root=root),
                before=q.start,
                today=TODAY,
            )
            tasks += figures["tasks"]["all"]["due"]
            towns += len(figures["townships"])
        return tasks, towns, cpu_seconds(backend) - db_cpu


def quarter(url: str, workers: int = 2) -> dict:
    """Every county's 2026Q3 figures, on as many connections as the machine has cores
    (target: <= 20 s)."""
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import text
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine

    settings.configure(database_url=url, today=TODAY)
    with Session(get_engine(url)) as session:
        counties = list(
            session.execute(
                text("SELECT code FROM jurisdiction WHERE level = 'county' ORDER BY code")
            ).scalars()
        )
    start, cpu = time.perf_counter(), _cpu()
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda i: _counties(url, counties[i::workers]), range(workers)))
    wall = time.perf_counter() - start
    return {
        "counties": len(counties),
        "townships": sum(p[1] for p in parts),
        "tasks_due": sum(p[0] for p in parts),
        "connections": workers,
        "seconds": round(wall, 1),
        "client_cpu_seconds": round(_cpu() - cpu, 1),
        "database_cpu_seconds": round(sum(p[2] for p in parts), 1),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _office_cookies(url: str, key: str) -> list[dict]:
    """Session cookies of CLIENTS county 督办 of different counties (read only)."""
    from sqlalchemy import text
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from services.core import links
    from web.sessions import COOKIE

    settings.configure(database_url=url, today=TODAY, secret_key=key)
    with Session(get_engine(url)) as session:
        users = session.execute(
            text(
                "SELECT DISTINCT ON (j.id) u.id, u.role, u.password_hash FROM app_user u "
                "JOIN jurisdiction j ON j.id = u.jurisdiction_id WHERE j.level = 'county' "
                "AND u.active ORDER BY j.id, u.id LIMIT :n"
            ),
            {"n": CLIENTS},
        ).all()
    if len(users) < CLIENTS:
        raise SystemExit("the schema has too few county offices")
    return [
        {
            COOKIE: links.sign(
                links.SESSION,
                {"k": role, "i": uid, "pv": links.password_version(pw), "c": links.new_csrf()},
            )
        }
        for uid, role, pw in users
    ]


def dashboard(url: str, seconds: float) -> dict:
    """GET /office of 50 county offices (target: paced p95 <= 100 ms), each office's dashboard
    opened once first (the first opening counts; later ones within [dashboard]
    remember_seconds are remembered)."""
    import httpx

    key = secrets.token_hex(32)
    cookies = _office_cookies(url, key)
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = _serve(url, f"{tmp}/data", port, key)
        base = f"http://127.0.0.1:{port}"
        try:
            first = []
            for cookie in cookies:
                start = time.perf_counter()
                httpx.get(f"{base}/office", cookies=cookie, timeout=120).raise_for_status()
                first.append((time.perf_counter() - start) * 1000)
            cpu = lambda: cpu_seconds(server.pid)  # noqa: E731
            return {
                "clients": len(cookies),
                "load_average": round(os.getloadavg()[0], 1),
                "first_opening_ms": {
                    "median": round(sorted(first)[len(first) // 2], 1),
                    "max": round(max(first), 1),
                },
                "paced_1_per_s": load(base, cookies, seconds, paced=True, cpu=cpu, path="/office"),
                "saturated": load(base, cookies, seconds / 2, paced=False, cpu=cpu, path="/office"),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)


def main(argv: list[str]) -> None:
    seconds, argv = _option(argv, "--seconds", "30")
    schema, argv = _option(argv, "--schema", PROVINCE)
    if not schema.isidentifier():
        raise SystemExit(f"not a schema name: {schema!r}")
    with at_head(schema) as url:
        for name in argv or ["quarter", "dashboard"]:
            result = quarter(url) if name == "quarter" else dashboard(url, float(seconds))
            print(f"{name:9s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
