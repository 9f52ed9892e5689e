"""Log files rotate at `[logs] max_mb`, one file per long-running process; a scheduled run that
needed a year nobody entered says so in its job_run row and in the log."""

import datetime as dt
import logging

import pytest
from sqlalchemy import select
from sqlmodel import Session

from cli.logs import configure_logging
from models import JobRun
from services.core import calendar
from services.scheduling import schedule


@pytest.fixture
def own_log_handlers():
    """Take the application's file handler off the root logger for the test, then restore."""
    root = logging.getLogger()
    saved = [h for h in root.handlers if getattr(h, "_baobao", None)]
    for handler in saved:
        root.removeHandler(handler)
    yield root
    for handler in [h for h in root.handlers if getattr(h, "_baobao", None)]:
        root.removeHandler(handler)
        handler.close()
    for handler in saved:
        root.addHandler(handler)


def test_log_files_rotate_and_keep_the_configured_number(own_log_handlers, data_dir, policy_file):
    policy_file("max_mb = 10", "max_mb = 1")
    policy_file("keep = 5 ", "keep = 2 ")
    configure_logging("scheduler")
    line = "调度记录 " + "x" * 1000
    log = logging.getLogger("baobao.test")
    for n in range(3500):  # about 3.5 MB
        log.info("%s %d", line, n)
    folder = data_dir / "logs"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["scheduler.log", "scheduler.log.1", "scheduler.log.2"]
    assert all(p.stat().st_size <= 1024 * 1024 for p in folder.iterdir())
    assert "3499" in (folder / "scheduler.log").read_text(encoding="utf-8")

    configure_logging("web")  # the web process writes its own file
    log.info("网页端记录")
    assert (folder / "web.log").read_text(encoding="utf-8").count("网页端记录") == 1
    assert sum(1 for h in own_log_handlers.handlers if getattr(h, "_baobao", None)) == 1


def test_a_run_that_needed_an_unknown_year_says_so(db_url, caplog):
    calendar.forget_unknown_years()
    with (
        caplog.at_level(logging.WARNING),
        schedule.recorded_run(url=db_url, job="remind", runner="apscheduler") as detail,
    ):
        detail["due"] = str(calendar.add_workdays(dt.date(2027, 3, 1), 3))
    from models.db import get_engine

    with Session(get_engine(db_url)) as session:
        run = session.execute(select(JobRun)).scalar_one()
    assert run.outcome == "ok" and "2027 年的法定节假日" in run.detail["calendar_warning"]
    assert any("job remind" in r.getMessage() and "2027" in r.getMessage() for r in caplog.records)

    with schedule.recorded_run(url=db_url, job="remind", runner="apscheduler") as detail:
        detail["due"] = str(calendar.add_workdays(dt.date(2026, 3, 2), 3))
    with Session(get_engine(db_url)) as session:
        last = schedule.last_run(session=session, job="remind")
    assert "calendar_warning" not in last.detail  # each run says only what it needed
