"""The sections of the monthly report (月报), registered in MONTHLY: 督导完成情况 (by township
and by tier), 问题隐患 (by township), 未包保 (by township). Each lays out figures the context
already holds (services.reporting.monthly.context); nothing is computed here.
"""

import datetime as dt
from typing import TypedDict

from models.enums import LABELS, OfficerTier
from reports.document import BlockKind, Paragraph, Table
from services.figures.banquets import BanquetFigures
from services.figures.coverage import CoverageFigures
from services.figures.hazards import HazardFigures, HazardRates
from services.figures.quarter import JurisdictionRef
from services.figures.tasks import TaskFigures, TaskRates, Township
from services.figures.visits import VisitFigures
from services.reporting.briefing.text import pct
from services.reporting.periodic import Registry, ReportSection, Row, SectionBody, SheetPart


class MonthlyContext(TypedDict):
    """A month's figures (services.reporting.monthly.context), every one from services.figures."""

    month: str
    label: str  # 2026年10月
    as_of: dt.date
    jurisdiction: JurisdictionRef
    scope_word: str
    townships: list[Township]
    tasks: TaskFigures  # due in the month
    quarter: str
    quarter_tasks: TaskFigures  # due in the quarter so far
    visits: VisitFigures
    hazards: HazardFigures
    coverage: CoverageFigures
    unassigned: dict[str, int]  # by township code
    banquets: BanquetFigures


class Headline(TypedDict):
    """The month's key figures (for the CLI and the mail)."""

    tasks_due: int
    tasks_done: int
    completion_rate: float | None
    visits: int
    quarter_completion_rate: float | None
    hazards_found: int
    hazards_closed: int
    hazards_overdue: int
    unassigned: int


MONTHLY: Registry[MonthlyContext] = Registry()
TIERS = LABELS[OfficerTier]
TASK_HEADERS = ("本月应督导", "本月已完成", "本月完成率", "本月督导次数", "本季度完成率")
HAZARD_HEADERS = ("本月发现", "本月销号", "未销号", "其中逾期", "销号率")


def p(text: str) -> Paragraph:
    return {"kind": BlockKind.PARAGRAPH, "text": text}


def table(caption: str, headers: tuple[str, ...], rows: list[Row]) -> Table:
    return {
        "kind": BlockKind.TABLE,
        "caption": caption,
        "headers": list(headers),
        "rows": [[str(cell) for cell in row] for row in rows],
        "note": "",
    }


def _task_row(now: TaskRates, quarter: TaskRates, visits: int) -> Row:
    return (
        now["due"],
        now["done"],
        pct(now["completion_rate"]),
        visits,
        pct(quarter["completion_rate"]),
    )


def township_task_rows(c: MonthlyContext) -> list[Row]:
    """One row per township and a total: the month's tasks, visits and the quarter's rate."""
    tasks, quarter, visits = c["tasks"], c["quarter_tasks"], c["visits"]
    rows: list[Row] = [
        (
            t["name"],
            *_task_row(
                tasks["by_township"][t["code"]],
                quarter["by_township"][t["code"]],
                visits["by_township"].get(t["code"], 0),
            ),
        )
        for t in c["townships"]
    ]
    return rows + [("合计", *_task_row(tasks["all"], quarter["all"], visits["visits"]))]


def tier_task_rows(c: MonthlyContext) -> list[Row]:
    """One row per tier that had tasks or visits."""
    tasks, quarter, visits = c["tasks"], c["quarter_tasks"], c["visits"]
    return [
        (
            TIERS[tier],
            *_task_row(tasks["by_tier"][tier], quarter["by_tier"][tier], visits["by_tier"][tier]),
        )
        for tier in tasks["by_tier"]
        if tasks["by_tier"][tier]["total"]
        or quarter["by_tier"][tier]["total"]
        or visits["by_tier"][tier]
    ]


def headline(c: MonthlyContext) -> Headline:
    """The month's key figures (for the CLI and the mail)."""
    tasks, hazards = c["tasks"]["all"], c["hazards"]["totals"]
    return {
        "tasks_due": tasks["due"],
        "tasks_done": tasks["done"],
        "completion_rate": tasks["completion_rate"],
        "visits": c["visits"]["visits"],
        "quarter_completion_rate": c["quarter_tasks"]["all"]["completion_rate"],
        "hazards_found": hazards["found"],
        "hazards_closed": hazards["closed"],
        "hazards_overdue": hazards["overdue"],
        "unassigned": c["coverage"]["unassigned"],
    }


