"""Benchmark of the web application: 我的任务 (GET /my/tasks) under 50 concurrent officers.

The app runs in its own process (uvicorn, one worker, as `./baobao serve` runs it); this process
is the load generator: 50 clients, each signed in as a different officer, with httpx.
Measurements (after every client has signed in):
- one_client: a single client in a closed loop (the floor: server time per request);
- paced: every client opens 我的任务 about once a second (officers on their phones), 30 s;
  targets p95 <= 30 ms (county, SQLite) and <= 60 ms (province, PostgreSQL);
- saturated: every client requests again as soon as it has an answer (closed loop), 15 s;
  shows the throughput of one worker on this machine (p95 is then 50 / throughput).

Usage: .venv/bin/python bench/web.py [county] [province] [--schema NAME] [--seconds N]

--schema NAME measures a kept PostgreSQL schema of the test database (e.g. bench_province, the
demo province with its 2026Q3 tasks, built by bench/pg_schema.py when missing) without writing
to it: the clients' server-side sessions are rows of a scratch schema placed in front of it on
the search path, and their cookies are signed with a key shared with the server
(BAOBAO_SECRET_KEY) instead of logging in.
"""

import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.web_load import PASSWORD, cpu_seconds, load  # noqa: E402
from tests.support.waiting import free_port  # noqa: E402

TODAY = dt.date(2026, 9, 22)
CLIENTS = 50


def _prepare(url: str, scale: str) -> list[str]:
    """init + demo + this and last quarter's tasks + passwords for the officers used."""
    subprocess.run([str(ROOT / "baobao"), "--db", url, "init"], check=True, capture_output=True)
    subprocess.run(
        [str(ROOT / "baobao"), "--db", url, "demo", "--scale", scale],
        check=True,
        capture_output=True,
    )
    from sqlalchemy import func, select, update
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.officer import Officer
    from models.task import InspectionTask
    from services.accounts.identity import hash_password
    from services.tasks.generation import generate_routine_tasks

    settings.configure(database_url=url, today=TODAY)
    with Session(get_engine(url)) as session:
        for period in ("2026Q2", "2026Q3"):
            generate_routine_tasks(session=session, period=period)
        busiest = session.execute(
            select(Officer.id, Officer.code)
            .join(InspectionTask, InspectionTask.officer_id == Officer.id)
            .group_by(Officer.id, Officer.code)
            .order_by(func.count().desc(), Officer.id)
            .limit(CLIENTS)
        ).all()
        session.execute(
            update(Officer)
            .where(Officer.id.in_([i for i, _ in busiest]))
            .values(password_hash=hash_password(PASSWORD))
        )
        session.commit()
    return [code for _, code in busiest]


def _serve(
    url: str, data_dir: str, port: int, key: str | None, env: dict | None = None
) -> subprocess.Popen:
    env = {
        **os.environ,
        "BAOBAO_DATABASE_URL": url,
        "BAOBAO_TODAY": TODAY.isoformat(),
        "BAOBAO_DATA_DIR": data_dir,
        "PYTHONPATH": str(ROOT),
        **(env or {}),  # the caller's settings win (another clock, say)
    }
    if key:
        env["BAOBAO_SECRET_KEY"] = key
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "web.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    import httpx

    deadline = time.monotonic() + 120  # a loaded machine starts the app slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the web app did not start")


