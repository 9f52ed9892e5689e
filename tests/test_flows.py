"""Flows (flows/*_flow.py): thin, one Prefect task per county, and run by the embedded scheduler.

Prefect's test harness (a temporary server, ~10 s) starts once per session, for these tests only.
"""

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from config import settings as settings_module
from config.files import ConfigError, ScheduledJob
from models.db import get_engine
from models.job_run import JobRun
from models.task import InspectionTask
from services.demo import dataset as demo
from services.scheduling import embedded, schedule

ROOT = Path(__file__).resolve().parent.parent
# The town roster twice over: two counties of one city (the split needs more than one county).
TWO_COUNTIES = demo.Scale(1, 2, 1, 25, 5, demo.TOWN_MIX, 1, 2, 6, 24)


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """Prefect against a temporary server, with its files in a temporary PREFECT_HOME."""
    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "PREFECT_HOME": str(home),
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }.items():
            patch.setenv(key, value)
        patch.delenv("PREFECT_API_URL", raising=False)
        from prefect.settings import PREFECT_HOME, temporary_settings
        from prefect.testing.utilities import prefect_test_harness

        with (
            temporary_settings(updates={PREFECT_HOME: home}),
            prefect_test_harness(server_startup_timeout=180),
        ):
            yield


@pytest.fixture
def flow_db(prefect_harness, db_url, monkeypatch):
    """Configure the settings the flows read: this test's database and 2026-09-22."""

    def fill(scale: str = "town") -> str:
        if scale == "two-counties":
            monkeypatch.setitem(demo.SCALES, "two-counties", TWO_COUNTIES)
        demo.fill(engine=get_engine(db_url), scale=scale, seed=2)
        settings_module.configure(database_url=db_url, today=dt.date(2026, 9, 22))
        return db_url

    return fill


def task_count(url: str, **where) -> int:
    query = select(func.count()).select_from(InspectionTask).filter_by(**where)
    with Session(get_engine(url)) as session:
        return session.execute(query).scalar_one()


def run(flow, **parameters) -> tuple[dict, str, set[str]]:
    """Run a flow; its result, the flow run's name and the names of its task runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterFlowRunId

    state = flow(return_state=True, **parameters)
    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        name = client.read_flow_run(flow_run_id).name
        tasks = client.read_task_runs(
            task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[flow_run_id]))
        )
    return state.result(), name, {task.name for task in tasks}


def test_generation_splits_by_county_and_a_rerun_creates_nothing(flow_db):
    from flows.generate_tasks_flow import generate_tasks_flow
    from services.core.jurisdictions import county_paths

    url = flow_db("two-counties")
    with Session(get_engine(url)) as session:
        counties = county_paths(session=session)
    assert len(counties) == 2
    first, name, tasks = run(generate_tasks_flow)
    assert first["counties"] == 2 and first["periods"] == ["2026Q3"]
    assert first["created"] == task_count(url, period="2026Q3") > 300
    # One Prefect task per county, named after it; the run named after the day and scope.
    assert name == "generate-tasks-2026-09-22-all"
    assert tasks == {f"generate-{path}" for path in counties}
    again = generate_tasks_flow()
    assert again["created"] == 0 and again["existing"] == first["created"]


def test_one_county_is_one_task_and_a_period_or_scope_can_be_given(flow_db):
    from flows.generate_tasks_flow import generate_tasks_flow

    url = flow_db("town")
    result, name, tasks = run(generate_tasks_flow, period="2026Q4")
    assert result["counties"] == 1 and result["periods"] == ["2026Q4"]
    assert result["created"] == task_count(url, period="2026Q4") > 150
    assert name == "generate-tasks-2026Q4-all" and tasks == {"generate-all"}
    assert task_count(url, period="2026Q3") == 0
    scoped, name, tasks = run(generate_tasks_flow, period="2026Q3", scope_path="/nowhere/")
    assert scoped["created"] == 0 and name == "generate-tasks-2026Q3-/nowhere/"
    assert tasks == {"generate-/nowhere/"}


def test_the_scheduler_runs_the_real_flow_and_records_success_and_failure(flow_db):
    from cli.flow_launch import launcher

    url = flow_db("town")
    good = ScheduledJob(name="generate-tasks", flow="generate_tasks_flow", cron="30 6 * * *")
    bad = ScheduledJob(
        name="bad-period",
        flow="generate_tasks_flow",
        cron="30 6 * * *",
        parameters={"period": "2026Q9"},
    )
    launch = launcher([good, bad])
    lines: list[str] = []
    detail = embedded.run_job(url=url, job=good, launch=launch, notify=lines.append)
    embedded.run_job(url=url, job=bad, launch=launch, notify=lines.append)
    assert detail["created"] == task_count(url) > 150
    with Session(get_engine(url)) as session:
        ok = schedule.last_run(session=session, job="generate-tasks")
        failed = schedule.last_run(session=session, job="bad-period")
        assert session.execute(select(func.count()).select_from(JobRun)).scalar_one() == 2
    assert ok.outcome == "ok" and ok.runner == "apscheduler" and ok.detail["created"] > 150
    assert failed.outcome == "failed" and "2026Q9" in failed.detail["error"]
    assert any("bad-period 运行失败" in line for line in lines)


def test_parameters_that_do_not_fit_the_flow_are_a_config_error(prefect_harness):
    from cli.flow_launch import launcher

    job = ScheduledJob(
        name="typo", flow="generate_tasks_flow", cron="30 6 * * *", parameters={"perod": "2026Q4"}
    )
    with pytest.raises(ConfigError) as caught:
        launcher([job])
    assert caught.value.key == "jobs.0.parameters"


def test_flows_are_thin_documented_and_registered():
    """Every flow file: a docstring naming its schedule, no SQL; every job names a real flow."""
    sql = re.compile(
        r"\b(select\b.+\bfrom|insert\s+into|update\b.+\bset|delete\s+from)\b",
        re.IGNORECASE | re.DOTALL,
    )
    for path in sorted((ROOT / "flows").glob("*_flow.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert "schedule" in (ast.get_docstring(tree) or "").lower(), path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else [alias.name for alias in node.names]
                )
                assert not [m for m in modules if m.startswith(("sqlalchemy", "sqlmodel"))], path
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in ("execute", "exec"), path.name
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value is not None
                and not _is_docstring(tree, node)
            ):
                assert not sql.search(node.value), (path.name, node.value)
    for job in schedule.jobs():
        assert schedule.flow_file(job).is_file()


def _is_docstring(tree: ast.Module, node: ast.Constant) -> bool:
    for owner in ast.walk(tree):
        if isinstance(owner, ast.Module | ast.FunctionDef | ast.ClassDef) and owner.body:
            first = owner.body[0]
            if isinstance(first, ast.Expr) and first.value is node:
                return True
    return False
