"""The one definition of each task and hazard figure (docs/domain.md rule 9), Python and SQL
side by side.

Every page, list, message, document and the API decides on time / late / overdue / escalated for
tasks, and overdue / verification overdue / closed for hazards, through these functions; the SQL
forms read the same parameters (``params(as_of=…)``) and are proved equal to the Python forms by
``tests/test_figures_definitions.py`` on both databases.

Days: a task or hazard is *overdue* from the first working day after its date while open, so
"overdue on D" is ``date < cutoff(as_of=D, workdays=1)`` (the last working day on or before D);
overdue by >= N working days is ``date < cutoff(as_of=D, workdays=N)``.
"""

import datetime as dt
from dataclasses import dataclass

from config.files import load_policy
from models.enums import HazardStatus, TaskState, TaskStatus
from services.core import calendar

# Task sources counted only in their own figures, never in 包保 figures: issue 18's 现场指导
# tasks of a 聚餐备案 (source "banquet").
GUIDANCE_SOURCES: tuple[str, ...] = ("banquet",)

# Hazard states. OFFICERS_TURN: waiting for the officer's rectification report; OPEN: not
# closed, on the open lists; UNCOUNTED: left out of every hazard figure, closure denominator and
# open list (issue 13 adds 已撤销 here, and only here).
OFFICERS_TURN: tuple[str, ...] = (HazardStatus.PENDING, HazardStatus.RECTIFYING)
OPEN: tuple[str, ...] = (*OFFICERS_TURN, HazardStatus.AWAITING_VERIFICATION)
UNCOUNTED: tuple[str, ...] = (HazardStatus.WITHDRAWN,)


def cutoff(*, as_of: dt.date, workdays: int) -> dt.date:
    """Dates before this day are at least `workdays` working days past on as_of."""
    day, seen = as_of, 0
    while True:
        if calendar.is_workday(day):
            seen += 1
            if seen == workdays:
                return day
        day -= dt.timedelta(days=1)


def overdue_by(due: dt.date, today: dt.date) -> int:
    """Working days after a due date or deadline up to and including today (0: not overdue)."""
    return calendar.workdays_between(due, today)


def is_escalated(overdue_workdays: int) -> bool:
    """Whether an item this many working days overdue goes one office up (升级)."""
    return overdue_workdays >= load_policy().reminders.escalate_after_workdays


def overdue_cutoff(today: dt.date) -> dt.date:
    """Open work due before this day is overdue today (the last working day on or before it)."""
    return cutoff(as_of=today, workdays=1)


def params(*, as_of: dt.date) -> dict[str, dt.date]:
    """The bind parameters every SQL form below reads, for figures as of that day."""
    policy = load_policy()
    return {
        "as_of": as_of,
        "overdue_cutoff": cutoff(as_of=as_of, workdays=1),
        "escalation_cutoff": cutoff(as_of=as_of, workdays=policy.reminders.escalate_after_workdays),
        "verify_cutoff": cutoff(as_of=as_of, workdays=policy.hazards.verify_within_workdays + 1),
    }


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})" if values else "1 = 0"


# ---- tasks -------------------------------------------------------------------------------


def package_task(*, source: str, status: str) -> bool:
    """Whether a task counts in 包保 figures (not a guidance task, not handed over: 已交接 is
    counted for nobody, its successor's task carries the obligation)."""
    return source not in GUIDANCE_SOURCES and status != TaskStatus.HANDED_OVER


def package_task_sql(t: str = "t") -> str:
    """package_task as a SQL condition on the task alias t."""
    return f"NOT {_in(f'{t}.source', GUIDANCE_SOURCES)} AND {t}.status <> 'handed_over'"


@dataclass(frozen=True)
class TaskDay:
    """What one 包保 task counts as on a day."""

    cancelled: bool  # cancelled by then: out of the due
    done: bool
    on_time: bool  # done, visit dated on or before the due date
    late: bool  # done after the due date
    undone: bool  # due and not done
    overdue: bool  # undone, at least one working day past the due date
    escalated: bool  # undone, escalate_after_workdays or more past the due date


def task_day(
    *,
    status: str,
    due_date: dt.date,
    done_on: dt.date | None,
    cancelled_on: dt.date | None,
    created_on: dt.date,
    as_of: dt.date,
    cutoffs: dict[str, dt.date],
) -> TaskDay:
    """A task's figures on as_of (cutoffs: params(as_of=as_of)); a cancelled task without its
    day of cancelling counts as cancelled from its creation."""
    cancelled = status == TaskStatus.CANCELLED and (cancelled_on or created_on) <= as_of
    done = status == TaskStatus.DONE and done_on is not None and done_on <= as_of
    on_time = done and done_on is not None and done_on <= due_date
    undone = not done and not cancelled
    return TaskDay(
        cancelled=cancelled,
        done=done,
        on_time=on_time,
        late=done and not on_time,
        undone=undone,
        overdue=undone and due_date < cutoffs["overdue_cutoff"],
        escalated=undone and due_date < cutoffs["escalation_cutoff"],
    )


