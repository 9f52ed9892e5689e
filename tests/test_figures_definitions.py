"""The figures' definitions: the SQL form of each equals its Python form, row by row, for random
tasks and hazards across the 2026 calendar (调休 weekends, weekday holidays), on both databases;
the list forms (a task's shown status, the hazard list filters) agree with the day forms."""

import dataclasses
import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from models import Assignment, Hazard, InspectionTask
from models.enums import HazardStatus, TaskSource, TaskStatus
from services.figures import definitions as d
from services.hazards.listing import state_condition
from tests.support.hazards import build_roster

D = dt.date
# The 2026 calendar's edges: make-up workdays on weekends, weekday holidays, and their neighbours.
EDGES = [
    D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 4), D(2026, 1, 5), D(2026, 2, 13), D(2026, 2, 14),
    D(2026, 2, 15), D(2026, 2, 16), D(2026, 2, 20), D(2026, 2, 23), D(2026, 2, 24),
    D(2026, 2, 28), D(2026, 4, 3), D(2026, 4, 6), D(2026, 4, 7), D(2026, 4, 30), D(2026, 5, 1),
    D(2026, 5, 5), D(2026, 5, 6), D(2026, 5, 9), D(2026, 6, 18), D(2026, 6, 19), D(2026, 6, 22),
    D(2026, 9, 20), D(2026, 9, 24), D(2026, 9, 25), D(2026, 9, 28), D(2026, 9, 30),
    D(2026, 10, 1), D(2026, 10, 7), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10),
    D(2026, 10, 12), D(2026, 12, 31),
]  # fmt: skip
DAYS = st.one_of(st.dates(D(2026, 1, 1), D(2026, 12, 31)), st.sampled_from(EDGES))
MAYBE_DAY = st.one_of(st.none(), DAYS)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

TASKS = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(list(TaskStatus)),
            "due_date": DAYS,
            "done_on": MAYBE_DAY,
            "cancelled_on": MAYBE_DAY,
            "created_on": DAYS,
        }
    ),
    max_size=12,
)


@st.composite
def hazards(draw) -> dict:
    """A hazard whose dates agree with its state, as the lifecycle writes them."""
    status = draw(st.sampled_from(list(HazardStatus)))
    found_on = draw(DAYS)
    later = st.dates(found_on, D(2026, 12, 31))
    reported_on = draw(later) if status in ("awaiting_verification", "closed") else None
    closed_on = draw(st.dates(reported_on, D(2026, 12, 31))) if status == "closed" else None
    return {
        "status": status,
        "found_on": found_on,
        "deadline": draw(later),
        "reported_on": reported_on,
        "closed_on": closed_on,
    }


_seq = itertools.count(1)


def _columns(forms: dict[str, str]) -> str:
    return ", ".join(f"CASE WHEN {sql} THEN 1 ELSE 0 END AS {name}" for name, sql in forms.items())


def _as_flags(day) -> dict[str, int]:
    return {k: int(v) for k, v in dataclasses.asdict(day).items()}


def test_task_figures_sql_equals_python(session):
    r = build_roster(session)
    assignment = session.execute(
        select(Assignment).where(Assignment.entity_id == r.e1.id)
    ).scalar_one()
    keys = {
        "assignment_id": assignment.id,
        "officer_id": assignment.officer_id,
        "entity_id": assignment.entity_id,
        "jurisdiction_id": r.east_village.id,
        "place_id": r.e1.jurisdiction_id,
    }

    @SETTINGS
    @given(rows=TASKS, as_of=DAYS)
    def check(rows: list[dict], as_of: dt.date) -> None:
        session.execute(text("DELETE FROM inspection_task"))
        session.expunge_all()
        for row in rows:
            session.add(
                InspectionTask(
                    source="routine",
                    period=f"P{next(_seq)}",
                    **keys,
                    **row,
                )
            )
        session.commit()
        cutoffs = d.params(as_of=as_of)
        found = session.execute(
            text(f"SELECT t.id, {_columns(d.task_sql('t'))} FROM inspection_task t ORDER BY t.id"),
            cutoffs,
        ).mappings()
        tasks = session.execute(select(InspectionTask).order_by(InspectionTask.id)).scalars()
        for sql_row, task in zip(found, tasks, strict=True):
            python = d.task_day(
                status=task.status,
                due_date=task.due_date,
                done_on=task.done_on,
                cancelled_on=task.cancelled_on,
                created_on=task.created_on,
                as_of=as_of,
                cutoffs=cutoffs,
            )
            assert {k: sql_row[k] for k in d.task_sql()} == _as_flags(python), task
            # The list's shown status on that day agrees with the day form.
            if task.status == TaskStatus.OPEN:
                shown = d.shown_status(status=task.status, due_date=task.due_date, today=as_of)
                assert (shown == "overdue") == python.overdue
            overdue_now = session.execute(
                text(
                    f"SELECT {d.open_task_overdue_sql('t')} FROM inspection_task t WHERE t.id = :id"
                ),
                {**cutoffs, "id": task.id},
            ).scalar_one()
            assert bool(overdue_now) == (task.status == TaskStatus.OPEN and python.overdue)

    check()


