"""The sentences of 七、存在的问题, each with the rule for when it is said (None: not said).
Named units are the worst few, never all of them; a sentence made only of zeros is not said.
"""

from services.figures.hazards import HazardRates
from services.figures.offenders import RepeatOffender
from services.figures.tasks import TaskRates
from services.reporting.briefing import text as tx
from services.reporting.briefing.text import pct

Rated = list[tuple[str, float | None]]


def worst(rows: Rated, *, target: float, limit: int) -> str:
    """ "甲（50.0%）、乙（60.0%）等4个": the worst `limit` of the rows below target, worst first;
    "" when none is below, or when every row with a rate is (that is no one standing out)."""
    rated = [(name, rate) for name, rate in rows if rate is not None]
    low = sorted((r for r in rated if r[1] < target), key=lambda r: r[1])
    if not low or len(low) == len(rated):
        return ""
    named = "、".join(f"{name}（{pct(rate)}）" for name, rate in low[:limit])
    return named + (f"等{len(low)}个" if len(low) > limit else "")


def completion_low(*, now: TaskRates, scope_word: str, target: float) -> str | None:
    """督导任务完成率偏低: the overall completion rate is below target."""
    rate = now["completion_rate"]
    if rate is None or rate >= target:
        return None
    return (
        f"督导任务完成率偏低。{scope_word}督导完成率{pct(rate)}，低于{pct(target)}的目标，"
        f"{now['undone']}家次到期督导未完成。"
    )


def imbalance(
    *, rows: Rated, unit_word: str, target: float, spread: float, limit: int
) -> str | None:
    """进展不平衡: the units' completion rates differ by more than `spread`."""
    rated = [(name, rate) for name, rate in rows if rate is not None]
    if len(rated) < 2:
        return None
    high = max(rated, key=lambda r: r[1])
    low = min(rated, key=lambda r: r[1])
    gap = round((float(high[1] or 0) - float(low[1] or 0)) * 100, 1)
    if gap <= round(spread * 100, 1):
        return None
    text = (
        f"{unit_word}之间进展不平衡。督导完成率最高的{high[0]}为{pct(high[1])}，最低的"
        f"{low[0]}为{pct(low[1])}，相差{gap:.1f}个百分点"
    )
    named = worst(rows, target=target, limit=limit)
    return text + (f"，{named}{unit_word}低于{pct(target)}的目标。" if named else "。")


def tiers_low(*, rows: Rated, target: float) -> str | None:
    """部分层级履职不到位: some tiers, not all, are below the completion target."""
    named = worst(rows, target=target, limit=len(rows))
    return f"部分层级履职不到位。{named}督导完成率低于目标。" if named else None


def late_visits(*, now: TaskRates, target: float, share: float) -> str | None:
    """按时督导意识不强: on time below target and the shortfall is mostly late visits
    (late ≥ `share` of the tasks not done on time), not unfinished ones."""
    rate, late = now["on_time_rate"], now["late"]
    shortfall = now["due"] - now["on_time"]
    if rate is None or rate >= target or not late or late < share * shortfall:
        return None
    return f"按时督导意识不强。按时完成率{pct(rate)}，低于{pct(target)}的目标，逾期完成{late}家次。"


def closure_low(
    *, totals: HazardRates, rows: Rated, unit_word: str, target: float, limit: int
) -> str | None:
    """隐患整改销号不及时: the closure rate is below target; the worst units 尤为突出."""
    rate = totals["closure_rate"]
    if rate is None or rate >= target:
        return None
    text = f"隐患整改销号不及时。销号率{pct(rate)}，低于{pct(target)}的目标"
    named = worst(rows, target=target, limit=limit)
    return text + (f"，{named}{unit_word}尤为突出。" if named else "。")


def overdue_hazards(*, totals: HazardRates, major: int) -> str | None:
    """逾期隐患仍然存在: some hazards are overdue."""
    if not totals["overdue"]:
        return None
    text = f"逾期隐患仍然存在。逾期未整改隐患{totals['overdue']}个"
    return text + (f"，其中重大隐患{major}个。" if major else "。")


def loops_low(*, rows: Rated, target: float) -> str | None:
    """闭环处置有短板: 抽检不合格 or 投诉举报 closure below target."""
    low = [(n, r) for n, r in rows if r is not None and r < target]
    if not low:
        return None
    return f"闭环处置有短板。{'、'.join(f'{n}（{pct(r)}）' for n, r in low)}问题闭环率低于目标。"


def repeat_offenders(*, offenders: list[RepeatOffender]) -> str | None:
    """屡查屡犯问题突出: entities with hazards in several quarters."""
    if not offenders:
        return None
    names = [f"{o['entity_name']}（{len(o['quarters'])}个季度）" for o in offenders]
    return (
        f"屡查屡犯问题突出。{len(offenders)}家主体在近期多个季度反复发现问题："
        f"{tx.listing(names, unit='家')}。"
    )


def black_again(*, streaks: list[tuple[str, int]]) -> str | None:
    """连续N个季度列入黑榜: units on the 黑榜 in N ≥ 2 ranked quarters in a row."""
    by_count: dict[int, list[str]] = {}
    for name, count in streaks:
        if count >= 2:
            by_count.setdefault(count, []).append(name)
    if not by_count:
        return None
    said = "；".join(
        f"{'、'.join(names)}连续{count}个季度列入黑榜"
        for count, names in sorted(by_count.items(), reverse=True)
    )
    return said + "，整改提升不明显。"


def unassigned(*, count: int) -> str | None:
    """包保关系未全覆盖: operating entities without an officer."""
    return f"包保关系未全覆盖。仍有{count}家在营主体未落实包保干部。" if count else None
