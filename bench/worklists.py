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
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg_schema import PROVINCE, at_head, schema_url  # noqa: E402
from bench.web import _serve  # noqa: E402
from bench.web_load import cpu_seconds, load, peak_mb, uptime  # noqa: E402
from tests.support.waiting import free_port  # noqa: E402

TODAY = "2026-10-12"
CLIENTS = 50


def _hazards(schema: str, count: int, base: str = PROVINCE) -> None:
    """schema.hazard: count hazards of the province's entities (in base), 5 in 8 still open."""
    from sqlalchemy import create_engine, text

    from config.settings import get_settings

    admin = create_engine(get_settings().test_pg_url)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
        c.execute(text(f"CREATE TABLE {schema}.hazard (LIKE {base}.hazard INCLUDING ALL)"))
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
                  FROM {base}.entity) e
            JOIN {base}.assignment a ON a.entity_id = e.id AND a.end_date IS NULL
            WHERE e.n <= :count"""),
            {"count": count},
        )
        c.execute(text(f"ANALYZE {schema}.hazard"))
    admin.dispose()
    _sessions_table(schema)


def _sessions_table(schema: str) -> None:
    """Empty sign_in and login_failure tables in schema: the supervisors' sessions are written
    there, in front of bench_province, which stays unchanged."""
    from sqlalchemy import MetaData

    from models.db import get_engine
    from models.sign_in import LoginFailure, SignIn

    metadata = MetaData()
    for table in (SignIn.__table__, LoginFailure.__table__):
        table.to_metadata(metadata)
    engine = get_engine(schema_url(schema))
    metadata.create_all(engine)
    engine.dispose()


def _drop(schema: str) -> None:
    from sqlalchemy import create_engine, text

    from config.settings import get_settings

    admin = create_engine(get_settings().test_pg_url)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _supervisors(url: str, key: str) -> tuple[list[dict], list[list[str]]]:
    """Cookies of 25 county and 25 township supervisors (server-side sessions in the scratch
    schema, bench.web.session_cookies), and each one's list URLs."""
    from sqlalchemy import select
    from sqlmodel import Session

    from bench.web import session_cookies
    from config import settings
    from models.db import get_engine
    from models.jurisdiction import Jurisdiction
    from models.user import User

    settings.configure(database_url=url, secret_key=key, today=TODAY)  # signed on the bench day
    rng = random.Random(16)
    people, paths = [], []
    with Session(get_engine(url)) as session:
        for level in ("county", "township"):
            rows = session.execute(
                select(User, Jurisdiction)
                .join(Jurisdiction, Jurisdiction.id == User.jurisdiction_id)
                .where(User.role == "supervisor", Jurisdiction.level == level, User.active)
                .order_by(User.id)
                .limit(CLIENTS // 2)
            ).all()
            for user, place in rows:
                people.append((user, place))
                below = (
                    session.execute(
                        select(Jurisdiction.code)
                        .where(
                            Jurisdiction.path.like(f"{place.path}%"),
                            Jurisdiction.code != place.code,
                        )
                        .limit(20)
                    )
                    .scalars()
                    .all()
                )
                town = rng.choice(below) if below else place.code
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
    return session_cookies(url, key, people), paths


def lists(url: str, seconds: float) -> dict:
    """The lists under 50 supervisors opening a page about once a second (target p95 100 ms)."""
    key = secrets.token_hex(32)
    cookies, paths = _supervisors(url, key)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = _serve(url, f"{tmp}/data", port, key, env={"BAOBAO_TODAY": TODAY})
        try:
            base = f"http://127.0.0.1:{port}"
            load(base, cookies[:5], 5, paced=False, paths=paths[:5])  # warm-up
            cpu = lambda: cpu_seconds(server.pid)  # noqa: E731
            return {
                "clients": len(cookies),
                "uptime": uptime(),
                "one_client": load(base, cookies[:1], 8, paced=False, cpu=cpu, paths=paths[:1]),
                "paced_1_per_s": load(base, cookies, seconds, paced=True, cpu=cpu, paths=paths),
                "server_peak_mb": peak_mb(server.pid),
            }
        finally:
            server.terminate()
            server.wait(timeout=10)


def _province_office():
    """A 督办 of the whole province: the demo province's cities have no jurisdiction above
    them, so the bench makes the principal such an office would have (the root path "/", its
    subtree every city), without a stored account."""
    from services.permissions.principal import Principal

    return Principal(
        kind="supervisor", id=0, account="bench", name="省食安办", jurisdiction_id=0,
        jurisdiction_code="510000000000", jurisdiction_name="全省", path="/", pv="",
        person="bench",
    )  # fmt: skip


EXPORTS = (  # name, list, filters: each about or above 100,000 rows of the province
    ("hazards_open", "hazards", {"status": "open"}),
    ("tasks_overdue_township_tier", "tasks", {"status": "overdue", "tier": "township"}),
)


def export(url: str) -> dict:
    """The province's filtered open hazards and overdue tasks of township officers to xlsx, as
    the service writes them (target 10 s per 100,000 rows): wall and CPU seconds of this
    process and of the database, and peak memory."""
    import resource

    from sqlalchemy import text
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from services.worklists.views import export_list

    settings.configure(database_url=url, today=TODAY)
    who, found = _province_office(), {}
    with Session(get_engine(url)) as session, tempfile.TemporaryDirectory() as tmp:
        backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        for name, kind, params in EXPORTS:
            start, cpu, db_cpu = time.perf_counter(), time.process_time(), cpu_seconds(backend)
            made = export_list(
                session=session, who=who, kind=kind, params=params, path=Path(tmp) / f"{name}.xlsx"
            )
            wall = time.perf_counter() - start
            found[name] = {
                "filters": params,
                "rows": made.rows,
                "seconds": round(wall, 2),
                "seconds_per_100k_rows": round(wall * 100_000 / max(made.rows, 1), 2),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "database_cpu_seconds": round(cpu_seconds(backend) - db_cpu, 2),
                "mb": round(made.path.stat().st_size / 1e6, 1),
                "uptime": uptime(),
            }
    found["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
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
    with at_head(PROVINCE) as province:  # a migrated scratch copy when bench_province is behind
        base = province.rsplit("%3D", 1)[1]
        url = schema_url(f"{schema}%2C{base}")
        try:
            _hazards(schema, int(count), base)
            for name in argv or ["lists", "export"]:
                result = lists(url, float(seconds)) if name == "lists" else export(url)
                print(f"{name:7s} {json.dumps(result, ensure_ascii=False)}", flush=True)
        finally:
            from models.db import get_engine

            get_engine(url).dispose()
            _drop(schema)


if __name__ == "__main__":
    main(sys.argv[1:])
