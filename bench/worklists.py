"""Benchmark of the supervisor lists on the demo province (PostgreSQL, schema bench_province,
read-only): the filtered overdue task list and the hazard list under 50 supervisors, and the
export of 100,000 filtered rows.

The province has no hazards, so a scratch schema holds a `hazard` table (the province's shape,
filled from its entities and officers) in front of bench_province on the search path; nothing
is written to bench_province. The clock is 2026-10-12, so the 2026Q3 routine tasks are overdue.

- lists: the web app in its own process (uvicorn, one worker), 50 supervisors (county and
  township offices) with session cookies, each opening every ~1 s in turn: 逾期 tasks filtered by
  township or tier or searched, and the open hazards filtered by 隐患等级 or status;
  target p95 <= 100 ms;
- export: the filtered open hazards of the province (about 100,000) and a city's overdue tasks,
  written by the service; target <= 10 s for 100,000 rows (wall and CPU seconds).

Usage: .venv/bin/python bench/worklists.py [lists] [export] [--seconds N] [--hazards N]
"""

import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg_schema import PROVINCE, schema_url  # noqa: E402
from bench.web_load import cpu_seconds, load  # noqa: E402
from tests.support.waiting import free_port  # noqa: E402

TODAY = "2026-10-12"
CLIENTS = 50


def _hazards(schema: str, count: int) -> None:
    """schema.hazard: count hazards of the province's entities, 5 in 8 still open."""
    from sqlalchemy import create_engine, text

    from config.settings import get_settings

    admin = create_engine(get_settings().test_pg_url)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
        c.execute(text(f"CREATE TABLE {schema}.hazard (LIKE {PROVINCE}.hazard INCLUDING ALL)"))
        c.execute(
            text(f"""
            INSERT INTO {schema}.hazard (source, level, description, found_on, responsible_unit,
                responsible_person, measure, deadline, status, jurisdiction_id, entity_id,
                officer_id, closed_on)
            SELECT (ARRAY['inspection','inspection','sampling','complaint','other'])[1 + n % 5],
                   (ARRAY['general','general','serious','major'])[1 + n % 4],
                   e.name || '：进货查验记录不全', DATE '2026-07-01' + (n % 90),
                   '市场监管所', '负责人', '限期整改', DATE '2026-07-15' + (n % 90),
                   (ARRAY['pending','rectifying','awaiting_verification','pending','rectifying',
                          'pending','closed','closed'])[1 + n % 8],
                   e.jurisdiction_id, e.id, a.officer_id,
                   CASE WHEN n % 8 >= 6 THEN DATE '2026-09-01' + (n % 30) END
            FROM (SELECT id, name, jurisdiction_id, (row_number() OVER (ORDER BY md5(id::text)))::int AS n
                  FROM {PROVINCE}.entity) e
            JOIN {PROVINCE}.assignment a ON a.entity_id = e.id AND a.end_date IS NULL
            WHERE e.n <= :count"""),
            {"count": count},
        )
        c.execute(text(f"ANALYZE {schema}.hazard"))
    admin.dispose()


