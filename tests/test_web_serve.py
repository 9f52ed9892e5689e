"""./baobao serve: the web app starts, prints its address and the demo accounts."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.demo import dataset as demo
from tests.support.waiting import free_port

ROOT = Path(__file__).resolve().parent.parent
RUNNER = """
import sys, typer
sys.path.insert(0, {root!r})
from cli import web_commands
from cli.app import root
app = typer.Typer()
app.callback()(root)
web_commands.register(app)
app()
"""


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_serve_prints_address_and_demo_accounts(db_url, engine, tmp_path):
    demo.fill(engine=engine, scale="town", seed=2)
    port = free_port()
    env = {**os.environ, "BAOBAO_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    # cli/app.py registers web_commands once the lead adds it; until then a root app with the
    # same callback runs the command.
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUNNER.format(root=str(ROOT)),
            "--db",
            db_url,
            "--today",
            "2026-09-22",
            "serve",
            "--port",
            str(port),
            "--no-scheduler",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, answered = time.monotonic() + 60, None
        while time.monotonic() < deadline and answered is None:
            try:
                answered = httpx.get(f"http://127.0.0.1:{port}/login", timeout=2)
            except httpx.HTTPError:
                time.sleep(0.3)
        assert answered is not None and answered.status_code == 200
        assert "登录" in answered.text
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert f"http://127.0.0.1:{port}" in output
    assert "演示账号" in output and "admin" in output and "duban" in output


def test_the_served_app_collects_garbage_less_often(db_url):
    """The app's start-up (its lifespan) freezes what it made and sets web.app.GC_THRESHOLDS."""
    import gc

    from fastapi.testclient import TestClient

    from web.app import GC_THRESHOLDS, create_app

    before = gc.get_threshold()
    try:
        with TestClient(create_app(database_url=db_url)):
            assert gc.get_threshold() == GC_THRESHOLDS and gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