def _measure(
    url: str,
    data_dir: str,
    codes: list,
    seconds: float,
    key: str | None = None,
    path: str = "/my/tasks",
) -> dict:
    port = free_port()
    server = _serve(url, data_dir, port, key)
    try:
        base = f"http://127.0.0.1:{port}"
        load(base, codes[:5], 3, paced=False, path=path)  # warm-up
        cpu = lambda: cpu_seconds(server.pid)  # noqa: E731
        return {
            "clients": len(codes),
            "load_average": round(os.getloadavg()[0], 1),
            "one_client": load(base, codes[:1], 5, paced=False, cpu=cpu, path=path),
            "paced_1_per_s": load(base, codes, seconds, paced=True, cpu=cpu, path=path),
            "saturated": load(base, codes, seconds / 2, paced=False, cpu=cpu, path=path),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def county(seconds: float = 30) -> dict:
    """The demo county on SQLite (target: paced p95 <= 30 ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        codes = _prepare(url, "county")
        return _measure(url, f"{tmp}/data", codes, seconds)


def province(seconds: float = 30) -> dict:
    """The demo province on PostgreSQL in a schema of its own (target: paced p95 <= 60 ms)."""
    from bench.pg_schema import scratch_schema

    with scratch_schema() as url, tempfile.TemporaryDirectory() as tmp:
        codes = _prepare(url, "province")
        return _measure(url, f"{tmp}/data", codes, seconds)


def session_cookies(url: str, key: str, people: list) -> list[dict]:
    """Session cookies of people ((Officer or User, Jurisdiction) pairs already loaded), signed
    with key: their server-side sessions are rows of the sign_in table `url` writes to (a
    scratch schema in front of a read-only one), nothing else is written. The clock must be set
    (settings.configure) to the server's day, so the sessions have not expired on it."""
    from sqlmodel import Session

    from models.db import get_engine
    from services.accounts import sign_ins
    from services.core import links
    from services.permissions.principal import principal_of
    from web.sessions import COOKIE

    with Session(get_engine(url)) as session:
        started = [
            sign_ins.start(session=session, who=principal_of(person, place), kind="web")
            for person, place in people
        ]
        session.commit()
    return [
        {COOKIE: links.sign(links.SESSION, {**sign_ins.claims(who), "c": links.new_csrf()})}
        for who in started
    ]


def _session_cookies(url: str, key: str) -> list[dict]:
    """Session cookies of the CLIENTS officers with most tasks this quarter."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.jurisdiction import Jurisdiction
    from models.officer import Officer
    from models.task import InspectionTask

    settings.configure(database_url=url, today=TODAY, secret_key=key)
    with Session(get_engine(url)) as session:
        busiest = session.execute(
            select(Officer, Jurisdiction)
            .join(Jurisdiction, Jurisdiction.id == Officer.jurisdiction_id)
            .join(InspectionTask, InspectionTask.officer_id == Officer.id)
            .where(InspectionTask.period == "2026Q3")
            .group_by(Officer.id, Jurisdiction.id)
            .order_by(func.count().desc(), Officer.id)
            .limit(CLIENTS)
        ).all()
        if len(busiest) < CLIENTS:
            raise SystemExit("the schema has too few officers with 2026Q3 tasks")
    return session_cookies(url, key, [tuple(row) for row in busiest])


def existing(schema: str, seconds: float = 30) -> dict:
    """A kept schema of the test PostgreSQL database (built when missing), left unchanged: the
    sessions live in a scratch schema in front of it (search path scratch, kept)."""
    from bench.pg_schema import overlay_schema, province_schema
    from models.sign_in import LoginFailure, SignIn

    if not schema.isidentifier():
        raise SystemExit(f"not a schema name: {schema!r}")
    province_schema(schema)
    key = secrets.token_hex(32)
    with overlay_schema(schema, [SignIn.__table__, LoginFailure.__table__]) as url:
        cookies = _session_cookies(url, key)
        with tempfile.TemporaryDirectory() as tmp:
            return _measure(url, f"{tmp}/data", cookies, seconds, key)


def _option(argv: list[str], name: str, default):
    """(value of --name, argv without it)."""
    if name not in argv:
        return default, argv
    at = argv.index(name)
    return argv[at + 1], argv[:at] + argv[at + 2 :]


def main(argv: list[str]) -> None:
    seconds, argv = _option(argv, "--seconds", 30.0)
    schema, argv = _option(argv, "--schema", None)
    benches = {"county": county, "province": province}
    if schema:
        result = existing(schema, float(seconds))
        print(f"{schema:9s} {json.dumps(result, ensure_ascii=False)}", flush=True)
    for name in argv or ([] if schema else ["county"]):
        result = benches[name](float(seconds))
        print(f"{name:9s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
