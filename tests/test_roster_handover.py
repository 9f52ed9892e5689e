"""交接 (handover) on both databases: by `roster handover` and by re-import, tasks and hazards
move to the successor with the same due dates, the predecessor loses access the same day, both
are told, history and audit are kept, reminders go to the successor the next working day; an
officer leaving with no successor leaves its entities 未包保 and their hazards with the office."""

import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlmodel import Session

from config import settings as settings_module
from services.accounts import access
from services.accounts.identity import load_principal
from services.core.errors import BadInput
from services.figures.tasks import task_figures
from services.hazards.lifecycle import move_hazard
from services.reminders.digests import build_digests
from services.tasks.generation import generate_routine_tasks
from services.tasks.listing import list_tasks
from tests.support.roster_books import REGISTRATION, TODAY, snapshot
from tests.support.roster_county import (
    NOODLES,
    OFF,
    A,
    county_book,
    hazard_officer,
    load_county,
    rows,
    tasks_of,
)


@pytest.fixture
def county(engine, tmp_path, set_today, monkeypatch):
    return load_county(engine, tmp_path, set_today, monkeypatch)


def _who(session, code: str):
    officer_id = session.execute(text("SELECT id FROM officer WHERE code = :c"), {"c": code})
    return load_principal(session=session, kind="officer", person_id=officer_id.scalar_one())


