"""The monthly report (月报) of the month just ended, mailed to the county office.

Purpose: per township and tier, the month's tasks due and done, visits recorded, the quarter's
completion so far, hazards found, closed, open and overdue, and 未包保 entities — written as a
workbook and a DOCX under DATA_DIR/reports/monthly/<month>/<county code>/ and, with [reports]
recipients configured, queued to them through the outbox.

Schedule (config/schedules.toml, job `monthly-report`, Asia/Shanghai): 08:10 every day from the
1st to the 15th of each month. The service decides (services.reporting.monthly.run_scheduled):
from the [reports] monthly_workday-th working day of the month on (default the 3rd) it reports
the previous month once per county; a morning the scheduler missed is caught up the next day.
One Prefect task per county, never per row.
"""

from typing import TypedDict

from prefect import flow, runtime, task

from config.settings import get_settings
from flows import Detail, Skipped
from models.db import session_scope
from services.reporting import monthly, review
from services.scheduling.prefect_env import record_deployment_runs


class Reported(TypedDict):
    """One county's monthly report: its files and the mail that queued them (None: no recipient)."""

    jurisdiction: str
    month: str
    files: list[str]
    mail: Detail | None


class MonthlyRun(TypedDict):
    produced: int
    skipped: int
    reports: list[Reported | Skipped]


@task(
    name="monthly-report-county", task_run_name="monthly-{code}", retries=1, retry_delay_seconds=30
)
def county_report(code: str | None) -> Reported | Skipped:
    """One county's monthly report when due; {"skipped": reason} otherwise."""
    with session_scope(get_settings().database_url) as session:
        result = monthly.run_scheduled(session=session, jurisdiction=code)
    if "skipped" in result:
        return Skipped(jurisdiction=code, skipped=result["skipped"])
    return {
        "jurisdiction": result["jurisdiction"]["code"],
        "month": result["month"],
        "files": [f["path"] for f in result["files"]],
        "mail": result["mail"],
    }


@flow(name="monthly-report")
@record_deployment_runs
def monthly_report_flow() -> MonthlyRun:
    """Report the previous month of every county, from the report day on."""
    with session_scope(get_settings().database_url) as session:
        codes = review.county_codes(session=session)
    run = county_report if runtime.flow_run.id else county_report.fn
    results = [run(code) for code in codes]
    done = [r for r in results if "skipped" not in r]
    return {"produced": len(done), "skipped": len(results) - len(done), "reports": results}
