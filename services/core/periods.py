"""Periods of the policy: 2026-09 (monthly), 2026Q3 (quarterly), 2026H2 (half-yearly), 2026."""

import calendar as _cal
import datetime as dt
import re
from dataclasses import dataclass

from services.core.errors import BadInput

FREQUENCIES = ("monthly", "quarterly", "half-yearly", "yearly")
_PATTERNS = {
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})Q([1-4])$"),
    "half-yearly": re.compile(r"^(\d{4})H([12])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}
_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    frequency: str
    name: str

    def __str__(self) -> str:
        return self.name

    def contains(self, day: dt.date) -> bool:
        """Whether day lies in this period."""
        return self.start <= day <= self.end


def _build(frequency: str, year: int, index: int) -> Period:
    months = _MONTHS[frequency]
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    start = dt.date(year, first_month, 1)
    end = dt.date(year, last_month, _cal.monthrange(year, last_month)[1])
    name = {
        "monthly": f"{year}-{first_month:02d}",
        "quarterly": f"{year}Q{index}",
        "half-yearly": f"{year}H{index}",
        "yearly": f"{year}",
    }[frequency]
    return Period(start, end, frequency, name)


def parse_period(name: str) -> Period:
    """The period named 2026-09, 2026Q3, 2026H2 or 2026; BadInput otherwise."""
    text = name.strip().upper()
    for frequency, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if match:
            year = int(match.group(1))
            index = int(match.group(2)) if match.lastindex and match.lastindex > 1 else 1
            if frequency == "monthly" and not 1 <= index <= 12:
                break
            return _build(frequency, year, index)
    raise BadInput(f"期间 {name!r} 无效，应为 2026-09、2026Q3、2026H2 或 2026 这样的写法")


def period_containing(day: dt.date, frequency: str) -> Period:
    """The period of the given frequency that contains day."""
    if frequency not in _MONTHS:
        raise BadInput(f"频次 {frequency!r} 无效，可选：{'、'.join(FREQUENCIES)}")
    index = (day.month - 1) // _MONTHS[frequency] + 1
    return _build(frequency, day.year, index)


def next_period(period: Period) -> Period:
    """The period right after this one, of the same frequency."""
    return period_containing(period.end + dt.timedelta(days=1), period.frequency)


def previous_period(period: Period) -> Period:
    """The period right before this one, of the same frequency."""
    return period_containing(period.start - dt.timedelta(days=1), period.frequency)


def recent_quarters(today: dt.date, n: int = 4) -> list[Period]:
    """The quarter holding today and the n - 1 before it, latest first."""
    found = [period_containing(today, "quarterly")]
    while len(found) < n:
        found.append(previous_period(found[-1]))
    return found


def quarter(name: str) -> Period:
    """A quarter such as 2026Q4; BadInput for any other kind of period."""
    period = parse_period(name)
    if period.frequency != "quarterly":
        raise BadInput(f"季度 {name!r} 无效，应为 2026Q4 这样的写法")
    return period


def quarter_label(name: str) -> str:
    """2026Q3 → 2026年第三季度."""
    return f"{name[:4]}年第{'一二三四'[int(name[-1]) - 1]}季度"
