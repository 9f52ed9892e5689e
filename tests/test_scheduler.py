"""The embedded scheduler (APScheduler 3): catch-up on start, coalescing, no overlap, skips
recorded, failures recorded; and `./baobao scheduler` in the foreground, stopped by Ctrl-C."""

import datetime as dt
import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from config import settings as settings_module
from config.files import ScheduledJob
from models.db import get_engine
from models.job_run import JobRun
from services.core import clock
from services.scheduling import embedded, schedule
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")


def job(name: str = "daily", **extra) -> ScheduledJob:
    return ScheduledJob(name=name, flow="generate_tasks_flow", cron="30 6 * * *", **extra)


def runs(url: str, name: str = "daily") -> list[JobRun]:
    with Session(get_engine(url)) as session:
        return list(session.exec(select(JobRun).where(JobRun.job == name).order_by(JobRun.id)))


def record_ok(url: str, name: str, started: dt.datetime) -> None:
    with Session(get_engine(url)) as session:
        session.add(
            JobRun(
                job=name,
                runner="apscheduler",
                started_at=started,
                finished_at=started,
                outcome="ok",
                detail={},
            )
        )
        session.commit()


@pytest.fixture
def lines():
    return []


def test_jobs_fire_on_their_cron_in_the_time_zone_with_coalescing_and_no_overlap(db_url, lines):
    record_ok(db_url, "daily", clock.now())  # both ran just now: nothing to catch up
    record_ok(db_url, "late", clock.now())
    runner = embedded.build(
        url=db_url,
        launch=lambda _job: {},
        notify=lines.append,
        blocking=False,
        jobs=[job(), job("late", misfire_grace_seconds=60)],
    )
    daily = runner.get_job("daily")
    assert daily.coalesce is True and daily.max_instances == 1
    assert daily.misfire_grace_time == 3600 and runner.get_job("late").misfire_grace_time == 60
    assert str(daily.trigger.timezone) == "Asia/Shanghai"
    first = daily.trigger.get_next_fire_time(None, dt.datetime(2026, 9, 22, 7, tzinfo=SHANGHAI))
    assert first == dt.datetime(2026, 9, 23, 6, 30, tzinfo=SHANGHAI)
    assert first.astimezone(dt.UTC).hour == 22  # 06:30 in Shanghai is 22:30 UTC the day before
    assert lines == []


def test_a_run_missed_while_down_runs_at_start_and_is_recorded(db_url, lines):
    record_ok(db_url, "daily", clock.now() - dt.timedelta(days=2))
    record_ok(db_url, "fresh", clock.now())
    done = []

    def launch(one: ScheduledJob) -> dict:
        done.append(one.name)
        return {"created": 4, "existing": 2, "cancelled": 0, "periods": ["2026Q3"]}

    runner = embedded.build(
        url=db_url,
        launch=launch,
        notify=lines.append,
        blocking=False,
        jobs=[job(), job("fresh"), job("manual", catch_up=False)],
    )
    assert runner.get_job("daily@start") is not None  # a one-off run at once
    assert runner.get_job("fresh@start") is None and runner.get_job("manual@start") is None
    runner.start()
    try:
        for name in ("daily", "fresh", "manual"):
            assert runner.get_job(name).next_run_time.time() == dt.time(6, 30)
        wait_for(
            lambda: [
                r
                for r in runs(db_url)
                if r.outcome == "ok" and r.runner == "apscheduler" and r.detail
            ]
        )
    finally:
        runner.shutdown(wait=True)
    assert done == ["daily"]
    (run,) = [r for r in runs(db_url) if r.detail]
    assert run.detail == {"created": 4, "existing": 2, "cancelled": 0, "periods": ["2026Q3"]}
    assert any(line.startswith("补跑 daily（错过了") for line in lines)
    assert any("daily 运行完成：新建 4，已有 2，取消 0，期间 2026Q3" in line for line in lines)


def test_a_failing_run_is_recorded_and_the_scheduler_goes_on(db_url, lines):
    def launch(_job):
        raise RuntimeError("数据库不可用")

    runner = embedded.build(
        url=db_url, launch=launch, notify=lines.append, blocking=False, jobs=[job()]
    )  # never ran: due at once
    runner.start()
    try:
        (run,) = wait_for(lambda: [r for r in runs(db_url) if r.outcome == "failed"])
        assert runner.running and runner.get_job("daily") is not None
    finally:
        runner.shutdown(wait=True)
    assert "RuntimeError: 数据库不可用" in run.detail["error"]
    assert any("daily 运行失败" in line for line in lines)


def test_a_run_left_running_by_a_dead_scheduler_is_failed_and_caught_up(db_url, lines):
    with Session(get_engine(db_url)) as session:
        schedule.start_run(session=session, job="daily", runner="apscheduler")
        session.commit()
    runner = embedded.build(
        url=db_url, launch=lambda _job: {}, notify=lines.append, blocking=False, jobs=[job()]
    )
    assert [r.outcome for r in runs(db_url)] == ["failed"]
    assert runner.get_job("daily@start") is not None  # no good run yet: caught up at start
    assert any("已记为失败" in line for line in lines)


