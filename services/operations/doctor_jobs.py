"""The doctor's check of every scheduled job (config/schedules.toml): its last run and outcome,
and whether a fire time passed more than `[doctor] job_late_hours` ago without a successful run."""

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session

from config.files import ConfigError, ScheduledJob, load_policy
from models.enums import RunOutcome
from services.operations.checks import Check
from services.scheduling import schedule

SCHEDULER_HINT = "请确认调度在运行（./baobao scheduler，或 ./baobao serve 同进程运行）"


def jobs(*, engine: Engine, now: dt.datetime) -> list[Check]:
    """One check per scheduled job."""
    try:
        found = schedule.jobs()
    except ConfigError as exc:
        return [Check("jobs", "定时任务", False, str(exc))]
    late = dt.timedelta(hours=load_policy().doctor.job_late_hours)
    with Session(engine) as session:
        return [_job(session, job, now, late) for job in found]


def _job(session: Session, job: ScheduledJob, now: dt.datetime, late: dt.timedelta) -> Check:
    name, label = f"job:{job.name}", f"定时任务 {job.name}"
    last = schedule.last_run(session=session, job=job.name)
    last_ok = schedule.last_run(session=session, job=job.name, outcome=RunOutcome.OK)
    if last is None:
        return Check(name, label, False, f"从未运行：{SCHEDULER_HINT}")
    if last.outcome == RunOutcome.FAILED:
        error = (last.detail or {}).get("error", "原因不明")
        return Check(name, label, False, f"{_when(last.started_at)} 运行失败：{error}")
    since = last_ok.started_at if last_ok else None
    due = _first_fire(job, after=since, now=now)
    if due is not None and due <= now - late:
        ok_text = f"最近一次成功是 {_when(since)}" if since else "从未成功"
        return Check(name, label, False, f"应在 {_when(due)} 运行，{ok_text}：{SCHEDULER_HINT}")
    shown = last_ok or last
    outcome = schedule.OUTCOMES.get(shown.outcome, shown.outcome)
    return Check(name, label, True, f"上次{outcome} {_when(shown.started_at)}（{shown.runner}）")


def _first_fire(
    job: ScheduledJob, *, after: dt.datetime | None, now: dt.datetime
) -> dt.datetime | None:
    """The first fire time after the last successful start (ever, without one) up to now."""
    start = after or now - dt.timedelta(days=366)
    fire = schedule.trigger(job).get_next_fire_time(None, start + dt.timedelta(microseconds=1))
    return fire if fire is not None and fire <= now else None


def _when(moment: dt.datetime | None) -> str:
    from services.core import clock

    if moment is None:
        return "—"
    local = moment.astimezone(clock.tz()) if moment.tzinfo else moment
    return f"{local:%Y-%m-%d %H:%M}"
