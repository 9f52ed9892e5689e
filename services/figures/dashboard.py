"""The office dashboard: cards that say which period they count, each the sum of its table's rows.

Task rows are the townships of the subtree, then one row per tier for the officers outside every
township (county- and city-tier officers); the 本季 cards count the quarter's tasks, 往期逾期 the
open tasks of earlier periods overdue today. Hazard rows are hazard_figures' township groups;
the officer's overdue hazards and the office's verification overdue are separate cards. A card
is an alarm only when its figure is above zero.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from sqlalchemy import text
from sqlmodel import Session

from models.enums import OfficerTier, label
from services.core.jurisdictions import Place, path_like
from services.core.numbers import rate_text
from services.core.periods import quarter_label
from services.figures import definitions as d
from services.figures.quarter import QuarterFigures
from services.figures.rates import completion_rate, on_time_rate
from services.figures.tasks import no_tasks, township_list

TASK_COUNTS = ("due", "done", "on_time", "late", "overdue", "earlier_overdue")
HAZARD_COUNTS = ("found", "closed", "open", "overdue", "verify_overdue")


class Card(TypedDict):
    key: str
    label: str
    value: int | float | None
    shown: str  # 85.3%, —, 12
    period: str  # 2026年第三季度 · 截至今日（各期）
    alarm: bool  # shown red: an alarm-kind figure above zero
    href: str | None


class TaskRow(TypedDict):
    key: str  # township code, or the tier of officers outside every township
    name: str
    kind: str  # "township" | "tier"
    due: int
    done: int
    on_time: int
    late: int
    overdue: int  # the quarter's tasks overdue as of the figures' day
    earlier_overdue: int  # 往期逾期: earlier periods' open tasks overdue today
    completion_rate: float | None
    on_time_rate: float | None


class HazardRow(TypedDict):
    key: str
    name: str
    found: int
    closed: int
    open: int
    overdue: int
    verify_overdue: int


class Dashboard(TypedDict):
    quarter_label: str  # 2026年第三季度
    task_rows: list[TaskRow]
    task_totals: TaskRow
    hazard_rows: list[HazardRow]
    hazard_totals: HazardRow
    cards: list[Card]


_EARLIER_OVERDUE = (
    "SELECT t.jurisdiction_id, o.tier, COUNT(*) FROM inspection_task t "
    "JOIN officer o ON o.id = t.officer_id JOIN entity e ON e.id = t.entity_id "
    "JOIN jurisdiction ej ON ej.id = e.jurisdiction_id "
    "WHERE ej.path LIKE :scope ESCAPE '\\' AND t.due_date < :start "
    f"AND {d.package_task_sql('t')} AND {d.open_task_overdue_sql('t')} "
    "GROUP BY t.jurisdiction_id, o.tier"
)


def _row_key(where: dict[int, Place], towns: set[str], jid: int, tier: str) -> str:
    place = where.get(jid)
    return place.group_code if place is not None and place.group_code in towns else tier


def earlier_overdue(
    *, session: Session, scope_path: str, where: dict[int, Place], before: dt.date, today: dt.date
) -> dict[str, int]:
    """Open 包保 tasks due before `before` and overdue today, by township code or, outside every
    township, by their officer's tier."""
    towns = {t["code"] for t in township_list(session=session, scope_path=scope_path)}
    params = {"scope": path_like(scope_path), "start": before, **d.params(as_of=today)}
    counts: dict[str, int] = {}
    for jid, tier, n in session.execute(text(_EARLIER_OVERDUE), params):
        key = _row_key(where, towns, jid, tier)
        counts[key] = counts.get(key, 0) + int(n)
    return counts


def _task_row(key: str, name: str, kind: str, c: Mapping[str, Any], earlier: int) -> TaskRow:
    return TaskRow(
        key=key,
        name=name,
        kind=kind,
        due=int(c["due"]),
        done=int(c["done"]),
        on_time=int(c["on_time"]),
        late=int(c["late"]),
        overdue=int(c["overdue"]),
        earlier_overdue=earlier,
        completion_rate=c["completion_rate"],
        on_time_rate=c["on_time_rate"],
    )


def _hazard_row(key: str, name: str, c: Mapping[str, Any]) -> HazardRow:
    return HazardRow(
        key=key,
        name=name,
        found=int(c["found"]),
        closed=int(c["closed"]),
        open=int(c["open"]),
        overdue=int(c["overdue"]),
        verify_overdue=int(c["verify_overdue"]),
    )


