"""The policy: frequency precedence, the on-site rule, the first-visit rule on 2026 dates."""

import datetime as dt

import pytest

from services.core import calendar
from services.core.periods import parse_period
from services.tasks import policy

D = dt.date


def test_default_policy_is_quarterly_for_everyone():
    assert policy.frequencies_in_use() == ["quarterly"]
    for tier in ("city", "county", "township", "village"):
        assert policy.frequency_for(tier=tier, package_grade="D", category="小作坊") == "quarterly"


def test_frequency_precedence_category_then_grade_then_tier_then_default(policy_file):
    policy_file("[frequency.category]", '[frequency.category]\n"学校幼儿园食堂" = "monthly"')
    policy_file("[frequency.package_grade]", '[frequency.package_grade]\nD = "yearly"')
    policy_file('village = "quarterly"\n', "")
    policy_file('township = "quarterly"', 'township = "half-yearly"')
    f = policy.frequency_for
    assert f(tier="township", package_grade="D", category="学校幼儿园食堂") == "monthly"
    assert f(tier="township", package_grade="D", category="餐饮服务") == "yearly"
    assert f(tier="township", package_grade="C", category="餐饮服务") == "half-yearly"
    assert f(tier="village", package_grade="C", category="餐饮服务") == "quarterly"  # default
    assert policy.frequencies_in_use() == ["monthly", "quarterly", "half-yearly", "yearly"]


def test_frequency_sql_without_overrides_is_the_default(policy_file):
    for tier in ("city", "county", "township", "village"):
        policy_file(f'{tier} = "quarterly"\n', "")
    sql, params = policy.frequency_sql()
    assert sql == ":freq_default" and params == {"freq_default": "quarterly"}


@pytest.mark.parametrize(
    "grade, onsite", [("A", False), ("B", False), ("C", True), ("D", True), (None, False)]
)
def test_onsite_rule_for_high_risk_grades(grade, onsite):
    assert policy.onsite_required(grade) is onsite


def test_onsite_grades_come_from_the_policy(policy_file):
    policy_file('onsite_risk_grades = ["C", "D"]', 'onsite_risk_grades = ["D"]')
    assert policy.onsite_required("C") is False and policy.onsite_required("D") is True


@pytest.mark.parametrize(
    "period, cutoff",
    [
        ("2026Q3", D(2026, 9, 17)),  # 30, 29, 28, 24–20 (20 is a make-up Sunday), 18, 17
        ("2026Q4", D(2026, 12, 18)),
        ("2026-10", D(2026, 10, 19)),
        ("2026-02", D(2026, 2, 10)),  # 28, 24–27, 14 (make-up days 14, 28; 15–23 off), 13–10
    ],
)
def test_first_visit_cutoff_leaves_exactly_ten_working_days(period, cutoff):
    p = parse_period(period)
    assert policy.first_visit_cutoff(p) == cutoff
    assert calendar.workdays_left(p, cutoff) == 10
    assert calendar.workdays_left(p, cutoff + dt.timedelta(days=1)) < 10
    assert policy.owes_first_visit(p, cutoff)
    assert not policy.owes_first_visit(p, cutoff + dt.timedelta(days=1))
    assert policy.owes_first_visit(p, p.start - dt.timedelta(days=400))


def test_first_visit_threshold_from_the_policy(policy_file):
    policy_file("first_visit_min_workdays = 10", "first_visit_min_workdays = 0")
    q3 = parse_period("2026Q3")
    assert policy.first_visit_cutoff(q3) == D(2026, 9, 30)


def test_a_period_shorter_than_the_threshold_owes_only_earlier_starters(policy_file):
    policy_file("first_visit_min_workdays = 10", "first_visit_min_workdays = 30")
    october = parse_period("2026-10")  # 18 working days
    assert policy.first_visit_cutoff(october) == D(2026, 9, 30)
    assert not policy.owes_first_visit(october, D(2026, 10, 1))
    assert policy.owes_first_visit(october, D(2026, 9, 30))
