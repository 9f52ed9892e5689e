"""The job registry (config/schedules.toml) and its run records (the job_run table).

Both runners use it: the embedded scheduler (services/scheduling/embedded.py) and Prefect
deployments (./baobao deploy). A job's fire times are computed in its time zone by APScheduler's cron trigger.
"""

import datetime as dt
import logging
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlmodel import Session

if TYPE_CHECKING:
    from apscheduler.triggers.cron import CronTrigger

from config.files import ConfigError, ScheduledJob, load_schedules
from config.settings import ROOT, get_settings
from models.db import session_scope, stored_id
from models.enums import LABELS, RunOutcome
from models.job_run import JobRun
from services.core import calendar, clock
from services.core.bulk import changed_rows

log = logging.getLogger("baobao.scheduler")
FLOWS = Path(ROOT) / "flows"
OUTCOMES = LABELS[RunOutcome]
Detail = dict[str, Any]  # a run's detail: what its flow returned, as JobRun.detail keeps it (JSON)


def jobs() -> list[ScheduledJob]:
    """Every scheduled job, in file order; ConfigError when a job names a missing flow."""
    found = load_schedules().jobs
    for index, job in enumerate(found):
        if not flow_file(job).is_file():
            path = Path(get_settings().config_dir) / "schedules.toml"
            raise ConfigError(
                path,
                f"jobs.{index}.flow",
                f"找不到流程文件 flows/{job.flow}.py（当前值：{job.flow!r}）",
            )
    return found


def job_named(name: str) -> ScheduledJob:
    """The job called name; ConfigError naming the known jobs otherwise."""
    for job in jobs():
        if job.name == name:
            return job
    known = "、".join(job.name for job in jobs()) or "（无）"
    path = Path(get_settings().config_dir) / "schedules.toml"
    raise ConfigError(path, "jobs", f"没有名为 {name!r} 的任务，已有：{known}")


def flow_file(job: ScheduledJob) -> Path:
    """The file that defines the job's flow: flows/<flow>.py."""
    return FLOWS / f"{job.flow}.py"


def job_timezone(job: ScheduledJob) -> ZoneInfo:
    """The job's time zone: its own, else the settings' (Asia/Shanghai)."""
    return ZoneInfo(job.timezone or get_settings().timezone)


def trigger(job: ScheduledJob) -> "CronTrigger":
    """APScheduler's cron trigger of the job, in the job's time zone."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(job.cron, timezone=job_timezone(job))


def next_fire_times(job: ScheduledJob, *, after: dt.datetime, count: int = 3) -> list[dt.datetime]:
    """The job's next count fire times strictly after the moment given, in its time zone."""
    cron, moment = trigger(job), after
    times: list[dt.datetime] = []
    while len(times) < count:
        fire = cron.get_next_fire_time(None, moment + dt.timedelta(microseconds=1))
        if fire is None:
            break
        times.append(fire)
        moment = fire
    return times


def missed_fire_time(
    job: ScheduledJob, *, last_ok: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    """The first fire time after the last successful run that is already past, if any.

    A job that never ran counts as missed (returns now); a job with catch_up = false never does.
    """
    if not job.catch_up:
        return None
    if last_ok is None:
        return now
    fire = trigger(job).get_next_fire_time(None, last_ok + dt.timedelta(microseconds=1))
    return fire if fire is not None and fire <= now else None


def start_run(*, session: Session, job: str, runner: str, detail: Detail | None = None) -> int:
    """Record that a run of job started (outcome running); returns its id."""
    run = JobRun(job=job, runner=runner, started_at=clock.now(), detail=detail)
    session.add(run)
    session.flush()
    return stored_id(run)


def finish_run(
    *, session: Session, run_id: int, outcome: RunOutcome, detail: Detail | None
) -> None:
    """Record how a run ended: ok, failed or skipped, with its detail."""
    run = session.get(JobRun, run_id)
    assert run is not None  # start_run's row
    run.finished_at, run.outcome, run.detail = clock.now(), outcome, detail
    session.add(run)


def record_skipped(*, session: Session, job: str, runner: str, reason: str) -> None:
    """Record a run that did not happen (still busy, or too late to start)."""
    moment = clock.now()
    session.add(
        JobRun(
            job=job,
            runner=runner,
            started_at=moment,
            finished_at=moment,
            outcome=RunOutcome.SKIPPED,
            detail={"reason": reason},
        )
    )


@contextmanager
def recorded_run(
    *, url: str, job: str, runner: str, detail: Detail | None = None
) -> Iterator[Detail]:
    """Record one run around a block: running at once (committed), then ok or failed.

    The block fills the yielded dict; an exception marks the run failed and is re-raised.
    A year the working-day calendar does not know, used by the run, is logged and kept in the
    detail as calendar_warning.
    """
    with session_scope(url) as session:
        run_id = start_run(session=session, job=job, runner=runner, detail=detail)
    result: Detail = dict(detail or {})
    calendar.forget_unknown_years()
    try:
        yield result
    except BaseException as exc:
        _note_calendar(job, result)
        error = {
            **result,
            "error": f"{type(exc).__name__}: {exc}"[:2000],
            "trace": traceback.format_exc(limit=5)[-4000:],
        }
        with session_scope(url) as session:
            finish_run(session=session, run_id=run_id, outcome=RunOutcome.FAILED, detail=error)
        raise
    _note_calendar(job, result)
    with session_scope(url) as session:
        finish_run(session=session, run_id=run_id, outcome=RunOutcome.OK, detail=result)


def _note_calendar(job: str, detail: Detail) -> None:
    warning = calendar.calendar_warning()
    if warning:
        detail["calendar_warning"] = warning
        log.warning("job %s: %s", job, warning)


def combine(results: Sequence[Mapping[str, object]]) -> Detail:
    """Merge the results of one job's parts (one per county): numbers add up, lists unite."""
    merged: Detail = {}
    for result in results:
        for key, value in result.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                merged[key] = merged.get(key, 0) + value
            elif isinstance(value, list):
                merged[key] = sorted(set(merged.get(key, [])) | set(value))
    return merged


def last_run(*, session: Session, job: str, outcome: RunOutcome | None = None) -> JobRun | None:
    """The job's most recently started run (of the given outcome, if one is given)."""
    query = select(JobRun).where(JobRun.job == job)
    if outcome is not None:
        query = query.where(JobRun.outcome == outcome)
    found: JobRun | None = session.execute(
        query.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)
    ).scalar_one_or_none()
    return found


def abandon_running(*, session: Session, runner: str) -> int:
    """Mark the runner's runs still 'running' as failed (its process died); returns how many."""
    return changed_rows(
        session.execute(
            update(JobRun)
            .where(JobRun.runner == runner, JobRun.outcome == RunOutcome.RUNNING)
            .values(
                outcome=RunOutcome.FAILED,
                finished_at=clock.now(),
                detail={"error": "运行中断：调度进程在运行期间停止"},
            )
            .execution_options(synchronize_session=False)
        )
    )
