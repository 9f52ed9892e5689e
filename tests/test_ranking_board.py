"""红黑榜 rules on synthetic unit figures (rule 10): the score with "—" components, shared ranks,
the tie-break that orders the display only, the lists' targets and their boundary ties, an
empty quarter and a board where everyone is equal."""

import pytest

from config.files import load_policy
from services.reporting.ranking import rank_units, score
from services.reporting.ranking.board import NOT_DUE


def unit(code, *, due=10, done=None, on_time=None, to_close=4, closed=None, overdue=0):
    """A unit's figures; rates computed here as done / due and closed / to_close."""
    on_time = due if on_time is None else on_time
    done = on_time if done is None else done
    closed = to_close if closed is None else closed
    return {
        "code": code,
        "name": f"{code}镇",
        "tasks_due": due,
        "tasks_done": done,
        "tasks_on_time": on_time,
        "tasks_late": done - on_time,
        "tasks_unfinished": due - done,
        "completion_rate": done / due if due else None,
        "on_time_rate": on_time / due if due else None,
        "hazards_to_close": to_close,
        "hazards_closed": closed,
        "closure_rate": closed / to_close if to_close else None,
        "overdue_tasks": overdue,
        "overdue_hazards": 0,
        "overdue_items": overdue,
    }


def board(units, **ranking):
    policy = load_policy()
    return rank_units(
        units=units,
        ranking=policy.ranking.model_copy(update=ranking),
        briefing=policy.briefing,
    )


def by_code(rows):
    return {r["code"]: r for r in rows}


def test_a_dash_component_is_left_out_and_its_weight_goes_to_the_others():
    w = load_policy().ranking
    none = unit("A", on_time=7, done=9, to_close=0)
    points = score(unit=none, policy=w)
    assert points["left_out"] == ["closure_rate"] and points["closure_points"] == 0
    assert points["score"] == round(100 * 0.7, 2)  # the whole weight on the on-time rate
    both = unit("B", on_time=7, done=9, to_close=4, closed=1, overdue=3)
    expected = (
        100
        * (w.on_time_weight * 0.7 + w.closure_weight * 0.25)
        / (w.on_time_weight + w.closure_weight)
        - w.overdue_penalty * 3
    )
    assert score(unit=both, policy=w)["score"] == round(expected, 2)
    ranked, _ = board([none, both])
    assert by_code(ranked)["A"]["components"]["left_out"] == ["closure_rate"]


def test_equal_scores_share_a_rank_and_the_tie_break_orders_the_display_only():
    units = [
        unit("E", on_time=5, to_close=4, closed=2),  # 50.0
        unit("D", on_time=5, to_close=4, closed=2),  # 50.0
        unit("C", on_time=6, to_close=8, closed=1),  # 36 + 5 = 41.0
        unit("B", on_time=9, to_close=4, closed=4),  # 54 + 40 = 94.0
        unit("A", on_time=9, to_close=4, closed=4),  # 94.0
        unit("F", on_time=3, to_close=4, closed=0),  # 18.0
    ]
    ranked, unranked = board(units)
    assert unranked == []
    scores = {r["code"]: r["score"] for r in ranked}
    # Competition ranking computed a second way: 1 + the number of strictly better scores.
    for row in ranked:
        assert row["rank"] == 1 + sum(1 for s in scores.values() if s > row["score"])
    assert [r["rank"] for r in ranked] == [1, 1, 3, 3, 5, 6]
    assert [r["code"] for r in ranked] == ["A", "B", "D", "E", "C", "F"]


def test_the_red_list_needs_every_target_and_the_black_list_a_miss():
    goals = load_policy().briefing
    units = [
        unit("A", on_time=10),  # meets everything
        unit("B", on_time=10, to_close=10, closed=8),  # closure 80 % < 90 %: not red
        unit("C", on_time=10, to_close=0),  # closure "—": not held against it
        unit("D", on_time=8, done=10),  # on time 80 % < 90 %
        unit("E", on_time=2, done=9),
    ]
    ranked, _ = board(units, red_size=5, black_size=5)
    rows = by_code(ranked)
    red = {r["code"] for r in ranked if r["list"] == "red"}
    black = {r["code"] for r in ranked if r["list"] == "black"}
    for row in ranked:
        c = row["components"]
        misses = [
            c["completion_rate"] is not None and c["completion_rate"] < goals.completion_target,
            c["on_time_rate"] is not None and c["on_time_rate"] < goals.on_time_target,
            c["closure_rate"] is not None and c["closure_rate"] < goals.closure_target,
        ]
        assert (row["code"] in red) == (not any(misses))
        assert (row["code"] in black) == any(misses)
    assert rows["C"]["list"] == "red" and rows["B"]["below_targets"] == ["closure_rate"]


@pytest.mark.parametrize("ties", ["all_on", "all_off"])
def test_units_tied_at_a_list_boundary_are_all_on_or_all_off(ties):
    units = [unit("A", on_time=10), unit("B", on_time=10), unit("C", on_time=10)]
    units += [unit(x, on_time=5) for x in "DEF"] + [unit("G", on_time=2)]
    ranked, _ = board(units, red_size=2, black_size=3, boundary_ties=ties)
    red = [r["code"] for r in ranked if r["list"] == "red"]
    black = sorted(r["code"] for r in ranked if r["list"] == "black")
    if ties == "all_on":
        assert red == ["A", "B", "C"] and black == ["D", "E", "F", "G"]
    else:
        assert red == [] and black == ["G"]
    # Within a list, every unit of a score is on it or none is.
    for listed in ("red", "black"):
        on = {r["score"] for r in ranked if r["list"] == listed}
        assert all(r["list"] == listed for r in ranked if r["score"] in on)


def test_everyone_equal():
    ranked, _ = board([unit(x, on_time=9, to_close=4, closed=3) for x in "ABCD"], red_size=2)
    assert {r["rank"] for r in ranked} == {1}
    # 90 % completion and 75 % closure miss their targets: nobody is red, and the black list
    # (3 places) cannot split four equal units: all on by default, all off otherwise.
    assert all(r["list"] == "black" for r in ranked)
    ranked, _ = board(
        [unit(x, on_time=9, to_close=4, closed=3) for x in "ABCD"], boundary_ties="all_off"
    )
    assert all(r["list"] is None for r in ranked)


def test_an_empty_quarter_ranks_nobody():
    ranked, unranked = board([unit(x, due=0, to_close=0) for x in "ABC"])
    assert ranked == [] and [r["unranked_reason"] for r in unranked] == [NOT_DUE] * 3
    assert all(r["rank"] is None and r["list"] is None for r in unranked)