def task_rows(figures: QuarterFigures, earlier: dict[str, int]) -> list[TaskRow]:
    """The quarter's task rows: townships, then county- and city-tier officers (any tier left
    outside a township), each with its 往期逾期."""
    tasks = figures["tasks"]
    rows = [
        _task_row(
            t["code"],
            t["name"],
            "township",
            tasks["by_township"][t["code"]],
            earlier.get(t["code"], 0),
        )
        for t in figures["townships"]
    ]
    for tier in reversed(list(OfficerTier)):  # county before city
        counts = tasks.get("by_tier_outside", {}).get(tier)
        if counts is None and not earlier.get(tier):
            continue
        rows.append(
            _task_row(
                tier,
                f"{label(OfficerTier, tier)}干部",
                "tier",
                counts or no_tasks(),
                earlier.get(tier, 0),
            )
        )
    return rows


def _sum_rows(rows: Sequence[Mapping[str, Any]], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: sum(int(r[k]) for r in rows) for k in keys}


def _card(
    key: str,
    name: str,
    value: int | float | None,
    period: str,
    *,
    alarm: bool = False,
    href: str | None = None,
) -> Card:
    shown = rate_text(value) if isinstance(value, float) or value is None else str(value)
    return Card(
        key=key,
        label=name,
        value=value,
        shown=shown,
        period=period,
        alarm=alarm and bool(value),
        href=href,
    )


def office_dashboard(*, figures: QuarterFigures, earlier: dict[str, int]) -> Dashboard:
    """The dashboard of a quarter's figures (as_of today) and today's 往期逾期."""
    rows = task_rows(figures, earlier)
    sums = _sum_rows(rows, TASK_COUNTS)
    sums["completion_rate"] = completion_rate(done=sums["done"], due=sums["due"])
    sums["on_time_rate"] = on_time_rate(on_time=sums["on_time"], due=sums["due"])
    totals = _task_row(
        figures["jurisdiction"]["code"], "合计", "total", sums, sums["earlier_overdue"]
    )
    hazards = [
        _hazard_row(t["code"], t["name"], t["total"]) for t in figures["hazards"]["by_township"]
    ]
    hazard_sums = _hazard_row("", "合计", _sum_rows(hazards, HAZARD_COUNTS))
    name = figures["quarter"]
    quarter = quarter_label(name)
    now = f"截至 {figures['as_of']}（各期）"
    unassigned = int(figures["coverage"]["unassigned"])
    cards = [
        _card(
            "completion_rate",
            f"完成率（{sums['done']}/{sums['due']}）",
            totals["completion_rate"],
            quarter,
            href=f"/office/tasks?status=done&period={name}",
        ),
        _card(
            "on_time_rate",
            f"按时完成率（{sums['on_time']}/{sums['due']}）",
            totals["on_time_rate"],
            quarter,
        ),
        _card(
            "overdue",
            "本季逾期任务",
            sums["overdue"],
            quarter,
            alarm=True,
            href=f"/office/tasks?status=overdue&period={name}",
        ),
        _card(
            "earlier_overdue",
            "往期逾期任务",
            sums["earlier_overdue"],
            f"{quarter}以前 · 截至 {figures['as_of']}",
            alarm=True,
            href="/office/overdue",
        ),
        _card(
            "unassigned",
            "未包保主体",
            unassigned,
            f"截至 {figures['as_of']}",
            alarm=True,
            href="/office/unassigned",
        ),
        _card(
            "hazards_open",
            "未销号隐患",
            hazard_sums["open"],
            now,
            href="/office/hazards?status=open",
        ),
        _card(
            "hazards_overdue",
            "整改逾期隐患（包保干部）",
            hazard_sums["overdue"],
            now,
            alarm=True,
            href="/office/hazards?status=overdue",
        ),
        _card(
            "hazards_verify_overdue",
            "验收逾期隐患（食安办）",
            hazard_sums["verify_overdue"],
            now,
            alarm=True,
            href="/office/hazards?status=verify_overdue",
        ),
    ]
    return Dashboard(
        quarter_label=quarter,
        task_rows=rows,
        task_totals=totals,
        hazard_rows=hazards,
        hazard_totals=hazard_sums,
        cards=cards,
    )