def _drop(schema: str) -> None:
    from sqlalchemy import create_engine, text

    from config.settings import get_settings

    admin = create_engine(get_settings().test_pg_url)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _supervisors(url: str, key: str) -> tuple[list[dict], list[list[str]]]:
    """Cookies of 25 county and 25 township supervisors, and each one's list URLs."""
    from sqlalchemy import select
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.jurisdiction import Jurisdiction
    from models.user import User
    from services.core import links
    from web.sessions import COOKIE

    settings.configure(database_url=url, secret_key=key, today=TODAY)  # signed on the bench day
    rng = random.Random(16)
    cookies, paths = [], []
    with Session(get_engine(url)) as session:
        for level in ("county", "township"):
            rows = session.execute(
                select(User.id, User.password_hash, Jurisdiction.code, Jurisdiction.path)
                .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
                .where(User.role == "supervisor", Jurisdiction.level == level)
                .order_by(User.id)
                .limit(CLIENTS // 2)
            ).all()
            for user_id, password_hash, code, path in rows:
                claims = {
                    "k": "supervisor",
                    "i": user_id,
                    "pv": links.password_version(password_hash),
                }
                cookies.append(
                    {COOKIE: links.sign(links.SESSION, {**claims, "c": links.new_csrf()})}
                )
                below = (
                    session.execute(
                        select(Jurisdiction.code)
                        .where(Jurisdiction.path.like(f"{path}%"), Jurisdiction.code != code)
                        .limit(20)
                    )
                    .scalars()
                    .all()
                )
                town = rng.choice(below) if below else code
                paths.append(
                    [
                        "/office/tasks?status=overdue",
                        f"/office/tasks?status=overdue&township={town}",
                        "/office/tasks?status=overdue&tier=village&sort=entity",
                        "/office/tasks?status=overdue&q=饭店",
                        "/office/hazards?status=open",
                        "/office/hazards?status=open&level=major",
                        f"/office/hazards?status=overdue&township={town}&sort=level",
                        "/office/hazards?status=awaiting_verification&page=2",
                    ]
                )
    return cookies, paths


def _serve(url: str, data_dir: str, port: int, key: str):
    """The app in its own process (uvicorn, one worker) on the bench clock."""
    import subprocess

    import httpx

    env = {
        **os.environ,
        "BAOBAO_DATABASE_URL": url,
        "BAOBAO_TODAY": TODAY,
        "BAOBAO_DATA_DIR": data_dir,
        "BAOBAO_SECRET_KEY": key,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120  # a loaded machine starts slowly
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError("the web app did not start")


def lists(url: str, seconds: float) -> dict:
    """The lists under 50 supervisors opening a page about once a second (target p95 100 ms)."""
    key = secrets.token_hex(32)
    cookies, paths = _supervisors(url, key)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = _serve(url, f"{tmp}/data", port, key)
        try:
            base = f"http://127.0.0.1:{port}"
            load(base, cookies[:5], 5, paced=False, paths=paths[:5])  # warm-up
            cpu = lambda: cpu_seconds(server.pid)  # noqa: E731
            return {
                "clients": len(cookies),
                "load_average": round(os.getloadavg()[0], 1),
                "one_client": load(base, cookies[:1], 8, paced=False, cpu=cpu, paths=paths[:1]),
                "paced_1_per_s": load(base, cookies, seconds, paced=True, cpu=cpu, paths=paths),
            }
        finally:
            server.terminate()
            server.wait(timeout=10)


def export(url: str) -> dict:
    """The province's filtered open hazards and a city's overdue tasks to xlsx (target 10 s for
    100,000 rows)."""
    from sqlalchemy import select
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.jurisdiction import Jurisdiction
    from models.user import User
    from services.permissions.principal import load_principal
    from services.worklists.views import export_list

    settings.configure(database_url=url, today=TODAY)
    found = {}
    with Session(get_engine(url)) as session, tempfile.TemporaryDirectory() as tmp:
        for name, level, kind, params in (
            ("hazards_province_open", None, "hazards", {"status": "open"}),
            ("tasks_city_overdue", "city", "tasks", {"status": "overdue"}),
        ):
            query = select(User).join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
            query = (
                query.where(Jurisdiction.level == level)
                if level
                else query.where(Jurisdiction.parent_id.is_(None))
            )
            user = session.execute(query.order_by(User.id).limit(1)).scalar_one()
            who = load_principal(
                session=session, kind=user.role, person_id=user.id, pv=None, only=None
            )
            start, cpu = time.perf_counter(), time.process_time()
            made = export_list(
                session=session, who=who, kind=kind, params=params, path=Path(tmp) / f"{name}.xlsx"
            )
            found[name] = {
                "rows": made.rows,
                "seconds": round(time.perf_counter() - start, 2),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "mb": round(made.path.stat().st_size / 1e6, 1),
            }
    found["load_average"] = round(os.getloadavg()[0], 1)
    return found


def _option(argv: list[str], name: str, default: str) -> tuple[str, list[str]]:
    if name not in argv:
        return default, argv
    at = argv.index(name)
    return argv[at + 1], argv[:at] + argv[at + 2 :]


def main(argv: list[str]) -> None:
    seconds, argv = _option(argv, "--seconds", "30")
    count, argv = _option(argv, "--hazards", "160000")
    schema = f"bench_h16_{secrets.token_hex(4)}"
    url = schema_url(f"{schema}%2C{PROVINCE}")
    try:
        _hazards(schema, int(count))
        for name in argv or ["lists", "export"]:
            result = lists(url, float(seconds)) if name == "lists" else export(url)
            print(f"{name:7s} {json.dumps(result, ensure_ascii=False)}", flush=True)
    finally:
        from models.db import get_engine

        get_engine(url).dispose()
        _drop(schema)


if __name__ == "__main__":
    main(sys.argv[1:])
