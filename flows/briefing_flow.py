"""Write and mail the quarterly standing-committee briefing (县委常委会季度汇报) of the quarter
just ended, with its red/black ranking (红黑榜).

Schedule (config/schedules.toml, job `briefing`, Asia/Shanghai): 08:00 every day from the 1st
to the 20th of January, April, July and October. The service decides (services.reporting.briefing.document:
due_quarter): the briefing of the previous quarter is due on the report day — the
[briefing] report_workday-th working day of the quarter (default the 5th; 2026-10-13 for
2026Q3, counting the make-up workday 2026-10-10) — and is produced once per county on or after
that day, so a day the scheduler missed is caught up the next morning. Each run writes
DOCX / PDF / HTML under DATA_DIR/briefings/<quarter>/<county code>/<time>/, records a Briefing
row (files, sha256, figures) and, with [briefing] recipients configured, queues the files to
them through the outbox. One Prefect task per county (never per row).
"""

from typing import TypedDict

from prefect import flow, runtime, task

from config.settings import get_settings
from flows import Detail, Skipped
from models.db import session_scope
from services.reporting.briefing import document as briefing
from services.scheduling import schedule


class Produced(TypedDict):
    """One county's briefing: its row, files and the mail that queued them (None: not sent)."""

    jurisdiction: str | None
    quarter: str
    briefing_id: int
    files: list[str]
    mail: Detail | None


class BriefingRun(TypedDict):
    produced: int
    skipped: int
    briefings: list[Produced]


@task(name="briefing-county", task_run_name="briefing-{code}", retries=1, retry_delay_seconds=30)
def county_briefing(code: str | None) -> Produced | Skipped:
    """Produce one county's briefing when it is due; {"skipped": reason} otherwise."""
    with session_scope(get_settings().database_url) as session:
        due = briefing.due_quarter(session=session, jurisdiction=code)
        if due is None:
            return Skipped(jurisdiction=code, skipped="not due or already produced")
        result = briefing.produce(
            session=session, quarter=due, jurisdiction=code, send=briefing.has_recipients()
        )
    return {
        "jurisdiction": code,
        "quarter": due,
        "briefing_id": result["id"],
        "files": [f["path"] for f in result["files"]],
        "mail": result["mail"],
    }


@flow(name="briefing")
def briefing_flow() -> BriefingRun | dict[str, object]:
    """Produce every county's due briefing (previous quarter) and queue it to the recipients."""
    job = runtime.deployment.name
    if not job:
        return _run()
    with schedule.recorded_run(
        url=get_settings().database_url,
        job=job,
        runner="prefect",
        detail={"flow_run": str(runtime.flow_run.id)},
    ) as detail:
        detail.update(_run())
    return detail


def _run() -> BriefingRun:
    with session_scope(get_settings().database_url) as session:
        codes = briefing.county_codes(session=session)
    scopes = codes if len(codes) > 1 else [None]
    # Inside a flow run each county is a Prefect task; called as a plain function (tests,
    # briefing_flow.fn()) the same work runs without Prefect.
    run = county_briefing if runtime.flow_run.id else county_briefing.fn
    results = [run(code) for code in scopes]
    produced = [r for r in results if "briefing_id" in r]
    return {
        "produced": len(produced),
        "skipped": len(results) - len(produced),
        "briefings": produced,
    }
