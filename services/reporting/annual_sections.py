"""The sections of the annual summary, registered in ANNUAL: entities and officers, supervision,
hazards, the quarters' rankings, campaigns. Each figure is one sentence from
config/documents/annual.toml (a paragraph the clerk can paste), with a table where a breakdown
helps; the figures come from the context (services.reporting.annual.context) as they are.
"""

import datetime as dt
from typing import TypedDict

from models.enums import LABELS, HazardLevel, HazardSource, OfficerTier
from reports.document import Block, BlockKind, Document, Paragraph
from services.figures.banquets import BanquetFigures
from services.figures.coverage import CoverageFigures
from services.figures.hazards import HazardFigures
from services.figures.quarter import JurisdictionRef
from services.figures.tasks import TaskFigures, Township
from services.figures.visits import CampaignFigures, VisitFigures
from services.reporting.briefing.text import cn_date, pct, quarter_label
from services.reporting.monthly_sections import table
from services.reporting.periodic import Registry, ReportSection, Row, SectionBody
from services.reporting.ranking import Board
from services.reporting.ranking import units as ranking_units
from services.reporting.wording import Words


class AnnualContext(TypedDict):
    """A year's figures (services.reporting.annual.context): services.figures' and the ranking's."""

    year: str
    as_of: dt.date
    jurisdiction: JurisdictionRef
    scope_word: str
    coverage: CoverageFigures
    coverage_rate: float | None
    tasks: TaskFigures
    visits: VisitFigures
    hazards: HazardFigures
    rankings: list[Board]  # each quarter's
    campaigns: list[CampaignFigures]
    banquets: BanquetFigures
    townships: list[Township]


class SectionContext(AnnualContext):
    """What a section reads: the year's figures, the summary's wording and its common values."""

    words: Words
    common: dict[str, str]


class Sentence(TypedDict):
    figure: str
    text: str


ANNUAL: Registry[SectionContext] = Registry()
TIERS, LEVELS, SOURCES = LABELS[OfficerTier], LABELS[HazardLevel], LABELS[HazardSource]


def say(c: SectionContext, figure: str, **values: object) -> Paragraph:
    """The sentence of one figure, as a paragraph marked with the figure's name."""
    text = c["words"].text(f"sentences.{figure}", **c["common"], **values)
    return {"kind": BlockKind.PARAGRAPH, "text": text, "figure": figure}


def _counts(counts: dict[str, int], unit: str, names: dict[str, str] | None = None) -> str:
    parts = [f"{(names or {}).get(k, k)}{n}{unit}" for k, n in counts.items() if n]
    return "、".join(parts) or "无"


def _entities(c: SectionContext) -> SectionBody:
    cov = c["coverage"]
    categories = dict(sorted(cov["entities_by_category"].items(), key=lambda i: -i[1]))
    grades = {f"{g}级": cov["entities_by_package_grade"].get(g, 0) for g in "ABCD"}
    risk = cov["entities_by_risk_grade"]
    return {
        "blocks": [
            say(c, "entities", entities=cov["entities"], by_category=_counts(categories, "家")),
            say(
                c,
                "grades",
                by_grade=_counts(grades, "家"),
                high_risk=risk.get("C", 0) + risk.get("D", 0),
            ),
            say(
                c,
                "officers",
                officers=cov["officers"],
                by_tier=_counts(cov["officers_by_tier"], "名", TIERS),
            ),
            say(
                c,
                "coverage",
                covered=cov["entities"] - cov["unassigned"],
                unassigned=cov["unassigned"],
                coverage_rate=pct(c["coverage_rate"]),
            ),
            table(
                "包保主体分布（按业态）",
                ("业态", "主体（家）"),
                [*categories.items(), ("合计", cov["entities"])],
            ),
        ]
    }


