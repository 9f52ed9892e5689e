"""The job registry (config/schedules.toml), fire times, catch-up and the job_run records."""

import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from config import settings as settings_module
from config.files import ConfigError, ScheduledJob, load_schedules
from models.job_run import JobRun
from services.scheduling import schedule

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str, zone: ZoneInfo = SHANGHAI) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def daily(**extra) -> ScheduledJob:
    return ScheduledJob(name="daily", flow="generate_tasks_flow", cron="30 6 * * *", **extra)


@pytest.fixture
def config_copy(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "config"
    shutil.copytree(ROOT / "config", target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(target))
    settings_module.reset()
    return target


def write_jobs(config_dir: Path, text: str) -> None:
    (config_dir / "schedules.toml").write_text(text, encoding="utf-8")


# --- the shipped file -------------------------------------------------------------------------


def test_shipped_jobs_run_the_generation_flow_daily_and_on_each_period_start():
    jobs = {job.name: job for job in schedule.jobs()}
    assert {"generate-tasks", "generate-tasks-period-start"} <= set(jobs)
    assert all(schedule.flow_file(job).is_file() for job in jobs.values())
    for job in (jobs["generate-tasks"], jobs["generate-tasks-period-start"]):
        assert job.flow == "generate_tasks_flow" and job.timezone == "Asia/Shanghai"
        assert schedule.flow_file(job).is_file() and job.catch_up
    after = at("2026-09-22 07:00")
    assert schedule.next_fire_times(jobs["generate-tasks"], after=after, count=2) == [
        at("2026-09-23 06:30"),
        at("2026-09-24 06:30"),
    ]
    # Every period (month, quarter, half-year, year) starts on the 1st of a month.
    starts = schedule.next_fire_times(jobs["generate-tasks-period-start"], after=after, count=4)
    assert starts == [
        at("2026-10-01 00:05"),
        at("2026-11-01 00:05"),
        at("2026-12-01 00:05"),
        at("2027-01-01 00:05"),
    ]


def test_fire_times_follow_the_job_time_zone_and_default_to_the_settings_one(monkeypatch):
    london = ZoneInfo("Europe/London")
    job = daily(timezone="Europe/London")
    fires = schedule.next_fire_times(job, after=at("2026-10-23 07:00", london), count=2)
    assert fires == [at("2026-10-24 06:30", london), at("2026-10-25 06:30", london)]
    assert fires[0].utcoffset() == dt.timedelta(hours=1)  # British summer time ends 10-25 01:00
    assert fires[1].utcoffset() == dt.timedelta(0)
    assert schedule.job_timezone(daily()) == SHANGHAI
    monkeypatch.setenv("BAOBAO_TIMEZONE", "Asia/Urumqi")
    settings_module.reset()
    assert schedule.job_timezone(daily()) == ZoneInfo("Asia/Urumqi")


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry, key, reason",
    [
        ('timezone = "Mars/Olympus"', "jobs.0.timezone", "时区"),
        ("misfire_grace_seconds = 0", "jobs.0.misfire_grace_seconds", "数值过小"),
        ('when = "daily"', "jobs.0.when", "不认识的配置项"),
    ],
)
def test_a_broken_job_names_the_key(config_copy, entry, key, reason):
    write_jobs(
        config_copy,
        f'[[jobs]]\nname = "a"\nflow = "generate_tasks_flow"\ncron = "0 1 * * *"\n{entry}\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_schedules()
    assert caught.value.key == key and reason in caught.value.reason


def test_duplicate_names_and_missing_flow_files_are_refused(config_copy):
    entry = '[[jobs]]\nname = "a"\nflow = "generate_tasks_flow"\ncron = "0 1 * * *"\n'
    write_jobs(config_copy, entry + entry)
    with pytest.raises(ConfigError, match="重复"):
        load_schedules()
    settings_module.reset()
    from config import files

    files._schedules.cache_clear()
    write_jobs(config_copy, entry.replace("generate_tasks_flow", "nothing_here_flow"))
    with pytest.raises(ConfigError) as caught:
        schedule.jobs()
    assert caught.value.key == "jobs.0.flow" and "flows/nothing_here_flow.py" in caught.value.reason


def test_parameters_and_time_zone_are_read_from_the_file(config_copy):
    write_jobs(
        config_copy,
        '[[jobs]]\nname = "q4"\nflow = "generate_tasks_flow"\n'
        'cron = "0 1 * * *"\ntimezone = "Asia/Shanghai"\ncatch_up = false\n'
        '[jobs.parameters]\nperiod = "2026Q4"\n',
    )
    (job,) = schedule.jobs()
    assert job.parameters == {"period": "2026Q4"} and not job.catch_up
    assert schedule.job_named("q4") is job
    with pytest.raises(ConfigError, match="q4"):
        schedule.job_named("nope")


# --- catch-up -----------------------------------------------------------------------------------


def test_a_fire_time_passed_since_the_last_good_run_is_missed():
    job = daily()
    yesterday_run = at("2026-09-21 06:30:02")
    assert (
        schedule.missed_fire_time(job, last_ok=yesterday_run, now=at("2026-09-22 06:29:59")) is None
    )
    assert schedule.missed_fire_time(job, last_ok=yesterday_run, now=at("2026-09-22 06:30")) == at(
        "2026-09-22 06:30"
    )
    # Down for the whole national-day week: one catch-up, at the first fire missed.
    assert schedule.missed_fire_time(
        job, last_ok=at("2026-09-30 06:30"), now=at("2026-10-08 09:00")
    ) == at("2026-10-01 06:30")
    # A run at 10:00 after the 06:30 fire covers it.
    assert (
        schedule.missed_fire_time(job, last_ok=at("2026-09-22 10:00"), now=at("2026-09-22 23:59"))
        is None
    )


def test_a_job_that_never_ran_is_due_unless_catch_up_is_off():
    now = at("2026-09-22 12:00")
    assert schedule.missed_fire_time(daily(), last_ok=None, now=now) == now
    assert schedule.missed_fire_time(daily(catch_up=False), last_ok=None, now=now) is None
    assert (
        schedule.missed_fire_time(daily(catch_up=False), last_ok=at("2026-01-01 00:00"), now=now)
        is None
    )


# --- run records (SQLite and PostgreSQL) --------------------------------------------------------


def test_a_recorded_run_keeps_its_detail_and_is_the_last_run(db_url, session, set_today):
    set_today("2026-09-22")
    with schedule.recorded_run(url=db_url, job="daily", runner="apscheduler") as detail:
        assert session.exec(select(JobRun)).one().outcome == "running"  # committed at once
        detail.update({"created": 5, "periods": ["2026Q3"]})
    session.expire_all()
    run = schedule.last_run(session=session, job="daily")
    assert run.outcome == "ok" and run.detail == {"created": 5, "periods": ["2026Q3"]}
    assert run.started_at.astimezone(SHANGHAI).date() == dt.date(2026, 9, 22)
    assert run.finished_at >= run.started_at and run.runner == "apscheduler"
    assert schedule.last_run(session=session, job="other") is None


def test_a_failed_run_is_recorded_and_the_error_raised(db_url, session):
    with (
        pytest.raises(ZeroDivisionError),
        schedule.recorded_run(url=db_url, job="daily", runner="prefect") as detail,
    ):
        detail["counties"] = 3
        _ = 1 / 0
    run = schedule.last_run(session=session, job="daily")
    assert run.outcome == "failed" and run.detail["counties"] == 3
    assert "ZeroDivisionError" in run.detail["error"] and run.finished_at is not None
    assert schedule.last_run(session=session, job="daily", outcome="ok") is None


def test_last_good_run_skips_later_failures_and_abandoned_runs_fail(db_url, session):
    with schedule.recorded_run(url=db_url, job="daily", runner="apscheduler"):
        pass
    good = schedule.last_run(session=session, job="daily").id
    with (
        pytest.raises(RuntimeError),
        schedule.recorded_run(url=db_url, job="daily", runner="apscheduler"),
    ):
        raise RuntimeError("down")
    mine = schedule.start_run(session=session, job="daily", runner="apscheduler")
    theirs = schedule.start_run(session=session, job="daily", runner="prefect")
    schedule.record_skipped(session=session, job="daily", runner="apscheduler", reason="忙")
    session.commit()
    assert schedule.last_run(session=session, job="daily", outcome="ok").id == good
    assert schedule.last_run(session=session, job="daily").outcome == "skipped"
    assert schedule.abandon_running(session=session, runner="apscheduler") == 1
    session.commit()
    session.expire_all()
    assert session.get(JobRun, mine).outcome == "failed"
    assert "中断" in session.get(JobRun, mine).detail["error"]
    assert session.get(JobRun, theirs).outcome == "running"


def test_parts_of_a_run_combine():
    parts = [
        {"created": 3, "existing": 1, "cancelled": 0, "periods": ["2026Q3"]},
        {"created": 2, "existing": 0, "cancelled": 1, "periods": ["2026-09", "2026Q3"]},
    ]
    assert schedule.combine(parts) == {
        "created": 5,
        "existing": 1,
        "cancelled": 1,
        "periods": ["2026-09", "2026Q3"],
    }
    assert schedule.combine([]) == {}


# --- scheduler --list ---------------------------------------------------------------------------


def test_list_prints_next_fire_times_in_chinese(cli, db_url):
    code, out, err = cli("--db", db_url, "--today", "2026-09-30", "scheduler", "--list")
    assert code == 0 and err == ""
    assert "generate-tasks-period-start" in out and "每个期间第一天" in out
    assert "2026-10-01（周四）00:05" in out and "时区 Asia/Shanghai" in out
    assert out.count("上次运行：无记录") == len(schedule.jobs())


def test_list_json_shows_the_last_run(cli, db_url, session):
    with schedule.recorded_run(url=db_url, job="generate-tasks", runner="apscheduler") as d:
        d.update({"created": 7, "existing": 0, "cancelled": 0, "periods": ["2026Q3"]})
    code, out, _ = cli(
        "--db", db_url, "--today", "2026-09-30", "scheduler", "--list", "--json", "--count", "2"
    )
    assert code == 0
    jobs = {job["name"]: job for job in json.loads(out)["jobs"]}
    start = jobs["generate-tasks-period-start"]
    assert start["next"] == ["2026-10-01T00:05:00+08:00", "2026-11-01T00:05:00+08:00"]
    assert jobs["generate-tasks"]["last_run"]["outcome"] == "ok"
    assert jobs["generate-tasks"]["last_run"]["detail"]["created"] == 7
    assert start["last_run"] is None
    code, out, _ = cli("--db", db_url, "scheduler", "--list")
    assert "成功（apscheduler）：新建 7" in out


def test_list_works_before_init_and_json_needs_list(cli, tmp_path):
    db = f"sqlite:///{tmp_path}/empty.db"
    code, out, _ = cli("--db", db, "scheduler", "--list")
    assert code == 0 and "接下来" in out
    code, out, err = cli("--db", db, "scheduler", "--json")
    assert code == 2 and out == "" and "--list" in err


def test_a_missing_flow_stops_the_commands_with_exit_2(cli, config_copy, tmp_path):
    write_jobs(config_copy, '[[jobs]]\nname = "a"\nflow = "gone_flow"\ncron = "0 1 * * *"\n')
    for command in (["scheduler", "--list"], ["deploy"]):
        code, out, err = cli("--db", f"sqlite:///{tmp_path}/x.db", *command)
        assert code == 2 and out == "" and "schedules.toml" in err and "gone_flow" in err