def test_package_task_sql_equals_python(session):
    sources = [*TaskSource, *d.GUIDANCE_SOURCES]
    for source, status in itertools.product(sources, list(TaskStatus)):
        found = session.execute(
            text(
                f"SELECT CASE WHEN {d.package_task_sql('t')} THEN 1 ELSE 0 END "
                "FROM (SELECT :source AS source, :status AS status) t"
            ),
            {"source": str(source), "status": str(status)},
        ).scalar_one()
        assert bool(found) == d.package_task(source=source, status=status), (source, status)
    assert not d.package_task(source="banquet", status=TaskStatus.DONE)
    assert not d.package_task(source=TaskSource.ROUTINE, status=TaskStatus.HANDED_OVER)


def _hazard_day(h: Hazard, as_of: dt.date, cutoffs: dict[str, dt.date]) -> d.HazardDay:
    return d.hazard_day(
        found_on=h.found_on,
        deadline=h.deadline,
        reported_on=h.reported_on,
        closed_on=h.closed_on,
        as_of=as_of,
        cutoffs=cutoffs,
    )


def test_hazard_figures_sql_equals_python(session):
    r = build_roster(session)
    keys = {"jurisdiction_id": r.east_village.id, "entity_id": r.e1.id}

    @SETTINGS
    @given(rows=st.lists(hazards(), max_size=12), as_of=DAYS)
    def check(rows: list[dict], as_of: dt.date) -> None:
        session.execute(text("DELETE FROM hazard"))
        session.expunge_all()
        for row in rows:
            session.add(
                Hazard(
                    source="inspection",
                    level="general",
                    description="隐患",
                    **keys,
                    **row,
                )
            )
        session.commit()
        cutoffs = d.params(as_of=as_of)
        found = session.execute(
            text(
                f"SELECT h.id, {_columns(d.hazard_sql('h'))} FROM hazard h "
                f"WHERE {d.hazard_counted_sql('h')} ORDER BY h.id"
            ),
            cutoffs,
        ).mappings()
        counted = [
            h
            for h in session.execute(select(Hazard).order_by(Hazard.id)).scalars()
            if d.hazard_counted(status=h.status)
        ]
        for sql_row, h in zip(found, counted, strict=True):
            python = _hazard_day(h, as_of, cutoffs)
            assert {k: sql_row[k] for k in d.hazard_sql()} == _as_flags(python), h
        # Once every date has happened, the lists (by state) agree with the day forms.
        happened = ("found_on", "reported_on", "closed_on")
        if all(row[k] is None or row[k] <= as_of for row in rows for k in happened):
            for status in ("open", "overdue", "verify_overdue"):
                listed = set(
                    session.execute(
                        select(Hazard.id).where(state_condition(status=status, today=as_of))
                    ).scalars()
                )
                expected = {
                    h.id for h in counted if getattr(_hazard_day(h, as_of, cutoffs), status)
                }
                assert listed == expected, status
                if status == "overdue":
                    assert listed == {
                        h.id
                        for h in counted
                        if d.hazard_overdue_now(status=h.status, deadline=h.deadline, today=as_of)
                    }

    check()


def test_cutoff_on_the_2026_calendar():
    """cutoff(workdays=N): the N-th working day back, counted a second way day by day."""
    for as_of in EDGES:
        for n in (1, 2, 5, 6):
            limit = d.cutoff(as_of=as_of, workdays=n)
            for back in range(0, 40):
                due = as_of - dt.timedelta(days=back)
                assert (due < limit) == (d.overdue_by(due, as_of) >= n), (as_of, n, due)
