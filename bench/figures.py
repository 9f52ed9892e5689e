"""Benchmarks of the figures on the demo province (PostgreSQL, schema bench_province, read only).

- quarter: every quarter figure of 2026Q3 (as of 2026-09-22) for every county of the province,
  every township of each included: services.figures.quarter_figures per county plus each
  county's 往期逾期 (what the dashboard, briefing and ranking read), the counties split over two
  connections (the machine's two cores). Target: <= 20 s in all; client and database CPU
  seconds are quoted beside the wall time.
- dashboard: the county office dashboard (GET /office) under 50 concurrent clients (one asyncio
  httpx process), each signed in as the 督办 of a different county (server-side sessions in a
  scratch schema in front of the province, cookies signed with the server's key). Target: paced
  p95 <= 100 ms. Measured twice: with the figures remembered [dashboard] remember_seconds = 30
  (what is configured: --seconds of load, default 90, so every office is counted again about
  every 30 s within it) and counted on every request (0). The server (uvicorn, one worker),
  PostgreSQL and the clients share the machine.

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
from bench.web import CLIENTS, TODAY, _option, _serve, session_cookies  # noqa: E402
from bench.web_load import cpu_seconds, load, peak_mb, uptime  # noqa: E402
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
    """Session cookies of CLIENTS county 督办 of different counties: their server-side
    sessions are rows of the scratch schema in front of the province (bench.web.session_cookies)."""
    from sqlalchemy import select
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.jurisdiction import Jurisdiction
    from models.user import User

    settings.configure(database_url=url, today=TODAY, secret_key=key)
    with Session(get_engine(url)) as session:
        offices = session.execute(
            select(User, Jurisdiction)
            .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
            .where(Jurisdiction.level == "county", User.role == "supervisor", User.active)
            .distinct(Jurisdiction.id)
            .order_by(Jurisdiction.id, User.id)
            .limit(CLIENTS)
        ).all()
    if len(offices) < CLIENTS:
        raise SystemExit("the schema has too few county offices")
    return session_cookies(url, key, [tuple(row) for row in offices])


def _policy_dir(tmp: str, remember_seconds: int) -> str:
    """A copy of config/ whose [dashboard] remember_seconds is the given value."""
    import re
    import shutil

    folder = Path(tmp) / f"config_{remember_seconds}"
    shutil.copytree(ROOT / "config", folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = folder / "policy.toml"
    text = re.sub(
        r"(?m)^remember_seconds = \d+", f"remember_seconds = {remember_seconds}", policy.read_text()
    )
    policy.write_text(text)
    return str(folder)


def _one_server(
    url: str, key: str, cookies: list[dict], seconds: float, remember: int, tmp: str
) -> dict:
    """The dashboard of every office on a server remembering figures `remember` seconds: each
    office opened once in turn (the counting a user waits for when nothing is remembered), then
    every office about once a second for `seconds`."""
    import httpx

    port = free_port()
    env = {"BAOBAO_CONFIG_DIR": _policy_dir(tmp, remember)}
    server = _serve(url, f"{tmp}/data_{remember}", port, key, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        counted = []
        with httpx.Client(base_url=base, timeout=120) as client:
            for cookie in cookies:
                start = time.perf_counter()
                response = client.get("/office", cookies=cookie)
                if response.status_code != 200:
                    raise SystemExit(f"GET /office answered {response.status_code}, not 200")
                counted.append((time.perf_counter() - start) * 1000)
        counted.sort()
        cpu = lambda: cpu_seconds(server.pid)  # noqa: E731
        return {
            "remember_seconds": remember,
            "uptime_before": uptime(),
            "counting_one_office_ms": {
                "p50": round(counted[len(counted) // 2], 1),
                "p95": round(counted[int(len(counted) * 0.95) - 1], 1),
                "max": round(counted[-1], 1),
            },
            "paced_1_per_s": load(base, cookies, seconds, paced=True, cpu=cpu, path="/office"),
            "server_peak_mb": peak_mb(server.pid),
            "uptime_after": uptime(),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def dashboard(url: str, seconds: float) -> dict:
    """GET /office of 50 county offices, each about once a second (target: p95 <= 100 ms), on
    a server remembering the figures [dashboard] remember_seconds (30; `seconds` of load, so
    that each office is counted again about every 30 s) and on one counting every request (0;
    a quarter of that time: it cannot keep up, the queue only grows)."""
    from bench.pg_schema import overlay_schema
    from models.sign_in import LoginFailure, SignIn

    key = secrets.token_hex(32)
    base_schema = url.rsplit("%3D", 1)[1]
    with overlay_schema(base_schema, [SignIn.__table__, LoginFailure.__table__]) as front:
        cookies = _office_cookies(front, key)
        with tempfile.TemporaryDirectory() as tmp:
            return {
                "clients": len(cookies),
                "remembered": _one_server(front, key, cookies, seconds, 30, tmp),
                "counted_every_time": _one_server(front, key, cookies, seconds / 4, 0, tmp),
            }


def main(argv: list[str]) -> None:
    seconds, argv = _option(argv, "--seconds", "90")
    schema, argv = _option(argv, "--schema", PROVINCE)
    if not schema.isidentifier():
        raise SystemExit(f"not a schema name: {schema!r}")
    with at_head(schema) as url:
        for name in argv or ["quarter", "dashboard"]:
            result = quarter(url) if name == "quarter" else dashboard(url, float(seconds))
            print(f"{name:9s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
