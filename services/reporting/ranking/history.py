"""The boards before a quarter: the last quarters of the ranking page and "连续N个季度" on the
黑榜, counted over ranked quarters only (a quarter, or a unit, with nothing due is skipped, not
counted) and never before the system held data."""

from typing import TypedDict

from sqlmodel import Session

from models.jurisdiction import Jurisdiction
from services.core import clock
from services.core.errors import BadInput
from services.core.periods import Period, previous_period
from services.core.periods import quarter as parse_quarter
from services.figures.held import held_in, held_since
from services.reporting.ranking import Board, board_of, board_office, units


class Placing(TypedDict):
    """A unit's place on one quarter's board: its rank and list (None: not ranked then)."""

    quarter: str
    rank: int | None
    list: str | None


class Recent(TypedDict):
    """A board with the boards of the quarters before it (oldest first, only quarters with data)
    and each unit's place in them: {code: [{quarter, rank, list}]}."""

    board: Board
    boards: list[Board]
    history: dict[str, list[Placing]]


def _earlier(session: Session, quarter: Period, office: Jurisdiction, count: int) -> list[Period]:
    found: list[Period] = []
    since, q = held_since(session=session, scope_path=office.path), quarter
    for _ in range(count):
        q = previous_period(q)
        if not held_in(q, since):
            break
        found.insert(0, q)
    return found


def recent(
    *, session: Session, quarter: str, jurisdiction: str | None, quarters: int = 4
) -> Recent:
    """The board of a quarter and of up to `quarters` − 1 quarters before it that had data."""
    period = parse_quarter(quarter)
    if period.start > clock.today():
        raise BadInput(f"{period.name} 尚未开始，没有可统计的数据")
    office, highlight = board_office(session=session, code=jurisdiction)
    boards = [
        board_of(session=session, quarter=q, office=office, highlight=highlight)
        for q in [*_earlier(session, period, office, quarters - 1), period]
    ]
    history: dict[str, list[Placing]] = {}
    for board in boards:
        placed = {u["code"]: u for u in units(board)}
        for unit in [*units(board), *board["unranked"]]:
            row = placed.get(unit["code"])
            history.setdefault(unit["code"], []).append(
                {
                    "quarter": board["quarter"],
                    "rank": row["rank"] if row else None,
                    "list": row["list"] if row else None,
                }
            )
    return {"board": boards[-1], "boards": boards, "history": history}


def black_streaks(
    *, session: Session, quarter: Period, office: Jurisdiction, board: Board
) -> dict[str, int]:
    """Ranked quarters in a row, ending with this one, each unit of this 黑榜 was on the 黑榜."""
    streak = {code: 1 for code in board["black"]}
    open_codes, since, q = set(streak), held_since(session=session, scope_path=office.path), quarter
    while open_codes:
        q = previous_period(q)
        if not held_in(q, since):
            break
        before = board_of(session=session, quarter=q, office=office)
        ranked = {u["code"] for u in units(before)}
        for code in list(open_codes):
            if code not in ranked:
                continue  # not ranked that quarter: skipped, neither counted nor breaking
            if code in before["black"]:
                streak[code] += 1
            else:
                open_codes.discard(code)
    return streak