def _supervision(c: SectionContext) -> SectionBody:
    t, v = c["tasks"]["all"], c["visits"]
    rows: list[Row] = [
        (
            TIERS[tier],
            n["due"],
            n["done"],
            pct(n["completion_rate"]),
            pct(n["on_time_rate"]),
            v["by_tier"][tier],
        )
        for tier, n in c["tasks"]["by_tier"].items()
        if n["total"] or v["by_tier"][tier]
    ]
    return {
        "blocks": [
            say(
                c,
                "tasks",
                due=t["due"],
                done=t["done"],
                on_time=t["on_time"],
                completion_rate=pct(t["completion_rate"]),
                on_time_rate=pct(t["on_time_rate"]),
            ),
            say(
                c,
                "visits",
                visits=v["visits"],
                onsite=v["onsite"],
                entities_visited=v["entities_visited"],
            ),
            table(
                "分层级督导完成情况",
                ("层级", "应督导", "已完成", "完成率", "按时完成率", "督导次数"),
                rows,
            ),
        ]
    }


def _hazards(c: SectionContext) -> SectionBody:
    h = c["hazards"]
    totals = h["totals"]
    sources = {SOURCES[s]: n["found"] for s, n in h["by_source"].items()}
    levels = {LEVELS[lv]: n["found"] for lv, n in h["by_level"].items()}
    rows: list[Row] = [
        (LEVELS[lv], n["carried_over"], n["found"], n["closed"], n["open"], pct(n["closure_rate"]))
        for lv, n in h["by_level"].items()
    ]
    return {
        "blocks": [
            say(
                c,
                "hazards",
                found=totals["found"],
                carried_over=totals["carried_over"],
                closed=totals["closed"],
                open=totals["open"],
                overdue=totals["overdue"],
                closure_rate=pct(totals["closure_rate"]),
            ),
            say(c, "hazard_sources", by_source=_counts(sources, "个")),
            say(c, "hazard_levels", by_level=_counts(levels, "个")),
            table(
                "问题隐患整改情况（按隐患等级）",
                ("隐患等级", "上年度结转", "新发现", "已销号", "未销号", "销号率"),
                [
                    *rows,
                    (
                        "合计",
                        totals["carried_over"],
                        totals["found"],
                        totals["closed"],
                        totals["open"],
                        pct(totals["closure_rate"]),
                    ),
                ],
            ),
        ]
    }


def _ranking(c: SectionContext) -> SectionBody:
    blocks: list[Block] = []
    for board in c["rankings"]:
        if not board["ranked"]:
            label = quarter_label(board["quarter"])
            reason = board["reason"].removeprefix("本季度")
            blocks.append(
                {"kind": BlockKind.PARAGRAPH, "text": f"{label}{reason}。", "figure": "ranking"}
            )
            continue
        names = {t["code"]: t["name"] for t in ranking_units(board)}
        blocks.append(
            say(
                c,
                "ranking",
                quarter_label=quarter_label(board["quarter"]),
                red="、".join(names[x] for x in board["red"]) or "无",
                black="、".join(names[x] for x in board["black"]) or "无",
            )
        )
    return {"blocks": blocks or [{"kind": BlockKind.PARAGRAPH, "text": "本年度尚无季度排名。"}]}


def _campaigns(c: SectionContext) -> SectionBody:
    found = c["campaigns"]
    blocks: list[Block] = [
        say(
            c,
            "campaigns",
            count=len(found),
            due=sum(x["due"] for x in found),
            done=sum(x["done"] for x in found),
        )
    ]
    for x in found:
        blocks.append(
            say(
                c,
                "campaign",
                name=x["name"],
                due_date=cn_date(x["due_date"]),
                due=x["due"],
                done=x["done"],
                rate=pct(x["completion_rate"]),
            )
        )
    return {"blocks": blocks}


def sentences(doc: Document) -> list[Sentence]:
    """The paste-ready sentence of every figure: [{"figure", "text"}]."""
    return [
        {"figure": b["figure"], "text": b["text"]}
        for section in doc["sections"]
        for b in section["blocks"]
        if b["kind"] == BlockKind.PARAGRAPH and "figure" in b and b["figure"]
    ]


ANNUAL.register(ReportSection("entities", _entities))
ANNUAL.register(ReportSection("supervision", _supervision))
ANNUAL.register(ReportSection("hazards", _hazards))
ANNUAL.register(ReportSection("ranking", _ranking))
ANNUAL.register(ReportSection("campaigns", _campaigns))