def task_sql(t: str = "t") -> dict[str, str]:
    """task_day's figures as SQL conditions on the task alias t (0/1 with count_sql)."""
    cancelled = (
        f"({t}.status = 'cancelled' AND COALESCE({t}.cancelled_on, {t}.created_on) <= :as_of)"
    )
    done = f"({t}.status = 'done' AND {t}.done_on IS NOT NULL AND {t}.done_on <= :as_of)"
    undone = f"(NOT {done} AND NOT {cancelled})"
    return {
        "cancelled": cancelled,
        "done": done,
        "on_time": f"({done} AND {t}.done_on <= {t}.due_date)",
        "late": f"({done} AND {t}.done_on > {t}.due_date)",
        "undone": undone,
        "overdue": f"({undone} AND {t}.due_date < :overdue_cutoff)",
        "escalated": f"({undone} AND {t}.due_date < :escalation_cutoff)",
    }


def open_task_overdue_sql(t: str = "t") -> str:
    """An open task overdue now (lists of today's work; :overdue_cutoff of today)."""
    return f"({t}.status = 'open' AND {t}.due_date < :overdue_cutoff)"


def shown_status(*, status: str, due_date: dt.date, today: dt.date) -> TaskState:
    """The status a user sees: overdue for an open task from the first working day after its due
    date."""
    late = status == TaskStatus.OPEN and due_date < overdue_cutoff(today)
    return TaskState.OVERDUE if late else TaskState(status)


# ---- hazards -----------------------------------------------------------------------------


def hazard_counted(*, status: str) -> bool:
    """Whether a hazard counts in figures and lists of open work at all."""
    return status not in UNCOUNTED


def hazard_counted_sql(h: str = "h") -> str:
    """hazard_counted as a SQL condition on the hazard alias h."""
    return f"NOT {_in(f'{h}.status', UNCOUNTED)}"


@dataclass(frozen=True)
class HazardDay:
    """What one counted hazard counts as on a day."""

    found: bool  # found by then: nothing else counts before
    open: bool  # not closed by then
    closed: bool
    reported: bool  # open and its rectification reported (待验收)
    overdue: bool  # the officer's: open, not reported, one working day past its deadline
    escalated: bool  # overdue by escalate_after_workdays or more
    verify_overdue: bool  # the office's: reported more than verify_within_workdays ago


def hazard_day(
    *,
    found_on: dt.date,
    deadline: dt.date,
    reported_on: dt.date | None,
    closed_on: dt.date | None,
    as_of: dt.date,
    cutoffs: dict[str, dt.date],
) -> HazardDay:
    """A hazard's figures on as_of (cutoffs: params(as_of=as_of))."""
    found = found_on <= as_of
    closed = found and closed_on is not None and closed_on <= as_of
    reported = found and not closed and reported_on is not None and reported_on <= as_of
    waiting = found and not closed and not reported
    return HazardDay(
        found=found,
        open=found and not closed,
        closed=closed,
        reported=reported,
        overdue=waiting and deadline < cutoffs["overdue_cutoff"],
        escalated=waiting and deadline < cutoffs["escalation_cutoff"],
        verify_overdue=reported
        and reported_on is not None
        and reported_on < cutoffs["verify_cutoff"],
    )


def hazard_sql(h: str = "h") -> dict[str, str]:
    """hazard_day's figures as SQL conditions on the hazard alias h."""
    found = f"({h}.found_on <= :as_of)"
    closed = f"({found} AND {h}.closed_on IS NOT NULL AND {h}.closed_on <= :as_of)"
    reported = (
        f"({found} AND NOT {closed} AND {h}.reported_on IS NOT NULL AND {h}.reported_on <= :as_of)"
    )
    waiting = f"({found} AND NOT {closed} AND NOT {reported})"
    return {
        "found": found,
        "open": f"({found} AND NOT {closed})",
        "closed": closed,
        "reported": reported,
        "overdue": f"({waiting} AND {h}.deadline < :overdue_cutoff)",
        "escalated": f"({waiting} AND {h}.deadline < :escalation_cutoff)",
        "verify_overdue": f"({reported} AND {h}.reported_on < :verify_cutoff)",
    }


def hazard_overdue_now(*, status: str, deadline: dt.date, today: dt.date) -> bool:
    """A hazard overdue today by its current state (lists): the officer's turn, past deadline."""
    return status in OFFICERS_TURN and deadline < overdue_cutoff(today)


def hazard_overdue_workdays(*, status: str, deadline: dt.date, today: dt.date) -> int:
    """Working days a hazard is overdue today (0 when it is not the officer's turn)."""
    return overdue_by(deadline, today) if status in OFFICERS_TURN else 0


def count_sql(condition: str) -> str:
    """SUM of a condition: how many rows meet it."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"
