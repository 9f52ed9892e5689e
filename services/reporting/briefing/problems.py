"""七、存在的问题: the sentences of rules.py, each said when its rule holds, from this quarter's
figures — rates below the policy's targets (overall, by unit, by tier), late visits, overdue
hazards, repeat offenders, units on the 黑榜 again and 未包保 entities."""

from services.reporting.briefing import rules
from services.reporting.briefing import text as tx
from services.reporting.briefing.blocks import BriefingContext, Part, p


def _completion_rows(c: BriefingContext) -> rules.Rated:
    if c["by_county"]:
        return [(u["name"], u["completion_rate"]) for u in c["units"]]
    towns = c["cur"]["tasks"]["by_township"]
    return [(t["name"], towns[t["code"]]["completion_rate"]) for t in c["cur"]["townships"]]


def _closure_rows(c: BriefingContext) -> rules.Rated:
    if c["by_county"]:
        return [(u["name"], u["closure_rate"]) for u in c["units"]]
    codes = {t["code"] for t in c["cur"]["townships"]}
    return [
        (t["name"], t["total"]["closure_rate"])
        for t in c["cur"]["hazards"]["by_township"]
        if t["code"] in codes
    ]


def sentences(c: BriefingContext) -> list[str]:
    """Every sentence whose rule holds, in the briefing's order."""
    targets, tasks, hazards = c["policy"].briefing, c["cur"]["tasks"], c["cur"]["hazards"]
    unit_word = "县（区）" if c["by_county"] else "乡镇（街道）"
    names = {
        t["code"]: t["name"] for t in c["rank"].get("townships") or c["rank"].get("counties") or []
    }
    found = [
        rules.completion_low(
            now=tasks["all"], scope_word=c["scope_word"], target=targets.completion_target
        ),
        rules.imbalance(
            rows=_completion_rows(c),
            unit_word=unit_word,
            target=targets.completion_target,
            spread=targets.imbalance_spread,
            limit=targets.worst_listed,
        ),
        rules.tiers_low(
            rows=[
                (tx.tier_label(t) + "包保干部", n["completion_rate"])
                for t, n in tasks["by_tier"].items()
            ],
            target=targets.completion_target,
        ),
        rules.late_visits(
            now=tasks["all"], target=targets.on_time_target, share=targets.late_share
        ),
        rules.closure_low(
            totals=hazards["totals"],
            rows=_closure_rows(c),
            unit_word=unit_word,
            target=targets.closure_target,
            limit=targets.worst_listed,
        ),
        rules.overdue_hazards(
            totals=hazards["totals"], major=hazards["by_level"]["major"]["overdue"]
        ),
        rules.loops_low(
            rows=[
                (name, hazards["by_source"][code]["closure_rate"])
                for code, name in (("sampling", "抽检不合格"), ("complaint", "投诉举报"))
            ],
            target=targets.closure_target,
        ),
        rules.repeat_offenders(offenders=c["cur"]["repeat_offenders"]),
        rules.black_again(
            streaks=[(names[code], n) for code, n in c["black_streaks"].items() if code in names]
        ),
        rules.unassigned(count=c["cur"]["coverage"]["unassigned"]),
    ]
    return [s for s in found if s]


def _nothing_found(c: BriefingContext) -> str:
    tasks, hazards = c["cur"]["tasks"]["all"], c["cur"]["hazards"]["totals"]
    if tasks["completion_rate"] is None and hazards["closure_rate"] is None:
        return "本季度没有到期的督导任务和应销号的隐患，各项指标无可计算的数据。"
    return "本季度各项指标均达到目标，未发现突出问题，但仍需持续巩固。"


def problems(c: BriefingContext) -> Part:
    """七、存在的问题."""
    found = sentences(c) or [_nothing_found(c)]
    return {
        "heading": "七、存在的问题",
        "blocks": [p(f"{tx.ordinal(i)}{text}") for i, text in enumerate(found, 1)],
    }
