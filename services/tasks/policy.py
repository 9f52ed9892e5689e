"""The supervision policy of config/policy.toml: visit frequency, the on-site rule and the
first-visit rule. Each rule lives here once; its numbers live in the policy file.
"""

import datetime as dt
from collections.abc import Mapping
from typing import TypeVar

from config.files import load_policy
from config.policy_model import Frequency
from services.core import calendar
from services.core.periods import Period

K = TypeVar("K", bound=str)


def frequency_for(*, tier: str, package_grade: str, category: str) -> str:
    """The visit frequency of an assignment: 业态 override > 主体等级 override > tier > default."""
    policy = load_policy().frequency
    return (
        _override(policy.category, category)
        or _override(policy.package_grade, package_grade)
        or _override(policy.tier, tier)
        or policy.default
    )


def _override(overrides: Mapping[K, Frequency], key: str) -> Frequency | None:
    # The policy keys its overrides by Literal codes; a row's code is a plain str.
    return next((frequency for code, frequency in overrides.items() if code == key), None)


def frequencies_in_use() -> list[str]:
    """Every frequency the policy can give an assignment, in a stable order."""
    policy = load_policy().frequency
    used = {
        policy.default,
        *policy.tier.values(),
        *policy.package_grade.values(),
        *policy.category.values(),
    }
    order = ("monthly", "quarterly", "half-yearly", "yearly")
    return [f for f in order if f in used]


def frequency_sql(*, entity: str = "e", officer: str = "o") -> tuple[str, dict[str, str]]:
    """frequency_for as a SQL CASE over the given table aliases, with its bound parameters."""
    policy = load_policy().frequency
    params: dict[str, str] = {"freq_default": policy.default}
    branches = []
    for name, column, overrides in (
        ("cat", f"{entity}.category", policy.category),
        ("grade", f"{entity}.package_grade", policy.package_grade),
        ("tier", f"{officer}.tier", policy.tier),
    ):
        for i, (key, frequency) in enumerate(overrides.items()):
            params[f"{name}_k{i}"], params[f"{name}_f{i}"] = key, frequency
            branches.append(f"WHEN {column} = :{name}_k{i} THEN :{name}_f{i}")
    if not branches:
        return ":freq_default", params
    return f"(CASE {' '.join(branches)} ELSE :freq_default END)", params


def onsite_required(risk_grade: str | None) -> bool:
    """Whether an entity of this 风险等级 may only be visited on site (现场督导)."""
    return risk_grade in load_policy().visits.onsite_risk_grades


def first_visit_cutoff(period: Period) -> dt.date:
    """The last start date that still owes this period's visit (the first-visit rule)."""
    # Starting on a day with fewer than visits.first_visit_min_workdays working days left in the
    # period (that day included) owes nothing until the next period. A period with fewer
    # working days than that is owed only by assignments started before it (the day before its
    # start is returned).
    needed = load_policy().visits.first_visit_min_workdays
    if needed == 0:
        return period.end
    day, seen = period.end, 0
    while day >= period.start:
        if calendar.is_workday(day):
            seen += 1
            if seen == needed:
                return day
        day -= dt.timedelta(days=1)
    return period.start - dt.timedelta(days=1)


def owes_first_visit(period: Period, start_date: dt.date) -> bool:
    """Whether an assignment starting on start_date owes this period's visit (first-visit rule)."""
    return start_date <= first_visit_cutoff(period)
