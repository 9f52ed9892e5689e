"""Each sentence of 存在的问题 against its rule: a case where it must be said and one where it
must not (all units below target, a spread within the threshold, a shortfall that is
unfinished work rather than late visits, figures that are all zero…)."""

from config.files import load_policy
from services.reporting.briefing import rules

T = load_policy().briefing


def tasks(due: int, done: int, on_time: int) -> dict:
    return {
        "due": due,
        "done": done,
        "on_time": on_time,
        "late": done - on_time,
        "undone": due - done,
        "completion_rate": done / due if due else None,
        "on_time_rate": on_time / due if due else None,
    }


def test_worst_names_at_most_n_and_never_all():
    rows = [("甲镇", 0.5), ("乙镇", 0.6), ("丙镇", 0.7), ("丁镇", 0.99), ("戊镇", None)]
    assert rules.worst(rows, target=0.95, limit=2) == "甲镇（50.0%）、乙镇（60.0%）等3个"
    assert rules.worst(rows, target=0.95, limit=3) == "甲镇（50.0%）、乙镇（60.0%）、丙镇（70.0%）"
    # Every township with a rate below the target: nobody stands out, nobody is named.
    assert rules.worst(rows[:3] + rows[4:], target=0.95, limit=3) == ""
    assert rules.worst(rows, target=0.4, limit=3) == ""


def test_completion_low():
    said = rules.completion_low(now=tasks(10, 8, 8), scope_word="全县", target=0.95)
    assert said and "全县督导完成率80.0%" in said and "2家次到期督导未完成" in said
    assert rules.completion_low(now=tasks(10, 10, 8), scope_word="全县", target=0.95) is None
    assert rules.completion_low(now=tasks(0, 0, 0), scope_word="全县", target=0.95) is None


def test_imbalance_only_above_the_spread_and_naming_only_some():
    args = {"unit_word": "乡镇（街道）", "target": 0.95, "spread": 0.15, "limit": 3}
    wide = [("甲镇", 1.0), ("乙镇", 0.97), ("丙镇", 0.6)]
    said = rules.imbalance(rows=wide, **args)
    assert said and said.startswith("乡镇（街道）之间进展不平衡")
    assert "相差40.0个百分点" in said and "丙镇（60.0%）乡镇（街道）低于95.0%的目标" in said
    # All below target and spread apart: unbalanced, but no township singled out.
    low = rules.imbalance(rows=[("甲镇", 0.9), ("乙镇", 0.5)], **args)
    assert low and "低于" not in low
    assert rules.imbalance(rows=[("甲镇", 0.9), ("乙镇", 0.8)], **args) is None  # 10 points
    assert rules.imbalance(rows=[("甲镇", 0.3)], **args) is None  # one township: no spread
    assert rules.imbalance(rows=[("甲镇", 0.9), ("乙镇", None)], **args) is None


def test_tiers_low_only_when_some_tiers_are():
    some = rules.tiers_low(rows=[("村级包保干部", 0.5), ("乡级包保干部", 1.0)], target=0.95)
    assert some and "村级包保干部（50.0%）" in some
    assert rules.tiers_low(rows=[("村级包保干部", 0.5), ("乡级包保干部", 0.6)], target=0.95) is None
    assert (
        rules.tiers_low(rows=[("村级包保干部", 1.0), ("乡级包保干部", None)], target=0.95) is None
    )


def test_late_visits_only_when_the_shortfall_is_late_not_unfinished():
    late = tasks(10, 10, 6)  # 4 late, 0 unfinished
    said = rules.late_visits(now=late, target=0.9, share=0.5)
    assert said and "逾期完成4家次" in said and "按时完成率60.0%" in said
    unfinished = tasks(10, 6, 5)  # 1 late, 4 unfinished: the shortfall is unfinished work
    assert rules.late_visits(now=unfinished, target=0.9, share=0.5) is None
    nothing_late = tasks(10, 5, 5)  # "逾期完成0家次" is never written
    assert rules.late_visits(now=nothing_late, target=0.9, share=0.0) is None
    assert rules.late_visits(now=tasks(10, 10, 10), target=0.9, share=0.5) is None


def test_closure_low_and_who_stands_out():
    args = {"unit_word": "乡镇（街道）", "target": 0.9, "limit": 1}
    rows = [("甲镇", 0.2), ("乙镇", 0.5), ("丙镇", 1.0)]
    said = rules.closure_low(totals={"closure_rate": 0.5}, rows=rows, **args)
    assert said and "甲镇（20.0%）等2个乡镇（街道）尤为突出" in said
    everyone = rules.closure_low(totals={"closure_rate": 0.5}, rows=rows[:2], **args)
    assert everyone and "尤为突出" not in everyone
    assert rules.closure_low(totals={"closure_rate": 0.95}, rows=rows, **args) is None
    assert rules.closure_low(totals={"closure_rate": None}, rows=[], **args) is None


def test_zero_figures_are_not_said():
    assert rules.overdue_hazards(totals={"overdue": 0}, major=0) is None
    said = rules.overdue_hazards(totals={"overdue": 3}, major=1)
    assert said and "逾期未整改隐患3个，其中重大隐患1个" in said
    assert "重大" not in (rules.overdue_hazards(totals={"overdue": 2}, major=0) or "重大")
    assert rules.unassigned(count=0) is None and "4家" in (rules.unassigned(count=4) or "")
    assert rules.repeat_offenders(offenders=[]) is None
    assert rules.loops_low(rows=[("抽检不合格", None), ("投诉举报", 1.0)], target=0.9) is None
    assert "抽检不合格（50.0%）" in (rules.loops_low(rows=[("抽检不合格", 0.5)], target=0.9) or "")


def test_black_again_only_for_two_ranked_quarters_or_more():
    assert rules.black_again(streaks=[("甲镇", 1), ("乙镇", 1)]) is None
    said = rules.black_again(streaks=[("甲镇", 3), ("乙镇", 2), ("丙镇", 1)])
    assert said == "甲镇连续3个季度列入黑榜；乙镇连续2个季度列入黑榜，整改提升不明显。"
