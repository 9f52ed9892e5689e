"""The quarterly risk review (季度风险研判) of the quarter just ended.

Purpose: per township and level, the hazards carried over, found, closed, still open and
overdue in the quarter, the repeat offenders (entities with hazards in two or more quarters),
and the quarter's two lists (风险隐患清单 + 治理责任清单) — written as one workbook and one
JSON file under DATA_DIR/review/<quarter>/ for each county.

Schedule (config/schedules.toml, job `risk-review`, Asia/Shanghai): 07:30 every day from the
1st to the 10th of January, April, July and October. The service decides
(services.reporting.review.run_scheduled): from the first working day of the quarter on (2026-10-08 for
2026Q3, after the National Day holiday) it reviews the previous quarter once per county;
earlier days do nothing, and a county whose review is written is not redone, so a morning the
scheduler missed is caught up the next day. One Prefect task per county, never per row.
"""

from typing import TypedDict

from prefect import flow, runtime, task

from config.settings import get_settings
from flows import Detail, Skipped
from models.db import session_scope
from services.reporting import review
from services.scheduling.prefect_env import record_deployment_runs


class Reviewed(TypedDict):
    """One county's review: its files (workbook, figures) and the quarter's hazard totals."""

    jurisdiction: str
    quarter: str
    files: dict[str, str]
    hazards: Detail


class ReviewRun(TypedDict):
    reviewed: int
    skipped: int
    reviews: list[Reviewed | Skipped]


@task(
    name="risk-review-county", task_run_name="risk-review-{code}", retries=1, retry_delay_seconds=30
)
def county_review(code: str | None) -> Reviewed | Skipped:
    """Review one county's previous quarter when due; {"skipped": reason} otherwise."""
    with session_scope(get_settings().database_url) as session:
        result = review.run_scheduled(session=session, jurisdiction_code=code)
    if "skipped" in result:
        return Skipped(jurisdiction=code, skipped=result["skipped"])
    return {
        "jurisdiction": result["jurisdiction"]["code"],
        "quarter": result["quarter"],
        "files": result["files"],
        "hazards": result["hazards"]["totals"],
    }


@flow(name="risk-review")
@record_deployment_runs
def risk_review_flow() -> ReviewRun:
    """Review the previous quarter of every county, on or after the quarter's first workday."""
    with session_scope(get_settings().database_url) as session:
        codes = review.county_codes(session=session)
    # In a flow run each county is a Prefect task; risk_review_flow.fn() runs them directly.
    run = county_review if runtime.flow_run.id else county_review.fn
    results = [run(code) for code in codes]
    done = [r for r in results if "skipped" not in r]
    return {"reviewed": len(done), "skipped": len(results) - len(done), "reviews": results}
