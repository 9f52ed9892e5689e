"""红黑榜 (rule 10): the units below an office ranked each quarter — see board.py for the score,
the ranks and the lists, units.py for who is ranked, history.py for the quarters before."""

from typing import TypedDict

from sqlmodel import Session

from config.files import load_policy
from models.enums import JurisdictionLevel
from models.jurisdiction import Jurisdiction
from services import figures
from services.core import clock
from services.core.errors import BadInput
from services.core.periods import Period
from services.core.periods import quarter as parse_quarter
from services.reporting.ranking.board import RankedUnit, rank_units, score, take, targets
from services.reporting.ranking.units import (
    UNIT_LEVEL,
    UnitFigures,
    board_office,
    township_counties,
    unit_figures,
)

NO_UNITS = "辖区内没有可排名的下级单位"
NOTHING_DUE = "本季度没有到期的督导任务，不排名"
LEFT_OUT = {"closure_rate": "销号率", "on_time_rate": "按时完成率"}


class Board(TypedDict, total=False):
    """One quarter's board. Its units are under `townships` (a county office) or `counties`
    (a city office); red and black are unit codes, best first and worst first."""

    quarter: str
    as_of: str
    jurisdiction: dict[str, str]
    unit_level: str
    ranked: bool
    reason: str
    highlight: str | None
    weights: dict[str, object]
    targets: dict[str, float]
    note: str
    townships: list[RankedUnit]
    counties: list[RankedUnit]
    unranked: list[RankedUnit]
    red: list[str]
    black: list[str]


def units(board: Board) -> list[RankedUnit]:
    """The ranked units of a board, in display order."""
    return board.get("townships") or board.get("counties") or []


def _note(ranked: list[RankedUnit], unranked: list[RankedUnit]) -> str:
    lines = []
    for rate, word in LEFT_OUT.items():
        names = [r["name"] for r in ranked if rate in r["components"].get("left_out", [])]
        if names:
            lines.append(
                f"{'、'.join(names)}{word}为“—”（本季度没有可计算的数据），该项不计分，"
                "其权重按比例并入其他指标。"
            )
    if unranked:
        lines.append(
            f"{'、'.join(r['name'] for r in unranked)}本季度没有到期的督导任务，未参加排名。"
        )
    return "注：" + "".join(lines) if lines else ""


def board_of(
    *,
    session: Session,
    quarter: Period,
    office: Jurisdiction,
    highlight: str | None = None,
    figures_of: list[UnitFigures] | None = None,
) -> Board:
    """The board of an office for a quarter (from its units' figures, computed unless given)."""
    policy = load_policy()
    found = (
        figures_of
        if figures_of is not None
        else unit_figures(session=session, quarter=quarter, office=office)
    )
    ranked, unranked = rank_units(units=found, ranking=policy.ranking, briefing=policy.briefing)
    level = UNIT_LEVEL[office.level]
    reason = NO_UNITS if not found else NOTHING_DUE if not ranked else ""
    board: Board = {
        "quarter": quarter.name,
        "as_of": figures.as_of(quarter).isoformat(),
        "jurisdiction": {"code": office.code, "name": office.name, "level": office.level},
        "unit_level": level,
        "ranked": bool(ranked),
        "reason": reason,
        "highlight": highlight,
        "weights": policy.ranking.model_dump(),
        "targets": targets(ranking=policy.ranking, briefing=policy.briefing),
        "note": _note(ranked, unranked),
        "unranked": unranked,
        "red": [r["code"] for r in ranked if r["list"] == "red"],
        "black": [r["code"] for r in sorted(ranked, key=_worst_first) if r["list"] == "black"],
    }
    if level == JurisdictionLevel.COUNTY:
        board["counties"] = ranked
    else:
        board["townships"] = ranked
    return board


def _worst_first(row: RankedUnit) -> tuple[float, str]:
    return (row["score"] or 0.0, row["code"])


def ranking(*, session: Session, quarter: str, jurisdiction: str | None = None) -> Board:
    """The 红黑榜 of a quarter read by a jurisdiction's office (default: the county)."""
    period = parse_quarter(quarter)
    if period.start > clock.today():
        raise BadInput(f"{period.name} 尚未开始，没有可统计的数据")
    office, highlight = board_office(session=session, code=jurisdiction)
    return board_of(session=session, quarter=period, office=office, highlight=highlight)


__all__ = [
    "Board",
    "RankedUnit",
    "UnitFigures",
    "board_of",
    "board_office",
    "rank_units",
    "ranking",
    "score",
    "take",
    "targets",
    "township_counties",
    "unit_figures",
    "units",
]
