"""Benchmark of the web application: 我的任务 (GET /my/tasks) under 50 concurrent officers.

The app runs in its own process (uvicorn, one worker, as `./baobao serve` runs it); this process
is the load generator: 50 clients, each signed in as a different officer, with httpx.
Measurements (after every client has signed in):
- one_client: a single client in a closed loop (the floor: server time per request);
- paced: every client opens 我的任务 about once a second (officers on their phones), 30 s;
  targets p95 <= 30 ms (county, SQLite) and <= 60 ms (province, PostgreSQL);
- saturated: every client requests again as soon as it has an answer (closed loop), 15 s;
  shows the throughput of one worker on this machine (p95 is then 50 / throughput).

Usage: .venv/bin/python bench/web.py [county] [province] [--seconds N]
"""

import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = dt.date(2026, 9, 22)
CLIENTS = 50
PASSWORD = "Bench-2026"


def _prepare(url: str, scale: str) -> list[str]:
    """init + demo + this and last quarter's tasks + passwords for the officers used."""
    subprocess.run([str(ROOT / "baobao"), "--db", url, "init"], check=True, capture_output=True)
    subprocess.run([str(ROOT / "baobao"), "--db", url, "demo", "--scale", scale], check=True,
                   capture_output=True)
    from sqlalchemy import func, select, update
    from sqlmodel import Session

    from config import settings
    from models.db import get_engine
    from models.officer import Officer
    from models.task import InspectionTask
    from services.accounts import hash_password
    from services.generation import generate_routine_tasks

    settings.configure(database_url=url, today=TODAY)
    with Session(get_engine(url)) as session:
        for period in ("2026Q2", "2026Q3"):
            generate_routine_tasks(session=session, period=period)
        busiest = session.execute(
            select(Officer.id, Officer.code).join(InspectionTask,
                                                  InspectionTask.officer_id == Officer.id)
            .group_by(Officer.id, Officer.code).order_by(func.count().desc(), Officer.id)
            .limit(CLIENTS)).all()
        session.execute(update(Officer).where(Officer.id.in_([i for i, _ in busiest]))
                        .values(password_hash=hash_password(PASSWORD)))
        session.commit()
    return [code for _, code in busiest]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, data_dir: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "BAOBAO_DATABASE_URL": url, "BAOBAO_TODAY": TODAY.isoformat(),
           "BAOBAO_DATA_DIR": data_dir, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the web app did not start")


async def _login(client, code: str) -> None:
    import re

    page = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = await client.post("/login", data={"login": code, "password": PASSWORD,
                                                 "csrf": token})
    if response.status_code != 303:
        raise RuntimeError(f"login failed for {code}: {response.status_code}")


async def _client(client, until: float, paced: bool, times: list, errors: list) -> None:
    await asyncio.sleep(random.random() if paced else 0)
    while time.perf_counter() < until:
        start = time.perf_counter()
        response = await client.get("/my/tasks")
        elapsed = time.perf_counter() - start
        if response.status_code == 200:
            times.append(elapsed)
        else:
            errors.append(response.status_code)
        if paced:
            await asyncio.sleep(max(0.0, random.uniform(0.8, 1.2) - elapsed))


def _load(base: str, codes: list[str], seconds: float, paced: bool,
          cpu=lambda: 0.0) -> dict:
    """Sign every client in first, then time 我的任务 for the given seconds."""
    import httpx

    times, errors, used = [], [], []

    async def run() -> float:
        clients = [httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
                   for _ in codes]
        try:
            for client, code in zip(clients, codes, strict=True):
                await _login(client, code)
            start, cpu_start = time.perf_counter(), cpu()
            await asyncio.gather(*(_client(c, start + seconds, paced, times, errors)
                                   for c in clients))
            used.append(cpu() - cpu_start)
            return time.perf_counter() - start
        finally:
            for client in clients:
                await client.aclose()

    wall = asyncio.run(run())
    ms = sorted(t * 1000 for t in times)
    if not ms:
        return {"requests": 0, "errors": len(errors)}
    return {"requests": len(ms), "errors": len(errors), "rps": round(len(ms) / wall, 1),
            "p50_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[int(len(ms) * 0.95) - 1], 1),
            "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 1), "max_ms": round(ms[-1], 1),
            "server_cpu_ms_per_request": round(used[0] * 1000 / len(ms), 2)}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _measure(url: str, data_dir: str, codes: list[str], seconds: float) -> dict:
    port = _free_port()
    server = _serve(url, data_dir, port)
    try:
        base = f"http://127.0.0.1:{port}"
        _load(base, codes[:5], 3, paced=False)  # warm-up
        cpu = lambda: _cpu_seconds(server.pid)  # noqa: E731
        return {"clients": len(codes), "load_average": round(os.getloadavg()[0], 1),
                "one_client": _load(base, codes[:1], 5, paced=False, cpu=cpu),
                "paced_1_per_s": _load(base, codes, seconds, paced=True, cpu=cpu),
                "saturated": _load(base, codes, seconds / 2, paced=False, cpu=cpu)}
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
    from sqlalchemy import create_engine, text

    from config.settings import get_settings

    base = get_settings().test_pg_url
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{base}?options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            codes = _prepare(url, "province")
            return _measure(url, f"{tmp}/data", codes, seconds)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def main(argv: list[str]) -> None:
    seconds = 30.0
    if "--seconds" in argv:
        seconds = float(argv[argv.index("--seconds") + 1])
        argv = [a for a in argv if a not in ("--seconds", str(argv[argv.index("--seconds") + 1]))]
    benches = {"county": county, "province": province}
    for name in argv or ["county"]:
        result = benches[name](seconds)
        print(f"{name:9s} {json.dumps(result, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