def _supervision(c: MonthlyContext) -> SectionBody:
    h = headline(c)
    text = (
        f"{c['label']}，{c['scope_word']}记录包保督导{h['visits']}次；本月到期督导任务{h['tasks_due']}家次，"
        f"已完成{h['tasks_done']}家次，完成率{pct(h['completion_rate'])}；{c['quarter']}季度任务累计完成率"
        f"{pct(h['quarter_completion_rate'])}。"
    )
    return {
        "heading": "一、包保督导完成情况",
        "blocks": [
            p(text),
            table("分乡镇督导完成情况", ("乡镇（街道）", *TASK_HEADERS), township_task_rows(c)),
            table("分层级督导完成情况", ("层级", *TASK_HEADERS), tier_task_rows(c)),
        ],
    }


def _supervision_sheets(c: MonthlyContext) -> list[SheetPart]:
    widths = (22, 12, 12, 12, 14, 14)
    return [
        SheetPart(
            "分乡镇督导",
            f"{c['jurisdiction']['name']}包保督导完成情况（{c['label']}）",
            ("乡镇（街道）", *TASK_HEADERS),
            widths,
            township_task_rows(c),
            tuple(range(1, 6)),
        ),
        SheetPart(
            "分层级督导",
            f"{c['jurisdiction']['name']}分层级督导完成情况（{c['label']}）",
            ("层级", *TASK_HEADERS),
            widths,
            tier_task_rows(c),
            tuple(range(1, 6)),
        ),
    ]


def _hazard_row(n: HazardRates) -> Row:
    return (n["found"], n["closed"], n["open"], n["overdue"], pct(n["closure_rate"]))


def hazard_rows(c: MonthlyContext) -> list[Row]:
    """One row per township with hazards, and a total."""
    towns = {t["code"]: t for t in c["hazards"]["by_township"]}
    rows: list[Row] = [
        (t["name"], *_hazard_row(towns[t["code"]]["total"]))
        for t in c["townships"]
        if t["code"] in towns
    ]
    return rows + [("合计", *_hazard_row(c["hazards"]["totals"]))]


def _hazards(c: MonthlyContext) -> SectionBody:
    h = c["hazards"]["totals"]
    text = (
        f"本月新发现问题隐患{h['found']}个，整改销号{h['closed']}个，销号率{pct(h['closure_rate'])}；"
        f"月末尚未销号{h['open']}个，其中逾期未整改{h['overdue']}个。"
    )
    return {
        "heading": "二、问题隐患整改情况",
        "blocks": [
            p(text),
            table("分乡镇问题隐患整改情况", ("乡镇（街道）", *HAZARD_HEADERS), hazard_rows(c)),
        ],
    }


def _hazard_sheets(c: MonthlyContext) -> list[SheetPart]:
    return [
        SheetPart(
            "问题隐患",
            f"{c['jurisdiction']['name']}问题隐患整改情况（{c['label']}）",
            ("乡镇（街道）", *HAZARD_HEADERS),
            (22, 12, 12, 12, 12, 12),
            hazard_rows(c),
            tuple(range(1, 6)),
        )
    ]


def unassigned_rows(c: MonthlyContext) -> list[Row]:
    """未包保 by township (those with any), and the total."""
    names = {t["code"]: t["name"] for t in c["townships"]}
    rows: list[Row] = [(names.get(code, code), n) for code, n in c["unassigned"].items()]
    return rows + [("合计", c["coverage"]["unassigned"])]


def _unassigned(c: MonthlyContext) -> SectionBody:
    n = c["coverage"]["unassigned"]
    if not n:
        return {
            "heading": "三、包保关系落实情况",
            "blocks": [p(f"月末在营主体{c['coverage']['entities']}家，均已落实包保干部。")],
        }
    return {
        "heading": "三、包保关系落实情况",
        "blocks": [
            p(f"月末在营主体{c['coverage']['entities']}家，尚未落实包保干部的{n}家，分布如下。"),
            table("未包保主体分布", ("乡镇（街道）", "未包保主体（家）"), unassigned_rows(c)),
        ],
    }


def _unassigned_sheets(c: MonthlyContext) -> list[SheetPart]:
    return [
        SheetPart(
            "未包保",
            f"{c['jurisdiction']['name']}未包保主体分布（{c['label']}）",
            ("乡镇（街道）", "未包保主体（家）"),
            (22, 16),
            unassigned_rows(c),
            (1,),
        )
    ]


MONTHLY.register(ReportSection("supervision", _supervision, _supervision_sheets))
MONTHLY.register(ReportSection("hazards", _hazards, _hazard_sheets))
MONTHLY.register(ReportSection("unassigned", _unassigned, _unassigned_sheets))
