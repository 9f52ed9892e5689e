"""六、红黑榜: the board of the units below the office (townships; counties above the county),
its components, last quarter's rank where there was one, and the note on "—" components."""

from models.enums import JurisdictionLevel
from services.reporting.briefing.blocks import BriefingContext, Part, p, table
from services.reporting.briefing.text import pct
from services.reporting.ranking import RankedUnit, units

LISTS = {"red": "红榜", "black": "黑榜", None: ""}
HEADERS = ["名次", "", "得分", "完成率", "按时完成率", "逾期完成", "未完成", "销号率", "逾期项"]


def rules_text(c: BriefingContext) -> str:
    """How the board is scored and who may be listed (from the policy)."""
    w, board = c["policy"].ranking, c["rank"]
    goals = board["targets"]
    unit = "各县（区）" if board["unit_level"] == JurisdictionLevel.COUNTY else "各乡镇（街道）"
    return (
        f"按照按时完成率（权重{w.on_time_weight * 100:g}%）、隐患销号率（权重"
        f"{w.closure_weight * 100:g}%）计分，逾期{c['policy'].reminders.escalate_after_workdays}"
        f"个工作日以上的任务和隐患每项扣{w.overdue_penalty:g}分，对本季度有到期督导任务的{unit}"
        f"排名；得分相同的名次并列。完成率达到{pct(goals['completion_rate'])}、按时完成率达到"
        f"{pct(goals['on_time_rate'])}、销号率达到{pct(goals['closure_rate'])}（无可计算数据的"
        "指标除外）的单位方可列入红榜，未达到任一目标的单位中得分最低的列入黑榜。"
    )


def _row(t: RankedUnit, prev_rank: dict[str, int | None]) -> list[object]:
    c = t["components"]
    return [
        t["rank"],
        t["name"],
        f"{t['score']:.2f}",
        pct(c["completion_rate"]),
        pct(c["on_time_rate"]),
        c["tasks_late"],
        c["tasks_unfinished"],
        pct(c["closure_rate"]),
        c["overdue_items"],
        "—" if prev_rank.get(t["code"]) is None else prev_rank[t["code"]],
        LISTS[t["list"]],
    ]


def _names(codes: list[str], names: dict[str, str], streaks: dict[str, int]) -> str:
    said = [
        names[code] + (f"（连续{streaks[code]}个季度）" if streaks.get(code, 1) > 1 else "")
        for code in codes
    ]
    return "、".join(said) or "无"


def ranking(c: BriefingContext) -> Part:
    """六、红黑榜."""
    board = c["rank"]
    heading = "六、红黑榜"
    if not board["ranked"]:
        return {"heading": heading, "blocks": [p(f"{board['reason']}。")]}
    before = c["rank_prev"]
    prev_rank = {t["code"]: t["rank"] for t in units(before)} if before else {}
    unit = "县（区）" if board["unit_level"] == JurisdictionLevel.COUNTY else "乡镇（街道）"
    headers = [*HEADERS[:1], unit, *HEADERS[2:], "上季度名次", "榜单"]
    names = {t["code"]: t["name"] for t in units(board)}
    streaks = c["black_streaks"]
    return {
        "heading": heading,
        "blocks": [
            p(rules_text(c)),
            table(
                f"表8 各{unit}包保工作排名",
                headers,
                [_row(t, prev_rank) for t in units(board)],
                board["note"],
            ),
            p(
                f"红榜：{_names(board['red'], names, {})}。"
                f"黑榜：{_names(board['black'], names, streaks)}。"
            ),
        ],
    }
