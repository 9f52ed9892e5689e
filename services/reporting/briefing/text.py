"""Chinese wording of the briefing: numbers, rates, dates and comparisons with the last quarter."""

import datetime as dt

from models.enums import HazardLevel, HazardSource, OfficerTier, label
from services.core import periods
from services.figures.rates import rate_text

SCOPE_WORDS = {"city": "全市", "county": "全县", "township": "全镇", "village": "全村"}
NUMERALS = "一二三四五六七八九十"


def cn_date(value: dt.date | str) -> str:
    """2026年10月13日."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.year}年{day.month}月{day.day}日"


def quarter_label(name: str) -> str:
    """2026Q3 → 2026年第三季度."""
    return periods.quarter_label(name)


def pct(rate: float | None) -> str:
    """0.7522 → 75.2%; None → — (services.figures.rates.rate_text)."""
    return rate_text(rate)


def ordinal(i: int) -> str:
    """1 → （一）."""
    return f"（{NUMERALS[i - 1] if i <= 10 else i}）"


def tier_label(tier: str) -> str:
    return label(OfficerTier, tier)


def level_label(level: str) -> str:
    return label(HazardLevel, level)


def source_label(source: str) -> str:
    return label(HazardSource, source)


def change(now: int | None, before: int | None, unit: str) -> str:
    """较上季度增加3家 / 减少 / 持平; no comparison without last quarter's figure."""
    if now is None or before is None:
        return "上季度无可比数据"
    if now == before:
        return "与上季度持平"
    word = "增加" if now > before else "减少"
    return f"较上季度{word}{abs(now - before)}{unit}"


def rate_change(now: float | None, before: float | None) -> str:
    """较上季度提高3.1个百分点 / 下降 / 持平."""
    if now is None or before is None:
        return "上季度无可比数据"
    points = round((now - before) * 100, 1)
    if points == 0:
        return "与上季度持平"
    word = "提高" if points > 0 else "下降"
    return f"较上季度{word}{abs(points):.1f}个百分点"


def listing(names: list[str], limit: int = 5, unit: str = "个") -> str:
    """甲、乙、丙等5个 (at most limit names)."""
    if len(names) <= limit:
        return "、".join(names)
    return "、".join(names[:limit]) + f"等{len(names)}{unit}"


def overdue_text(workdays: int) -> str:
    """逾期3个工作日, or 未逾期."""
    return f"逾期{workdays}个工作日" if workdays > 0 else "未逾期"
