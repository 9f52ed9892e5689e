"""The annual summary (年度包保工作总结, figures section) of the year just ended.

Purpose: the year's figures in GB/T 9704 form — entities by 业态 and 主体等级, officers by tier,
coverage, tasks and visits, hazards by source and level, the quarters' 红黑榜, campaigns — each
with a sentence a clerk can paste into the county's own summary; DOCX and PDF under
DATA_DIR/reports/annual/<year>/<county code>/, queued to [reports] recipients.

Schedule (config/schedules.toml, job `annual-report`, Asia/Shanghai): 08:20 every day in
January. The service decides (services.reporting.annual.run_scheduled): from the [reports]
annual_workday-th working day of January on (default the 10th) it summarises the previous
year once per county. One Prefect task per county, never per row.
"""

from typing import TypedDict

from prefect import flow, runtime, task

from config.settings import get_settings
from flows import Detail, Skipped
from models.db import session_scope
from services.reporting import annual, review
from services.scheduling.prefect_env import record_deployment_runs


class Summarised(TypedDict):
    """One county's annual summary: its files and the mail that queued them (None: no recipient)."""

    jurisdiction: str
    year: str
    files: list[str]
    mail: Detail | None


class AnnualRun(TypedDict):
    produced: int
    skipped: int
    reports: list[Summarised | Skipped]


@task(name="annual-report-county", task_run_name="annual-{code}", retries=1, retry_delay_seconds=30)
def county_summary(code: str | None) -> Summarised | Skipped:
    """One county's annual summary when due; {"skipped": reason} otherwise."""
    with session_scope(get_settings().database_url) as session:
        result = annual.run_scheduled(session=session, jurisdiction=code)
    if "skipped" in result:
        return Skipped(jurisdiction=code, skipped=result["skipped"])
    return {
        "jurisdiction": result["jurisdiction"]["code"],
        "year": result["year"],
        "files": [f["path"] for f in result["files"]],
        "mail": result["mail"],
    }


@flow(name="annual-report")
@record_deployment_runs
def annual_report_flow() -> AnnualRun:
    """Summarise the previous year of every county, from the report day in January on."""
    with session_scope(get_settings().database_url) as session:
        codes = review.county_codes(session=session)
    run = county_summary if runtime.flow_run.id else county_summary.fn
    results = [run(code) for code in codes]
    done = [r for r in results if "skipped" not in r]
    return {"produced": len(done), "skipped": len(results) - len(done), "reports": results}