def test_a_run_still_going_is_not_started_twice_and_the_skip_is_recorded(db_url, lines):
    record_ok(db_url, "daily", clock.now())
    release, started = threading.Event(), threading.Event()

    def launch(_job):
        started.set()
        release.wait(20)
        return {"created": 1}

    runner = embedded.build(
        url=db_url, launch=launch, notify=lines.append, blocking=False, jobs=[job()]
    )
    runner.start()
    try:
        runner.get_job("daily").modify(next_run_time=clock.now())
        assert started.wait(10)
        runner.get_job("daily").modify(next_run_time=clock.now())  # fires while still running
        wait_for(lambda: [r for r in runs(db_url) if r.outcome == "skipped"])
    finally:
        release.set()
        runner.shutdown(wait=True)
    outcomes = sorted(r.outcome for r in runs(db_url))
    assert outcomes == ["ok", "ok", "skipped"]
    skipped = [r for r in runs(db_url) if r.outcome == "skipped"][0]
    assert "尚未结束" in skipped.detail["reason"]


def test_a_run_later_than_its_grace_time_is_skipped_and_recorded(db_url, lines):
    record_ok(db_url, "daily", clock.now())
    ran = []
    runner = embedded.build(
        url=db_url,
        launch=lambda one: ran.append(one) or {},
        notify=lines.append,
        blocking=False,
        jobs=[job(misfire_grace_seconds=1)],
    )
    runner.get_job("daily").modify(next_run_time=clock.now() - dt.timedelta(minutes=5))
    runner.start()
    try:
        wait_for(lambda: [r for r in runs(db_url) if r.outcome == "skipped"])
    finally:
        runner.shutdown(wait=True)
    assert ran == []
    assert any("晚于宽限时间" in line for line in lines)


# --- ./baobao scheduler, end to end -----------------------------------------------------------


def test_scheduler_command_catches_up_then_stops_cleanly_on_ctrl_c(tmp_path):
    """The real command in a subprocess, as `make run` starts it: demo county, no Prefect
    server (the flow starts Prefect's temporary server), a catch-up run, then Ctrl-C."""
    from services.core.schema import upgrade
    from services.demo import dataset as demo

    url = f"sqlite:///{tmp_path}/baobao.db"
    upgrade(engine=get_engine(url))
    demo.fill(engine=get_engine(url), scale="town", seed=2)
    config = tmp_path / "config"
    config.mkdir()
    for name in ("policy.toml", "checklist.toml"):
        (config / name).write_text(
            (ROOT / "config" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    shutil.copytree(ROOT / "config" / "documents", config / "documents")
    (config / "schedules.toml").write_text(
        '[[jobs]]\nname = "generate-tasks"\nflow = "generate_tasks_flow"\ncron = "30 6 * * *"\n'
        'timezone = "Asia/Shanghai"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAOBAO_", "PREFECT_"))}
    env |= {
        "BAOBAO_DATABASE_URL": url,
        "BAOBAO_DATA_DIR": str(tmp_path / "data"),
        "BAOBAO_CONFIG_DIR": str(config),
        "BAOBAO_TODAY": "2026-09-22",
    }
    process = subprocess.Popen(
        [str(ROOT / "baobao"), "scheduler"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    output: list[str] = []
    reader = threading.Thread(
        target=lambda: [output.append(line) for line in process.stdout], daemon=True
    )
    reader.start()
    try:
        wait_for(
            lambda: any("运行完成" in line for line in output) or process.poll() is not None,
            seconds=150,
            what=f"{output}",
        )
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    reader.join(5)
    text, errors = "".join(output), process.stderr.read()
    assert code == 0, text + errors
    assert "补跑 generate-tasks（从未运行）" in text and "调度已停止。" in text
    assert "generate-tasks 运行完成：新建 " in text and "期间 2026Q3" in text
    assert "Traceback" not in errors and "Traceback" not in text
    (run,) = runs(url, "generate-tasks")
    assert run.outcome == "ok" and run.runner == "apscheduler" and run.detail["created"] > 0
    assert (tmp_path / "data" / "prefect").is_dir()  # Prefect's files under the data directory


def test_a_second_scheduler_on_the_same_data_directory_is_refused(
    cli, db_url, tmp_path, monkeypatch
):
    monkeypatch.setenv("BAOBAO_DATA_DIR", str(tmp_path / "data"))
    settings_module.reset()
    with embedded.single_instance() as lock:
        code, out, err = cli("--db", db_url, "scheduler")
    assert code == 2 and out == "" and "另一个调度进程正在运行" in err and str(lock) in err
    assert runs(db_url, "generate-tasks") == []
    with embedded.single_instance():  # released: the next start may take it
        pass
