"""tasks list: filters (officer, jurisdiction subtree, status, period), the overdue edge, JSON."""

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from config.settings import configure
from models import Assignment, InspectionTask, Jurisdiction, Officer
from services.tasks.generation import generate_routine_tasks
from tests.support.visits import onsite_args

KEYS = {
    "id",
    "officer_id",
    "entity_key",
    "entity_name",
    "jurisdiction_code",
    "period",
    "source",
    "campaign",
    "due_date",
    "status",
    "done_on",
}


@pytest.fixture
def town(town_tasks):
    """The town demo with its 2026Q3 routine tasks generated on 2026-09-22 (tests/conftest.py)."""
    return town_tasks


def listing(cli, url, *args, today="2026-09-22") -> dict:
    code, out, err = cli("--db", url, "--today", today, "tasks", "list", "--json", *args)
    assert code == 0, err
    return json.loads(out)


def test_json_shape_and_values(cli, town, session):
    result = listing(cli, town)
    assert result["total"] == len(result["tasks"]) > 100
    first = result["tasks"][0]
    assert set(first) == KEYS
    task = session.get(InspectionTask, first["id"])
    officer = session.get(Officer, task.officer_id)
    jurisdiction = session.get(Jurisdiction, task.jurisdiction_id)
    assert first["officer_id"] == officer.code and first["jurisdiction_code"] == jurisdiction.code
    assert first["entity_key"] and first["entity_name"]
    assert (
        first["period"],
        first["source"],
        first["campaign"],
        first["due_date"],
        first["status"],
        first["done_on"],
    ) == ("2026Q3", "routine", None, "2026-09-30", "open", None)


def test_overdue_starts_the_day_after_the_due_date(cli, town):
    total = listing(cli, town)["total"]
    on_due = listing(cli, town, "--status", "overdue", today="2026-09-30")
    assert on_due["total"] == 0
    assert listing(cli, town, "--status", "open", today="2026-09-30")["total"] == total
    after = listing(cli, town, "--status", "overdue", today="2026-10-08")
    assert after["total"] == total and {t["status"] for t in after["tasks"]} == {"overdue"}
    assert listing(cli, town, "--status", "open", today="2026-10-08")["total"] == 0


def test_statuses_are_disjoint_and_cancelled_is_never_overdue(cli, town, session, tmp_path):
    ids = [t["id"] for t in listing(cli, town)["tasks"]]
    code, _, err = cli(
        "--db",
        town,
        "--today",
        "2026-09-29",
        "tasks",
        "record",
        str(ids[0]),
        "--mode",
        "现场",
        *onsite_args(session, ids[0], tmp_path),
    )
    assert code == 0, err
    cancelled = session.get(InspectionTask, ids[1])
    session.get(Assignment, cancelled.assignment_id).end_date = dt.date(2026, 9, 22)
    session.commit()
    configure(today=dt.date(2026, 10, 9))
    generate_routine_tasks(session=session, period="2026Q3")
    session.commit()
    counts = {
        s: listing(cli, town, "--status", s, today="2026-10-09")["total"]
        for s in ("open", "overdue", "done", "cancelled")
    }
    assert counts["done"] == 1 and counts["cancelled"] >= 1 and counts["open"] == 0
    assert sum(counts.values()) == len(ids)
    done = listing(cli, town, "--status", "done", today="2026-10-09")["tasks"][0]
    assert (done["id"], done["done_on"]) == (ids[0], "2026-09-29")


def _count_in_subtree(session, code: str) -> int:
    path = session.execute(select(Jurisdiction.path).where(Jurisdiction.code == code)).scalar()
    return session.execute(
        text(
            "SELECT COUNT(*) FROM inspection_task t JOIN jurisdiction j ON j.id = t.jurisdiction_id "
            "WHERE substr(j.path, 1, :n) = :path"
        ),
        {"n": len(path), "path": path},
    ).scalar()


def test_jurisdiction_means_the_whole_subtree(cli, town, session):
    by_level = dict(
        session.execute(
            select(Jurisdiction.level, Jurisdiction.code)
            .join(InspectionTask, InspectionTask.jurisdiction_id == Jurisdiction.id)
            .order_by(Jurisdiction.code.desc())
        ).all()
    )
    for level in ("city", "county", "township"):
        by_level[level] = session.execute(
            select(Jurisdiction.code).where(Jurisdiction.level == level)
        ).scalar()
    totals = {}
    for level, code in by_level.items():
        result = listing(cli, town, "--jurisdiction", code)
        totals[level] = result["total"]
        assert result["total"] == _count_in_subtree(session, code)
    assert totals["city"] == listing(cli, town)["total"]
    assert totals["city"] >= totals["county"] > totals["township"] > totals["village"] > 0
    village = listing(cli, town, "--jurisdiction", by_level["village"])["tasks"]
    assert {t["jurisdiction_code"] for t in village} == {by_level["village"]}


def test_officer_and_period_filters(cli, town, session):
    officer = session.execute(
        select(Officer.code).join(InspectionTask, InspectionTask.officer_id == Officer.id).limit(1)
    ).scalar()
    mine = listing(cli, town, "--officer", officer)
    assert mine["total"] >= 1 and {t["officer_id"] for t in mine["tasks"]} == {officer}
    assert listing(cli, town, "--period", "2026q3")["total"] == listing(cli, town)["total"]
    assert listing(cli, town, "--period", "2026Q4") == {"total": 0, "tasks": []}


def test_limit_keeps_the_total(cli, town):
    result = listing(cli, town, "--limit", "5")
    assert len(result["tasks"]) == 5 and result["total"] > 5
    dues = [t["due_date"] for t in listing(cli, town)["tasks"]]
    assert dues == sorted(dues)


@pytest.mark.parametrize(
    "args, words",
    [
        (("--officer", "NOBODY"), "干部编号"),
        (("--jurisdiction", "999"), "区划代码"),
        (("--status", "late"), "状态"),
        (("--period", "2026Q7"), "期间"),
    ],
)
def test_bad_filters_exit_2_in_chinese(cli, town, args, words):
    code, out, err = cli("--db", town, "tasks", "list", "--json", *args)
    assert code == 2 and out == "" and words in err


def test_text_output_lists_in_chinese(cli, town):
    code, out, _ = cli("--db", town, "--today", "2026-10-08", "tasks", "list", "--limit", "2")
    assert code == 0 and "已逾期" in out and "共" in out and "常规" in out
