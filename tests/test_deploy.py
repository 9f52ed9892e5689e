"""`./baobao deploy` against a real `prefect server start` on loopback, and the scale-out set-up
of docs/operations.md ("Prefect server and workers"): a process work pool, two workers, a
deployment run to completion that generates tasks in the database (SQLite file and PostgreSQL
schema).

It is one test on purpose: one server (~10–60 s to become healthy) and two workers, however
pytest-xdist spreads the tests; about 1–3 minutes in all.
"""

import datetime as dt
import json
import os
import subprocess
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlmodel import Session

from models.db import get_engine
from models.job_run import JobRun
from models.task import InspectionTask
from services.core.schema import upgrade
from services.demo import dataset as demo
from services.scheduling import schedule
from tests.support import waiting
from tests.support.waiting import free_port

ROOT = Path(__file__).resolve().parent.parent
PREFECT = ROOT / ".venv" / "bin" / "prefect"
POOL = "baobao-test"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TWO_COUNTIES = demo.Scale(1, 2, 1, 25, 5, demo.TOWN_MIX, 1, 2, 6, 24)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without BAOBAO_* and PREFECT_* variables, plus the ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAOBAO_", "PREFECT_"))}
    return env | {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"} | extra


def wait_for(condition, seconds: float, what: str):
    return waiting.wait_for(condition, seconds, what, every=0.5)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`prefect server start` on a free loopback port; yields its API URL."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = clean_env(
        PREFECT_HOME=str(home),
        PREFECT_UI_ENABLED="false",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5",
    )
    log = (home / "server.log").open("w")
    process = subprocess.Popen(
        [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=log,
        cwd=home,
    )

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError((home / "server.log").read_text())
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(healthy, 240, "prefect server healthy")
        yield url
    finally:
        stop(process)
        log.close()


def baobao(*args: str, api: str | None, data_dir: Path) -> subprocess.CompletedProcess:
    env = clean_env(BAOBAO_DATA_DIR=str(data_dir))
    if api:
        env["PREFECT_API_URL"] = api
    return subprocess.run(
        [str(ROOT / "baobao"), *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.fixture
def client(server):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: server}),
        get_client(sync_client=True) as connected,
    ):
        yield connected


@pytest.fixture
def databases(tmp_path, monkeypatch):
    """A two-county demo roster in a SQLite file and in a PostgreSQL schema (when available).

    Built here rather than with the db_url fixture so that the whole scale-out check is one
    test: one server and two workers, however xdist spreads the tests."""
    from config.settings import get_settings
    from tests.conftest import _pg_problem, _postgres_url

    monkeypatch.setitem(demo.SCALES, "two-counties", TWO_COUNTIES)
    urls = [f"sqlite:///{tmp_path}/baobao.db"]
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(get_settings().test_pg_url)
    problem = _pg_problem()
    if problem and get_settings().require_pg:
        pytest.fail(f"BAOBAO_REQUIRE_PG is set but PostgreSQL is unavailable: {problem}")
    if not problem:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        urls.append(_postgres_url(schema))
    for url in urls:
        upgrade(engine=get_engine(url))
        demo.fill(engine=get_engine(url), scale="two-counties", seed=2)
    yield urls
    for url in urls:
        get_engine(url).dispose()
    if not problem:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def start_workers(server: str, home: Path) -> tuple[list[subprocess.Popen], list[Path]]:
    """Two process workers of the pool, polling every second."""
    env = clean_env(
        PREFECT_API_URL=server, PREFECT_HOME=str(home), PREFECT_WORKER_QUERY_SECONDS="1"
    )
    home.mkdir(parents=True, exist_ok=True)
    processes, logs = [], []
    for name in ("worker-1", "worker-2"):
        logs.append(home / f"{name}.log")
        processes.append(
            subprocess.Popen(
                [
                    str(PREFECT),
                    "worker",
                    "start",
                    "--pool",
                    POOL,
                    "--type",
                    "process",
                    "--name",
                    name,
                ],
                env=env,
                cwd=home,
                stdout=logs[-1].open("w"),
                stderr=subprocess.STDOUT,
            )
        )
    return processes, logs


