"""The banquet sections (rule 14) of the 月报 and the annual summary, registered in MONTHLY and
ANNUAL after the others: banquets filed, guided, filed late and with illness, by township. The
figures come from the context (services.figures.banquet_figures) as they are."""

from typing import TypedDict

from reports.document import Block
from services.figures.banquets import BanquetCounts, BanquetFigures
from services.figures.tasks import Township
from services.reporting.annual_sections import ANNUAL, SectionContext, say
from services.reporting.briefing.text import pct
from services.reporting.monthly_sections import MONTHLY, MonthlyContext, p, table
from services.reporting.periodic import ReportSection, Row, SectionBody, SheetPart

HEADERS = ("备案（场）", "应现场指导", "已指导", "指导率", "逾期备案", "身体不适（场）", "不适人数")


def _row(n: BanquetCounts) -> Row:
    return (n["filed"], n["to_guide"], n["guided"], pct(n["guidance_rate"]), n["late"],
            n["with_illness"], n["ill"])  # fmt: skip


class WithBanquets(TypedDict):
    """Any context with the banquet figures and the townships (month, year, quarter)."""

    banquets: BanquetFigures
    townships: list[Township]


def banquet_rows(c: WithBanquets) -> list[Row]:
    """One row per township with banquets, and a total."""
    towns = c["banquets"]["by_township"]
    rows: list[Row] = [
        (t["name"], *_row(towns[t["code"]])) for t in c["townships"] if t["code"] in towns
    ]
    return rows + [("合计", *_row(c["banquets"]["totals"]))]


def summary(n: BanquetCounts, span: str) -> str:
    """The banquet figures of a span in one sentence."""
    if not n["filed"]:
        return f"{span}无农村集体聚餐备案。"
    ill = (
        f"聚餐后发生身体不适{n['with_illness']}场、{n['ill']}人"
        if n["with_illness"]
        else "未接报聚餐后身体不适"
    )
    return (
        f"{span}备案农村集体聚餐{n['filed']}场，其中应现场指导{n['to_guide']}场，已指导{n['guided']}场，"
        f"指导率{pct(n['guidance_rate'])}；逾期备案{n['late']}场；{ill}。"
    )  # fmt: skip


def _monthly(c: MonthlyContext) -> SectionBody:
    n = c["banquets"]["totals"]
    blocks: list[Block] = [p(summary(n, "本月"))]
    if n["filed"]:
        blocks.append(
            table("分乡镇农村集体聚餐备案情况", ("乡镇（街道）", *HEADERS), banquet_rows(c))
        )
    return {"heading": "四、农村集体聚餐备案情况", "blocks": blocks}


def _monthly_sheets(c: MonthlyContext) -> list[SheetPart]:
    return [
        SheetPart(
            "聚餐备案",
            f"{c['jurisdiction']['name']}农村集体聚餐备案情况（{c['label']}）",
            ("乡镇（街道）", *HEADERS),
            (22, 12, 12, 12, 12, 12, 14, 12),
            banquet_rows(c),
            tuple(range(1, 8)),
        )
    ]


def _annual(c: SectionContext) -> SectionBody:
    n = c["banquets"]["totals"]
    values = {k: v for k, v in n.items() if k != "guidance_rate"}
    blocks: list[Block] = [say(c, "banquets", **values, guidance_rate=pct(n["guidance_rate"]))]
    if n["filed"]:
        blocks.append(
            table("分乡镇农村集体聚餐备案情况", ("乡镇（街道）", *HEADERS), banquet_rows(c))
        )
    return {"blocks": blocks}


MONTHLY.register(ReportSection("banquets", _monthly, _monthly_sheets))
ANNUAL.register(ReportSection("banquets", _annual))
