"""五、农村集体聚餐备案情况 (rule 14): the quarter's banquets filed, guided, filed late and with
illness, by township, from the quarter's figures (services.figures.banquet_figures); the filings
compared with last quarter where the system held data then. Guidance tasks are not in the 包保
rates of 二 or the board of 六."""

from reports.document import Block
from services.reporting.banquet_sections import HEADERS, banquet_rows, summary
from services.reporting.briefing.blocks import BriefingContext, Part, before, p, table
from services.reporting.briefing.text import change

HEADING = "五、农村集体聚餐备案情况"


def banquets(c: BriefingContext) -> Part:
    """The section: one paragraph, and the table by township when anything was filed."""
    cur = c["cur"]
    n = cur["banquets"]["totals"]
    text = summary(n, "本季度")
    was = before(c, "banquets", "totals", "filed")
    if n["filed"] or was:
        text += f"备案场次{change(n['filed'], was, '场')}。"
    blocks: list[Block] = [p(text)]
    if n["filed"]:
        rows = [list(row) for row in banquet_rows(cur)]
        note = "注：现场指导任务单独统计，不计入包保督导完成率和红黑榜。"
        blocks.append(
            table("表7 分乡镇农村集体聚餐备案情况", ["乡镇（街道）", *HEADERS], rows, note)
        )
    return {"heading": HEADING, "blocks": blocks}