def test_deploy_then_two_workers_run_the_deployment_to_completion(
    server, client, databases, tmp_path
):
    """The scale-out commands of docs/operations.md on loopback: deploy, a process pool, two
    workers, one run per database of the deployment generate-tasks, tasks in the database,
    job_run rows."""
    jobs = schedule.jobs()
    first = baobao("deploy", "--pool", POOL, "--json", api=server, data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    deployed = json.loads(first.stdout)
    again = baobao("deploy", "--pool", POOL, api=server, data_dir=tmp_path)  # idempotent
    assert again.returncode == 0 and f"共 {len(jobs)} 个部署" in again.stdout, again.stderr
    assert "Successfully" not in again.stdout + again.stderr  # Prefect's English stays quiet
    assert (tmp_path / "prefect").is_dir()  # PREFECT_HOME under the data directory
    check_deployments(client, deployed, jobs)
    check_scheduled_runs(client)

    processes, logs = start_workers(server, tmp_path / "workers")
    try:
        wait_for(lambda: all("started" in log.read_text() for log in logs), 120, "workers up")
        deployment = client.read_deployment_by_name("generate-tasks/generate-tasks")
        runs = {
            url: client.create_flow_run_from_deployment(
                deployment.id,
                job_variables={
                    "env": {
                        "BAOBAO_DATABASE_URL": url,
                        "BAOBAO_TODAY": "2026-09-22",
                        "BAOBAO_DATA_DIR": str(tmp_path / "data"),
                    }
                },
            )
            for url in databases
        }
        states = {
            url: wait_for(lambda run=run: finished(client, run.id), 240, "run finished")
            for url, run in runs.items()
        }
    finally:
        for process in processes:
            stop(process)
    text_of_logs = "".join(log.read_text() for log in logs)
    for url, run in runs.items():
        assert states[url].is_completed(), f"{url}: {states[url]}\n{text_of_logs[-3000:]}"
        assert f"submitting flow run '{run.id}'" in text_of_logs  # a worker of the pool took it
        check_database(url, str(run.id))


def finished(client, flow_run_id):
    state = client.read_flow_run(flow_run_id).state
    return state if state is not None and state.is_final() else None


def check_deployments(client, deployed: dict, jobs) -> None:
    names = {d["job"]: d["deployment"] for d in deployed["deployments"]}
    assert list(names) == [job.name for job in jobs]
    assert names["generate-tasks"] == "generate-tasks/generate-tasks"
    assert client.read_work_pool(POOL).type == "process"
    for job in jobs:
        deployment = client.read_deployment_by_name(names[job.name])
        assert deployment.work_pool_name == POOL and deployment.parameters == job.parameters
        assert deployment.entrypoint == f"flows/{job.flow}.py:{job.flow}"
        (one,) = deployment.schedules  # re-deploying replaced it, not added a second
        assert one.schedule.cron == job.cron and one.schedule.timezone == "Asia/Shanghai"
        assert one.active


def check_scheduled_runs(client) -> None:
    """The server's scheduler created runs of generate-tasks, at 06:30 Shanghai time."""
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    def scheduled():
        return client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["generate-tasks"])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
        )

    for run in wait_for(scheduled, 90, "scheduled runs of generate-tasks"):
        local = run.expected_start_time.astimezone(SHANGHAI)
        assert (local.hour, local.minute) == (6, 30)


def check_database(url: str, flow_run_id: str) -> None:
    with Session(get_engine(url)) as session:
        tasks = session.execute(
            select(func.count())
            .select_from(InspectionTask)
            .where(InspectionTask.period == "2026Q3")
        ).scalar_one()
        (record,) = session.execute(select(JobRun)).scalars()
    assert tasks > 300
    assert record.job == "generate-tasks" and record.runner == "prefect"
    assert record.outcome == "ok" and record.detail["flow_run"] == flow_run_id
    assert record.detail["created"] == tasks and record.detail["counties"] == 2
    assert record.started_at.astimezone(SHANGHAI).date() == dt.date(2026, 9, 22)


def test_deploy_needs_a_reachable_server(tmp_path):
    missing = baobao("deploy", api=None, data_dir=tmp_path)
    assert missing.returncode == 2 and "PREFECT_API_URL" in missing.stderr
    assert missing.stdout == ""
    down = baobao("deploy", api=f"http://127.0.0.1:{free_port()}/api", data_dir=tmp_path)
    assert down.returncode == 1 and "无法连接 Prefect 服务器" in down.stderr
    assert "文件或系统错误" not in down.stderr
    assert "Traceback" not in down.stderr
