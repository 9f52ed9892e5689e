"""Throttling that holds across processes: two ./baobao serve processes on one database; failed
sign-ins on worker A (by 干部编号) lock the person on worker B (by 手机号), on both databases."""

import os
import subprocess
import time
from pathlib import Path

import httpx
from sqlmodel import Session

from models.db import get_engine
from models.officer import Officer
from services.accounts.identity import web_policy
from tests.support.waiting import free_port
from tests.support.web import PASSWORD, TODAY, build_world, csrf_of

ROOT = Path(__file__).resolve().parent.parent


def _serve(db_url: str, data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "BAOBAO_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    command = ["--db", db_url, "--today", str(TODAY), "serve", "--port", str(port)]
    return subprocess.Popen(
        [str(ROOT / "baobao"), *command, "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _ready(port: int, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and worker.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    worker.terminate()
    raise AssertionError(f"worker on port {port} did not start: {worker.communicate()[0]}")


def _login(port: int, login: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        token = csrf_of(client.get("/login").text)
        return client.post("/login", data={"login": login, "password": password, "csrf": token})


def test_failures_on_worker_a_lock_the_person_on_worker_b(db_url, tmp_path):
    world = build_world(db_url, tmp_path / "data")
    with Session(get_engine(db_url)) as session:
        mobile = session.get(Officer, world.officer_ids["a"]).mobile
    ports = free_port(), free_port()
    workers = [_serve(db_url, tmp_path / "data", port) for port in ports]
    try:
        for port, worker in zip(ports, workers, strict=True):
            _ready(port, worker)
        a, b = ports
        assert _login(b, world.accounts["officer_b"], "wrong-pass-1").status_code == 400
        for _ in range(web_policy().login_max_failures):
            assert _login(a, world.accounts["officer_a"], "wrong-pass-1").status_code == 400
        refused = _login(b, mobile, PASSWORD)
        assert refused.status_code == 400 and "次数过多" in refused.text
        # the other officer's one failure did not lock it, on either worker
        assert _login(a, world.accounts["officer_b"], PASSWORD).status_code == 303
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.communicate(timeout=30)
