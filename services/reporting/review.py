"""季度风险研判: the quarterly risk review of a jurisdiction subtree.

Figures per township and level (carried over, found, closed, still open, overdue) and the
repeat offenders come from services.figures; the review writes them as JSON and as a workbook
whose first sheets summarise them, followed by the quarter's two lists. The scheduled run
(flows/risk_review_flow.py) reviews the previous quarter from the first working day of a
quarter on, once.
"""

import datetime as dt
import json
from pathlib import Path
from typing import TypedDict, final

from sqlmodel import Session

from config.settings import get_settings
from models.enums import HazardLevel, label
from services.core import calendar, clock
from services.core.jurisdictions import county_paths, resolve_scope
from services.core.numbers import rate_text
from services.core.periods import Period, period_containing, previous_period
from services.core.periods import quarter as parse_quarter
from services.figures import LEVELS, quarter_stats
from services.figures.hazards import HazardCounts
from services.figures.quarter import QuarterStats
from services.reporting.list_workbook import ListWorkbook
from services.reporting.lists import export_lists, span_label
from services.reporting.periodic import NotDue, Row

SUMMARY_HEADERS = (
    "乡镇（街道）",
    "隐患等级",
    "上季度结转",
    "本季度发现",
    "本季度销号",
    "季度末未销号",
    "其中逾期",
    "销号率",
)
SUMMARY_WIDTHS = (22, 10, 12, 12, 12, 14, 10, 10)
REPEAT_HEADERS = (
    "序号",
    "主体名称",
    "编号（信用代码/许可证/登记备案）",
    "所属区划",
    "有隐患的季度",
    "隐患数",
)
REPEAT_WIDTHS = (6, 36, 26, 26, 30, 8)


class ReviewFiles(TypedDict):
    workbook: Path
    figures: Path


@final
class Reviewed(QuarterStats):
    """A risk review: the quarter's hazard figures and repeat offenders, the hazards listed and
    the files written."""

    lists: int
    files: dict[str, str]  # workbook, figures → path


def first_workday(period: Period) -> dt.date:
    """The first working day of a period."""
    day = period.start
    while not calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def review_files(*, period: Period, code: str, out_dir: str | Path | None = None) -> ReviewFiles:
    """Where a review's workbook and figures are written."""
    folder = Path(out_dir) if out_dir else Path(get_settings().data_dir) / "review" / period.name
    return {
        "workbook": folder / f"风险研判-{code}-{period.name}.xlsx",
        "figures": folder / f"风险研判-{code}-{period.name}.json",
    }


def run_review(
    *,
    session: Session,
    quarter: str | None = None,
    jurisdiction_code: str | None = None,
    out_dir: str | Path | None = None,
) -> Reviewed:
    """Review a quarter (default: the previous one) and write its workbook and figures."""
    today = clock.today()
    period = (
        parse_quarter(quarter)
        if quarter
        else previous_period(period_containing(today, "quarterly"))
    )
    stats = quarter_stats(session=session, quarter=period, jurisdiction_code=jurisdiction_code)
    code = stats["jurisdiction"]["code"]
    files = review_files(period=period, code=code, out_dir=out_dir)
    lists = export_lists(
        session=session,
        path=files["workbook"],
        jurisdiction_code=code,
        quarter=period.name,
        extra_sheets=lambda book: _summary(book, stats),
    )
    written = {"workbook": str(files["workbook"]), "figures": str(files["figures"])}
    result: Reviewed = {**stats, "lists": lists["hazards"], "files": written}
    files["figures"].write_text(
        json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return result


def run_scheduled(*, session: Session, jurisdiction_code: str | None = None) -> Reviewed | NotDue:
    """The scheduled review: from the first working day of a quarter, review the previous one
    once (a later day catches up a missed run; a written review is not redone)."""
    today = clock.today()
    current = period_containing(today, "quarterly")
    if today < first_workday(current):
        return {"skipped": f"今天（{today}）早于本季度第一个工作日 {first_workday(current)}"}
    period = previous_period(current)
    code = resolve_scope(session=session, code=jurisdiction_code).code
    if review_files(period=period, code=code)["figures"].exists():
        return {"skipped": f"{period.name} 的风险研判已生成"}
    return run_review(session=session, quarter=period.name, jurisdiction_code=code)


def county_codes(*, session: Session) -> list[str | None]:
    """The counties to review one by one; [None] (the default scope) for a single county."""
    paths = county_paths(session=session)
    codes: list[str | None] = [p.strip("/").split("/")[-1] for p in paths]
    return codes if len(codes) > 1 else [None]


def _summary(book: ListWorkbook, stats: QuarterStats) -> None:
    name = stats["jurisdiction"]["name"]
    span = span_label(parse_quarter(stats["quarter"]), clock.today())
    note = f"统计截至 {stats['as_of']}；逾期指过整改时限仍未销号"
    body = book.list_sheet(
        "研判汇总",
        f"{name}食品安全风险研判汇总（{span}）",
        note,
        SUMMARY_HEADERS,
        SUMMARY_WIDTHS,
        centred=range(1, 8),
    )
    hazards = stats["hazards"]
    for town in hazards["by_township"]:
        for level in LEVELS:
            counts = town["levels"][level]
            body.write(
                _figures_row(
                    town["name"], label(HazardLevel, level), counts, counts["closure_rate"]
                )
            )
        body.write(_figures_row(town["name"], "小计", town["total"], town["total"]["closure_rate"]))
    body.write(_figures_row("合计", "", hazards["totals"], hazards["totals"]["closure_rate"]))
    repeat = book.list_sheet(
        "屡查屡犯主体",
        f"{name}屡查屡犯主体（{span}）",
        "近几个季度中两个及以上季度被发现隐患、且本季度仍有隐患的主体",
        REPEAT_HEADERS,
        REPEAT_WIDTHS,
        centred=(0, 4, 5),
        numbered=True,
    )
    for r in stats["repeat_offenders"]:
        repeat.write(
            (
                r["entity_name"],
                r["entity_key"] or "无编码",
                r["jurisdiction"],
                "、".join(r["quarters"]),
                r["hazards"],
            )
        )
    if not stats["repeat_offenders"]:
        repeat.note += "。本季度没有屡查屡犯主体"


def _figures_row(town: str, level: str, c: HazardCounts, rate: float | None) -> Row:
    return (town, level, c["carried_over"], c["found"], c["closed"], c["open"], c["overdue"],
            rate_text(rate))  # fmt: skip


def render_text(result: Reviewed) -> str:
    """The review's figures as Chinese lines for the terminal."""
    span = span_label(parse_quarter(result["quarter"]), clock.today())
    title = f"{result['jurisdiction']['name']}食品安全风险研判（{span}）"
    lines = [title, "乡镇（街道）\t结转\t发现\t销号\t未销号\t逾期\t销号率"]
    hazards = result["hazards"]
    for name, total in [
        *((t["name"], t["total"]) for t in hazards["by_township"]),
        ("合计", hazards["totals"]),
    ]:
        row = _figures_row(name, "", total, total["closure_rate"])
        lines.append("\t".join(str(v) for v in (row[0], *row[2:])))
    lines.append(f"屡查屡犯主体 {len(result['repeat_offenders'])} 个；清单 {result['lists']} 项。")
    lines.append(f"已写入：{result['files']['workbook']}")
    return "\n".join(lines)
