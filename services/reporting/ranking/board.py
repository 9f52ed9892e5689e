"""The board of one quarter from its units' figures (rule 10).

score = 100 × Σ weight × rate over the rates that are not "—" (the weights of a "—" rate go to
the others in proportion) − overdue_penalty × items overdue ≥ escalate_after_workdays.
Only units with tasks due are ranked. Equal scores share a rank (1, 2, 2, 4); the tie-break
(on-time rate, closure rate, fewer overdue items, code) orders the display only. 红榜: the best
red_size of the units meeting every target whose rate is not "—"; 黑榜: the worst black_size of
the units below a target; units tied on score across a list's last place are all on or all off
it ([ranking] boundary_ties).
"""

from typing import Any, TypedDict

from config.policy_model import BriefingPolicy, RankingPolicy
from services.reporting.ranking.units import UnitFigures

RATES = ("on_time_rate", "closure_rate")
TARGETS = ("completion_rate", "on_time_rate", "closure_rate")
NOT_DUE = "本季度没有到期的督导任务，不参加排名"


class Score(TypedDict):
    """A unit's points: each rate's share, the penalty, the score and the rates left out."""

    on_time_points: float
    closure_points: float
    penalty: float
    score: float
    left_out: list[str]


class RankedUnit(TypedDict):
    """One unit of a board: its place, its lists and its components."""

    code: str
    name: str
    rank: int | None
    score: float | None
    list: str | None
    below_targets: list[str]
    unranked_reason: str
    components: dict[str, Any]


def targets(*, ranking: RankingPolicy, briefing: BriefingPolicy) -> dict[str, float]:
    """The lists' targets by rate: [ranking]'s, else [briefing]'s."""
    return {
        "completion_rate": ranking.completion_target
        if ranking.completion_target is not None
        else briefing.completion_target,
        "on_time_rate": ranking.on_time_target
        if ranking.on_time_target is not None
        else briefing.on_time_target,
        "closure_rate": ranking.closure_target
        if ranking.closure_target is not None
        else briefing.closure_target,
    }


def score(*, unit: UnitFigures, policy: RankingPolicy) -> Score:
    """A unit's score; a "—" rate is left out and its weight goes to the others."""
    weights = {"on_time_rate": policy.on_time_weight, "closure_rate": policy.closure_weight}
    present = {k: w for k, w in weights.items() if unit[k] is not None}  # type: ignore[literal-required]
    total = sum(present.values())
    points = {
        k: round(100 * w / total * float(unit[k] or 0), 2) if total else 0.0  # type: ignore[literal-required]
        for k, w in present.items()
    }
    penalty = round(policy.overdue_penalty * unit["overdue_items"], 2)
    on_time, closure = points.get("on_time_rate", 0.0), points.get("closure_rate", 0.0)
    return {
        "on_time_points": on_time,
        "closure_points": closure,
        "penalty": penalty,
        "score": round(on_time + closure - penalty, 2),
        "left_out": [k for k in RATES if k not in present],
    }


def below(*, unit: UnitFigures, goals: dict[str, float]) -> list[str]:
    """The rates of a unit below their target (a "—" rate is never below)."""
    return [
        k
        for k in TARGETS
        if unit[k] is not None and float(unit[k]) < goals[k]  # type: ignore[literal-required]
    ]


def _display_key(row: RankedUnit) -> tuple[object, ...]:
    c = row["components"]
    closure = c["closure_rate"]
    return (
        -(row["score"] or 0.0),
        -(c["on_time_rate"] or 0.0),
        closure is None,
        -(closure or 0.0),
        c["overdue_items"],
        row["code"],
    )


def take(rows: list[RankedUnit], size: int, ties: str) -> list[str]:
    """The codes of the first `size` rows (ordered best-first for the list), with the rows tied
    on score across the last place all taken (all_on) or none of them (all_off)."""
    if size <= 0 or not rows:
        return []
    if len(rows) <= size:
        return [r["code"] for r in rows]
    edge = rows[size - 1]["score"]
    if rows[size]["score"] != edge:
        return [r["code"] for r in rows[:size]]
    if ties == "all_on":
        return [r["code"] for r in rows[:size]] + [
            r["code"] for r in rows[size:] if r["score"] == edge
        ]
    return [r["code"] for r in rows[:size] if r["score"] != edge]


def rank_units(
    *, units: list[UnitFigures], ranking: RankingPolicy, briefing: BriefingPolicy
) -> tuple[list[RankedUnit], list[RankedUnit]]:
    """(ranked units in display order with ranks and lists, units not ranked)."""
    goals = targets(ranking=ranking, briefing=briefing)
    ranked: list[RankedUnit] = []
    unranked: list[RankedUnit] = []
    for unit in units:
        components = {k: v for k, v in unit.items() if k not in ("code", "name")}
        row: RankedUnit = {
            "code": unit["code"],
            "name": unit["name"],
            "rank": None,
            "score": None,
            "list": None,
            "below_targets": below(unit=unit, goals=goals),
            "unranked_reason": "",
            "components": components,
        }
        if unit["tasks_due"] == 0:
            unranked.append({**row, "unranked_reason": NOT_DUE})
            continue
        points = score(unit=unit, policy=ranking)
        row["score"] = points["score"]
        row["components"] = {**components, **{k: v for k, v in points.items() if k != "score"}}
        ranked.append(row)
    ranked.sort(key=_display_key)
    for row in ranked:
        row["rank"] = 1 + sum(1 for other in ranked if (other["score"] or 0) > (row["score"] or 0))
    red = take(
        [r for r in ranked if not r["below_targets"]], ranking.red_size, ranking.boundary_ties
    )
    worst = [r for r in reversed(ranked) if r["below_targets"]]
    worst.sort(key=lambda r: r["score"] or 0.0)  # stable: tied rows keep the reversed display order
    black = take(worst, ranking.black_size, ranking.boundary_ties)
    for row in ranked:
        row["list"] = "red" if row["code"] in red else "black" if row["code"] in black else None
    return ranked, unranked