def test_handover_moves_tasks_hazards_and_access_and_tells_both(county, engine, db_url, cli):
    code, out, err = cli(
        "--db",
        db_url,
        "--today",
        TODAY,
        "roster",
        "handover",
        "--from",
        "SL2001",
        "--to",
        "SL2005",
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert {k: report[k] for k in ("assignments", "tasks_moved", "hazards_moved")} == {
        "assignments": 2,
        "tasks_moved": 2,
        "hazards_moved": 1,
    }
    names = ["柳湾村张氏酒坊", "柳湾村老王面馆"]
    assert tasks_of(engine, "SL2001") == [
        ("handed_over", "2026-09-30", "2026Q3", name, TODAY) for name in names
    ]
    assert tasks_of(engine, "SL2005") == [
        ("open", "2026-09-30", "2026Q3", name, None) for name in names
    ]
    assert hazard_officer(engine) == "SL2005"
    assert rows(engine, "SELECT responsible_person FROM hazard") == [("何平",)]  # was 郑大勇
    assert rows(
        engine,
        """SELECT o.code, CAST(a.start_date AS VARCHAR(10)), CAST(a.end_date AS VARCHAR(10)),
                  CAST(a.settled_on AS VARCHAR(10))
           FROM assignment a JOIN officer o ON o.id = a.officer_id
           WHERE o.code IN ('SL2001', 'SL2005') ORDER BY o.code, a.start_date""",
    ) == [
        ("SL2001", "2025-03-01", "2026-09-21", TODAY),
        ("SL2001", "2025-09-01", "2026-09-21", TODAY),
        ("SL2005", TODAY, None, None),
        ("SL2005", TODAY, None, None),
    ]
    actions = dict(rows(engine, "SELECT action, COUNT(*) FROM audit_event GROUP BY action"))
    assert actions["roster.handover"] == 1 and actions["task.handed_over"] == 2
    assert actions["hazard.officer_changed"] == 1
    assert actions["roster.assignment.ended"] == 2 and actions["roster.assignment.created"] >= 2
    assert rows(
        engine,
        """SELECT f.code, t.code, CAST(h.handed_on AS VARCHAR(10)), h.assignments, h.tasks_moved,
                  h.hazards_moved FROM handover h JOIN officer f ON f.id = h.from_officer_id
           JOIN officer t ON t.id = h.to_officer_id""",
    ) == [("SL2001", "SL2005", TODAY, 2, 2, 1)]
    mail = rows(engine, "SELECT recipient, subject, body_text FROM notification ORDER BY recipient")
    assert [(r, s) for r, s, _ in mail] == [
        ("officer:SL2001", "包保主体交接通知"),
        ("officer:SL2005", "包保主体交接通知"),
    ]
    assert "何平（SL2005）接任" in mail[0][2] and "已转给您 2 个督导任务" in mail[1][2]


def test_the_predecessor_loses_access_the_same_day(county, engine, db_url, cli):
    cli(
        "--db", db_url, "--today", TODAY, "roster", "handover", "--from", "SL2001", "--to", "SL2005"
    )
    settings_module.configure(today=TODAY)
    with Session(engine) as session:
        hazard_id = session.execute(text("SELECT id FROM hazard")).scalar_one()
        before, after = _who(session, "SL2001"), _who(session, "SL2005")
        assert access.hazard_detail(session=session, who=before, hazard_id=hazard_id) is None
        assert access.hazard_detail(session=session, who=after, hazard_id=hazard_id) is not None
        mine = access.officer_board(session=session, who=before)
        assert not mine["due_soon"] + mine["overdue"] + mine["later"]
        theirs = access.officer_board(session=session, who=after)
        assert len(theirs["due_soon"]) == 2 and theirs["open_hazards"] == 1
        with pytest.raises(BadInput, match="不是该隐患的包保干部"):
            move_hazard(session=session, hazard_id=hazard_id, target="整改中", by="SL2001")
        handed = list_tasks(session=session, officer="SL2001", status="handed_over")
        assert handed["total"] == 2  # history kept


def test_handed_over_tasks_count_for_nobody_and_reminders_go_to_the_successor(
    county, engine, db_url, cli
):
    cli(
        "--db", db_url, "--today", TODAY, "roster", "handover", "--from", "SL2001", "--to", "SL2005"
    )
    settings_module.configure(today=dt.date(2026, 9, 23))
    with Session(engine) as session:
        root = session.execute(text("SELECT path FROM jurisdiction WHERE code = '511000000000'"))
        figures = task_figures(
            session=session,
            scope_path=root.scalar_one(),
            where={},
            start=dt.date(2026, 7, 1),
            end=dt.date(2026, 9, 30),
            as_of=dt.date(2026, 9, 23),
        )["all"]
        statuses = [s for (s,) in session.execute(text("SELECT status FROM inspection_task"))]
        assert statuses.count("handed_over") == 2  # counted for nobody: not in the total
        assert figures["total"] == len(statuses) - statuses.count("handed_over")
        assert figures["due"] == len([s for s in statuses if s not in ("cancelled", "handed_over")])
        assert figures["overdue"] == 0
        officers, _ = build_digests(session=session, today=dt.date(2026, 9, 23))
    by_code = {d.code: d for d in officers}
    assert "SL2001" not in by_code
    assert sorted(line.title for line in by_code["SL2005"].due_soon.lines) == [
        "柳湾村张氏酒坊",
        "柳湾村老王面馆",
    ]


def test_a_reimport_that_changes_the_officer_hands_over(county, engine):
    book = county_book()
    book.set(A, 4, "干部编号", "SL2005").set(A, 4, "开始日期", TODAY)
    result = county(book)
    assert result.counts[A]["created"] == 1 and result.counts[A]["ended"] == 1
    assert [
        (h["from"], h["to"], h["tasks_moved"], h["hazards_moved"])
        for h in result.handovers["handovers"]
    ] == [("SL2001", "SL2005", 1, 1)]
    assert [t[0] for t in tasks_of(engine, "SL2005")] == ["open"]
    assert hazard_officer(engine) == "SL2005"


def test_a_handover_entered_ahead_takes_effect_on_its_day(county, engine, set_today):
    book = county_book()  # the 登记证 workshop's row closed, and a new row from 09-25
    book.set(A, 8, "结束日期", "2026-09-24").copy_row(
        A, 8, 干部编号="SL2005", 开始日期="2026-09-25", 结束日期=None
    )
    assert county(book).handovers["tasks_moved"] == 0
    set_today("2026-09-25")  # fewer than 10 working days left: a new assignment owes nothing
    with Session(engine) as session:
        result = generate_routine_tasks(session=session)
        session.commit()
    assert result["handed_over"] == 1
    assert [(t[0], t[1], t[3]) for t in tasks_of(engine, "SL2005")] == [
        ("open", "2026-09-30", "柳湾村张氏酒坊")
    ]
    assert rows(engine, "SELECT registration_no FROM entity WHERE registration_no IS NOT NULL") == [
        (REGISTRATION,)
    ]


def test_an_officer_leaving_without_successor_leaves_its_entities_unassigned(
    county, engine, set_today
):
    book = county_book()
    del book.sheets[OFF][3]  # SL2001
    book.sheets[A] = [r for r in book.sheets[A] if r[0] != "SL2001"]
    result = county(book)
    assert result.counts[OFF]["ended"] == 1
    set_today("2026-09-23")
    with Session(engine) as session:
        generate_routine_tasks(session=session)
        session.commit()
    assert hazard_officer(engine) is None  # with the responsible office
    assert [t[0] for t in tasks_of(engine, "SL2001")] == ["cancelled", "cancelled"]
    assert rows(
        engine,
        "SELECT f.code, h.to_officer_id, h.assignments, h.hazards_moved FROM handover h "
        "JOIN officer f ON f.id = h.from_officer_id",
    ) == [("SL2001", None, 2, 1)]
    from services.figures.coverage import coverage_figures

    with Session(engine) as session:
        root = session.execute(text("SELECT path FROM jurisdiction WHERE code = '511000000000'"))
        coverage = coverage_figures(
            session=session, scope_path=root.scalar_one(), where={}, as_of=dt.date(2026, 9, 23)
        )
    unassigned = {e["name"] for e in coverage["unassigned_entities"]}
    assert {"柳湾村张氏酒坊", "柳湾村老王面馆"} <= unassigned
    later = county_book()
    del later.sheets[OFF][3]
    later.sheets[A] = [r for r in later.sheets[A] if r[0] != "SL2001"]
    later.add(A, ["SL2005", None, NOODLES, None, None, None, "2026-09-23", None])
    county(later)
    assert hazard_officer(engine) == "SL2005"  # someone is assigned: the hazard goes along


@pytest.mark.parametrize(
    ("to", "date", "words"),
    [
        ("SL2003", None, "不在松林村范围内"),  # a village officer of another township
        ("SL1001", None, "应由村级干部包保"),
        ("SL2005", "2026-09-23", "晚于今天"),
        ("SL2001", None, "同一名干部"),
        ("SL9999", None, "不存在"),
    ],
)
def test_a_handover_that_cannot_be_is_refused_and_writes_nothing(
    county, engine, db_url, cli, to, date, words
):
    before = snapshot(engine)
    args = ["--db", db_url, "--today", TODAY, "roster", "handover", "--from", "SL2001", "--to", to]
    code, out, err = cli(*args, *(["--date", date] if date else []))
    assert code == 2 and out == "" and words in err and "Traceback" not in err
    assert snapshot(engine) == before
