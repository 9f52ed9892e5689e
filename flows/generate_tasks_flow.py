"""Generate the routine inspection tasks (督导任务) owed in the period the clock is in.

Schedule (config/schedules.toml, Asia/Shanghai): `generate-tasks` every day at 06:30 — a
catch-up that creates nothing when nothing is missing and cancels the tasks of ended
assignments and closed entities — and `generate-tasks-period-start` at 00:05 on the 1st of
every month, the first day of every period (month, quarter, half-year, year).

The work splits by county: one Prefect task per county (services.core.jurisdictions.county_paths),
each one set-based INSERT … SELECT in services.tasks.generation — never one task per row. A single
county runs as one task over everything. `scope_path` limits a run to one subtree (one county),
so an administrator can spread a province over several workers as separate flow runs.
Runs started by a Prefect deployment are recorded in job_run by @record_deployment_runs; runs
started by the embedded scheduler are recorded by the scheduler.
"""

from typing import Any

from prefect import flow, runtime, task, unmapped
from prefect.task_runners import ThreadPoolTaskRunner

from config.settings import get_settings
from models.db import session_scope
from services.core import clock, jurisdictions
from services.core.periods import parse_period
from services.scheduling import schedule
from services.scheduling.prefect_env import record_deployment_runs
from services.tasks import generation

COUNTY_THREADS = 4  # counties generated at once in one flow run (PostgreSQL connections)


def _run_name() -> str:
    parameters = runtime.flow_run.parameters
    period = parameters.get("period") or clock.today().isoformat()
    return f"generate-tasks-{period}-{parameters.get('scope_path') or 'all'}"


def _task_name() -> str:
    return f"generate-{runtime.task_run.parameters.get('scope_path') or 'all'}"


@task(name="generate-county", task_run_name=_task_name, retries=2, retry_delay_seconds=5)
def generate_scope(scope_path: str | None, period: str | None) -> generation.Generated:
    """Generate one county's (or everything's, scope_path None) routine tasks in one transaction."""
    with session_scope(get_settings().database_url) as session:
        return generation.generate_routine_tasks(
            session=session, period=period, scope_path=scope_path
        )


@flow(
    name="generate-tasks",
    flow_run_name=_run_name,
    # Prefect types task_runner as TaskRunner[PrefectFuture[Any]], invariant in the future's
    # type, which its own ThreadPoolTaskRunner (of PrefectConcurrentFuture) does not match.
    task_runner=ThreadPoolTaskRunner[Any](max_workers=COUNTY_THREADS),  # type: ignore[arg-type]
)
@record_deployment_runs
def generate_tasks_flow(
    period: str | None = None, scope_path: str | None = None
) -> dict[str, object]:
    """Create the missing routine tasks of the period (default: the clock's), county by county."""
    if period is not None:
        parse_period(period)  # a bad period fails at once, not after the tasks' retries
    scopes = [scope_path] if scope_path else _county_scopes()
    futures = generate_scope.map(scopes, period=unmapped(period))
    results: list[dict[str, object]] = [dict(future.result()) for future in futures]
    return {**schedule.combine(results), "counties": len(scopes)}


def _county_scopes() -> list[str | None]:
    with session_scope(get_settings().database_url) as session:
        paths = jurisdictions.county_paths(session=session)
    return [*paths] if len(paths) > 1 else [None]
