"""红黑榜: townships ranked each quarter from the stats service's figures.

score = 100 × (on_time_weight × 按时完成率 + closure_weight × 隐患销号率)
        − overdue_penalty × (tasks + hazards overdue by ≥ reminders.escalate_after_workdays)
A rate with nothing to measure (no task due, no hazard to close) counts as 100 %: nothing was
missed. Ties break on on-time rate, then closure rate, then fewer overdue items, then code.
Red list = the first ranking.red_size; black list = the last ranking.black_size (never a
township already on the red list), worst first.
"""

from sqlmodel import Session

from config.files import load_policy
from services import figures as stats
from services.core.periods import quarter as parse_quarter


def score(*, on_time_rate: float | None, closure_rate: float | None, overdue_items: int) -> dict:
    """The score of one township and its parts (points are rounded to 2 places)."""
    weights = load_policy().ranking
    on_time = 1.0 if on_time_rate is None else on_time_rate
    closure = 1.0 if closure_rate is None else closure_rate
    parts = {
        "on_time_points": round(100 * weights.on_time_weight * on_time, 2),
        "closure_points": round(100 * weights.closure_weight * closure, 2),
        "penalty": round(weights.overdue_penalty * overdue_items, 2),
    }
    total = parts["on_time_points"] + parts["closure_points"] - parts["penalty"]
    return {**parts, "score": round(total, 2)}


def components(*, figures: dict, code: str) -> dict:
    """A township's measured figures (from a QuarterFigures dict)."""
    tasks = figures["tasks"]["by_township"].get(code) or {}
    towns = {t["code"]: t["total"] for t in figures["hazards"]["by_township"]}
    hazards = towns.get(code) or {}
    overdue_tasks = tasks.get("escalated", 0)
    overdue_hazards = figures["escalated_hazards"].get(code, 0)
    return {
        "tasks_due": tasks.get("due", 0),
        "tasks_on_time": tasks.get("on_time", 0),
        "on_time_rate": tasks.get("on_time_rate"),
        "hazards_to_close": hazards.get("carried_over", 0) + hazards.get("found", 0),
        "hazards_closed": hazards.get("closed", 0),
        "closure_rate": hazards.get("closure_rate"),
        "overdue_tasks": overdue_tasks,
        "overdue_hazards": overdue_hazards,
        "overdue_items": overdue_tasks + overdue_hazards,
    }


def _order(row: dict) -> tuple:
    c = row["components"]
    on_time = 1.0 if c["on_time_rate"] is None else c["on_time_rate"]
    closure = 1.0 if c["closure_rate"] is None else c["closure_rate"]
    return (-row["score"], -on_time, -closure, c["overdue_items"], row["code"])


def rank_figures(*, figures: dict) -> dict:
    """The ranking of the townships in a quarter's figures."""
    rows = []
    for town in figures["townships"]:
        parts = components(figures=figures, code=town["code"])
        points = score(
            on_time_rate=parts["on_time_rate"],
            closure_rate=parts["closure_rate"],
            overdue_items=parts["overdue_items"],
        )
        rows.append(
            {
                "code": town["code"],
                "name": town["name"],
                "score": points.pop("score"),
                "rank": 0,
                "components": {**parts, **points},
            }
        )
    rows.sort(key=_order)
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    policy = load_policy().ranking
    red = [r["code"] for r in rows[: policy.red_size]]
    black = [r["code"] for r in reversed(rows) if r["code"] not in red][: policy.black_size]
    for row in rows:
        row["list"] = "red" if row["code"] in red else "black" if row["code"] in black else None
    return {
        "quarter": figures["quarter"],
        "as_of": figures["as_of"],
        "jurisdiction": figures["jurisdiction"],
        "weights": policy.model_dump(),
        "townships": rows,
        "red": red,
        "black": black,
    }


def ranking(*, session: Session, quarter: str, jurisdiction: str | None = None) -> dict:
    """The 红黑榜 of a quarter for the townships of a subtree (default: the county)."""
    figures = stats.quarter_figures(
        session=session, quarter=parse_quarter(quarter), jurisdiction_code=jurisdiction
    )
    return rank_figures(figures=figures)
