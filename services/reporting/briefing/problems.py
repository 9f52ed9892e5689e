"""六、存在的问题: written from the figures — rates below the policy's targets (overall, by
township, by tier), overdue hazards, repeat offenders (entities with hazards in several quarters,
townships on the black list again) and 未包保 entities.
"""

from services.reporting.briefing import text as tx
from services.reporting.briefing.sections import p
from services.reporting.briefing.text import pct


def _below(rows: list[tuple[str, float | None]], target: float) -> list[str]:
    low = sorted((r for r in rows if r[1] is not None and r[1] < target), key=lambda r: r[1])
    return [f"{name}（{pct(rate)}）" for name, rate in low]


def _tasks(c: dict, targets) -> list[str]:
    tasks, found = c["cur"]["tasks"], []
    now = tasks["all"]
    if now["completion_rate"] is not None and now["completion_rate"] < targets.completion_target:
        found.append(
            f"督导任务完成率偏低。{c['scope_word']}督导完成率{pct(now['completion_rate'])}，"
            f"低于{pct(targets.completion_target)}的目标，{now['undone']}家次到期督导未完成。"
        )
    towns = _below(
        [
            (t["name"], tasks["by_township"][t["code"]]["completion_rate"])
            for t in c["cur"]["townships"]
        ],
        targets.completion_target,
    )
    if towns:
        found.append(
            f"乡镇之间进展不平衡。{tx.listing(towns)}乡镇（街道）督导完成率低于"
            f"{pct(targets.completion_target)}的目标。"
        )
    tiers = _below(
        [
            (tx.tier_label(t) + "包保干部", n["completion_rate"])
            for t, n in tasks["by_tier"].items()
        ],
        targets.completion_target,
    )
    if tiers:
        found.append(f"部分层级履职不到位。{'、'.join(tiers)}督导完成率低于目标。")
    if now["on_time_rate"] is not None and now["on_time_rate"] < targets.on_time_target:
        found.append(
            f"按时督导意识不强。按时完成率{pct(now['on_time_rate'])}，低于"
            f"{pct(targets.on_time_target)}的目标，逾期完成{now['late']}家次。"
        )
    return found


def _hazards(c: dict, targets) -> list[str]:
    hazards, found = c["cur"]["hazards"], []
    totals = hazards["totals"]
    towns = _below(
        [
            (t["name"], t["total"]["closure_rate"])
            for t in hazards["by_township"]
            if t["code"] in {x["code"] for x in c["cur"]["townships"]}
        ],
        targets.closure_target,
    )
    if totals["closure_rate"] is not None and totals["closure_rate"] < targets.closure_target:
        text = (
            f"隐患整改销号不及时。销号率{pct(totals['closure_rate'])}，低于"
            f"{pct(targets.closure_target)}的目标"
        )
        found.append(text + (f"，{tx.listing(towns)}乡镇（街道）尤为突出。" if towns else "。"))
    if totals["overdue"]:
        major = hazards["by_level"]["major"]["overdue"]
        found.append(
            f"逾期隐患仍然存在。逾期未整改隐患{totals['overdue']}个"
            + (f"，其中重大隐患{major}个。" if major else "。")
        )
    loops = [
        (name, hazards["by_source"][code]["closure_rate"])
        for code, name in (("sampling", "抽检不合格"), ("complaint", "投诉举报"))
    ]
    low = _below(loops, targets.closure_target)
    if low:
        found.append(f"闭环处置有短板。{'、'.join(low)}问题闭环率低于目标。")
    return found


def _repeat(c: dict) -> list[str]:
    found, offenders = [], c["cur"]["repeat_offenders"]
    if offenders:
        names = [f"{o['entity_name']}（{len(o['quarters'])}个季度）" for o in offenders]
        found.append(
            f"屡查屡犯问题突出。{len(offenders)}家主体在近期多个季度反复发现问题："
            f"{tx.listing(names, unit='家')}。"
        )
    again = [
        t["name"]
        for t in c["rank"]["townships"]
        if t["code"] in c["rank"]["black"] and t["code"] in c["rank_prev"]["black"]
    ]
    if again:
        found.append(f"{'、'.join(again)}连续两个季度列入黑榜，整改提升不明显。")
    unassigned = c["cur"]["coverage"]["unassigned"]
    if unassigned:
        found.append(f"包保关系未全覆盖。仍有{unassigned}家在营主体未落实包保干部。")
    return found


def problems(c: dict) -> dict:
    """六、存在的问题."""
    targets = c["policy"].briefing
    found = _tasks(c, targets) + _hazards(c, targets) + _repeat(c)
    if not found:
        found = ["本季度各项指标均达到目标，未发现突出问题，但仍需持续巩固。"]
    return {
        "heading": "六、存在的问题",
        "blocks": [p(f"{tx.ordinal(i)}{text}") for i, text in enumerate(found, 1)],
    }
