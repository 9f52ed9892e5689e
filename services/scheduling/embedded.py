"""The embedded scheduler: config/schedules.toml run in this process by APScheduler 3.

Each job fires on its cron in its time zone; runs of one job never overlap (max_instances=1),
fire times that piled up are coalesced into one run, a run more than the job's
misfire_grace_seconds late is skipped. Jobs run one at a time in one worker thread (SQLite
has one writer anyway). On start, a job whose fire time passed while the scheduler was down
(per the job_run table) runs at once. Every run, skipped ones included, is a job_run row.
APScheduler fires on the wall clock; --today / BAOBAO_TODAY moves only the dates the flows use
(and the catch-up comparison, which is made against the job_run rows written on that clock).

The caller supplies `launch(job) -> dict`, which runs the job's flow and returns its detail
(services cannot import flows), and `notify(text)` for the Chinese progress lines.
"""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from config.files import ScheduledJob
from config.settings import get_settings
from models.db import session_scope
from models.enums import RunOutcome
from services.core import clock
from services.core.errors import BadInput
from services.scheduling import schedule

RUNNER = "apscheduler"
WORKER_THREADS = 1
AT_START = "@start"  # id suffix of a job's one-off catch-up run

Launch = Callable[[ScheduledJob], Mapping[str, Any] | None]  # a job's flow, run: its result
Notify = Callable[[str], None]


@contextmanager
def single_instance() -> Iterator[Path]:
    """Hold DATA_DIR/scheduler.lock while the scheduler runs; BadInput if another one holds it."""
    import fcntl

    path = (Path(get_settings().data_dir) / "scheduler.lock").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BadInput(
                f"另一个调度进程正在运行（锁文件 {path}），同一数据目录只能运行一个"
            ) from None
        try:
            yield path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(
    *,
    url: str,
    launch: Launch,
    notify: Notify = lambda _text: None,
    blocking: bool = True,
    jobs: list[ScheduledJob] | None = None,
) -> Any:
    """A scheduler (not started) holding every job; a missed job is due at once (an
    APScheduler scheduler: the library has no type information)."""
    from apscheduler.events import (
        EVENT_JOB_MAX_INSTANCES,
        EVENT_JOB_MISSED,
        EVENT_SCHEDULER_STARTED,
    )
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(executors={"default": ThreadPoolExecutor(WORKER_THREADS)}, timezone=clock.tz())
    jobs = schedule.jobs() if jobs is None else jobs
    due = catch_up(url=url, jobs=jobs, now=clock.now(), notify=notify)
    for job in jobs:
        common = {
            "func": run_job,
            "name": job.name,
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": job.misfire_grace_seconds,
            "kwargs": {"url": url, "job": job, "launch": launch, "notify": notify},
        }
        scheduler.add_job(trigger=schedule.trigger(job), id=job.name, **common)
        if job.name in due:  # a one-off run at once (a date trigger without a date is "now")
            scheduler.add_job(trigger="date", id=f"{job.name}{AT_START}", **common)
    scheduler.add_listener(
        lambda event: _skipped(event, url=url, notify=notify),
        EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES,
    )
    scheduler.add_listener(
        lambda _event: _announce(scheduler, jobs, notify), EVENT_SCHEDULER_STARTED
    )
    return scheduler


def _announce(scheduler: Any, jobs: list[ScheduledJob], notify: Notify) -> None:
    """Say when each job fires next (APScheduler computes it on the wall clock at start)."""
    for job in jobs:
        fire = scheduler.get_job(job.name).next_run_time
        notify(f"  {job.name}：下次 {_local(fire, job) if fire else '无'}")


def catch_up(*, url: str, jobs: list[ScheduledJob], now: dt.datetime, notify: Notify) -> set[str]:
    """Close runs a dead process left 'running'; the names of the jobs to run at once."""
    due: set[str] = set()
    with session_scope(url) as session:
        abandoned = schedule.abandon_running(session=session, runner=RUNNER)
        if abandoned:
            notify(f"上次调度进程停止时有 {abandoned} 次运行未结束，已记为失败。")
        for job in jobs:
            last = schedule.last_run(session=session, job=job.name, outcome=RunOutcome.OK)
            missed = schedule.missed_fire_time(
                job, last_ok=last.started_at if last else None, now=now
            )
            if missed is not None:
                due.add(job.name)
                when = "从未运行" if last is None else f"错过了 {_local(missed, job)}"
                notify(f"补跑 {job.name}（{when}）。")
    return due


def run_job(*, url: str, job: ScheduledJob, launch: Launch, notify: Notify) -> schedule.Detail:
    """Run one job's flow, recorded in job_run; a failure is recorded, reported and swallowed."""
    notify(f"{_local(clock.now(), job)} 开始运行 {job.name}。")
    try:
        with schedule.recorded_run(url=url, job=job.name, runner=RUNNER) as detail:
            detail.update(launch(job) or {})
    except Exception as exc:  # noqa: BLE001 - one failed run must not stop the scheduler
        notify(f"{job.name} 运行失败：{type(exc).__name__}: {exc}（详见 job_run 表与日志）")
        return {"error": str(exc)}
    notify(f"{job.name} 运行完成：{summary(detail)}。")
    return detail


def summary(detail: Mapping[str, Any] | None) -> str:
    """A short Chinese summary of a run's detail (counts of generation and the like)."""
    labels = {
        "created": "新建",
        "existing": "已有",
        "cancelled": "取消",
        "handed_over": "交接",
        "counties": "县数",
        "queued": "排队",
        "sent": "已发送",
        "failed": "失败",
        "error": "错误",
        "reason": "原因",
        "archive": "备份文件",
        "calendar_warning": "警告",
    }
    parts = [f"{label} {detail[key]}" for key, label in labels.items() if detail and key in detail]
    if detail and detail.get("periods"):
        parts.append("期间 " + "、".join(detail["periods"]))
    return "，".join(parts) or "无"


def _skipped(event: Any, *, url: str, notify: Notify) -> None:
    from apscheduler.events import EVENT_JOB_MISSED

    reason = (
        "晚于宽限时间，本次不再运行"
        if event.code == EVENT_JOB_MISSED
        else "上一次运行尚未结束，本次跳过"
    )
    name = event.job_id.removesuffix(AT_START)
    with session_scope(url) as session:
        schedule.record_skipped(session=session, job=name, runner=RUNNER, reason=reason)
    notify(f"{name} {reason}。")


def _local(moment: dt.datetime, job: ScheduledJob) -> str:
    return moment.astimezone(schedule.job_timezone(job)).strftime("%Y-%m-%d %H:%M")
