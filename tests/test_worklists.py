"""Supervisor lists (services.worklists): filters, search, sort and paging counted a second way
in Python from the rows; the export re-read with openpyxl holds exactly the filtered rows;
dashboard rows drill down to lists of the same count; bad filters are one Chinese message."""

import datetime as dt
import io
import re
from urllib.parse import urlencode

import openpyxl
import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.db import get_engine
from models.entity import Entity
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from models.user import User
from tests.support import web as support
from tests.support.web import TODAY

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
TOTAL = re.compile(r'<p class="meta listing">共 (\d+) 项')


def _total(page) -> int:
    assert page.status_code == 200, page.text[:500]
    return int(TOTAL.search(page.text)[1])


def _ids(page, kind: str) -> list[int]:
    return [int(i) for i in re.findall(rf'data-label="编号"><a href="/{kind}/(\d+)"', page.text)]


def _path_of(session: Session, account: str) -> str:
    user = session.execute(select(User).where(User.account == account)).scalar_one()
    return session.get(Jurisdiction, user.jurisdiction_id).path


def _tasks(world, account: str) -> list[dict]:
    """Every task an office sees, with what the filters look at, read without the service."""
    with Session(get_engine(world.url)) as session:
        scope = _path_of(session, account)
        paths = dict(session.execute(select(Jurisdiction.id, Jurisdiction.path)).all())
        codes = {p: c for c, p in session.execute(select(Jurisdiction.code, Jurisdiction.path))}
        found = []
        for task, entity, officer in session.execute(
            select(InspectionTask, Entity, Officer)
            .join(Entity, Entity.id == InspectionTask.entity_id)
            .join(Officer, Officer.id == InspectionTask.officer_id)
        ):
            own, place = paths[task.jurisdiction_id], paths[entity.jurisdiction_id]
            if not (own.startswith(scope) or place.startswith(scope)):
                continue
            shown = task.status
            if task.status == "open" and task.due_date < TODAY:
                shown = "overdue"
            found.append(
                {
                    "id": task.id,
                    "status": shown,
                    "due": task.due_date,
                    "tier": officer.tier,
                    "officer": officer.code,
                    "officer_name": officer.name,
                    "entity": entity.name,
                    "towns": {codes.get(p) for p in _prefixes(own)},
                    "source": task.source,
                }
            )
    return sorted(found, key=lambda t: (t["due"], t["id"]))


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def _town_codes(world) -> dict[str, str]:
    with Session(get_engine(world.url)) as session:
        rows = session.execute(
            select(Jurisdiction.name, Jurisdiction.code).where(Jurisdiction.level == "township")
        )
        return dict(rows.all())


def test_task_filters_match_a_second_count(world, client_for):
    client = client_for("supervisor_county")
    tasks = _tasks(world, "duban")
    towns = _town_codes(world)
    t1 = next(code for name, code in towns.items() if name != "北岭镇")
    q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    cases = [
        ({"status": "overdue"}, lambda t: t["status"] == "overdue"),
        ({"status": "overdue", "township": t1}, lambda t: t["status"] == "overdue" and t1 in t["towns"]),
        ({"status": "done", "period": "2026Q3"}, lambda t: t["status"] == "done" and q3[0] <= t["due"] <= q3[1]),
        ({"status": "", "tier": "village", "period": "2026Q3"}, lambda t: t["tier"] == "village" and q3[0] <= t["due"] <= q3[1]),
        ({"status": "", "officer": world.accounts["officer_a"]}, lambda t: t["officer"] == world.accounts["officer_a"]),
        ({"status": "open", "source": "routine", "township": "510101002000"}, lambda t: t["status"] == "open" and "510101002000" in t["towns"]),
    ]  # fmt: skip
    for params, keep in cases:
        expected = [t["id"] for t in tasks if keep(t)]
        assert expected, params  # each case lists something
        page = client.get(f"/office/tasks?{urlencode(params)}")
        assert _total(page) == len(expected), params
        assert _ids(page, "tasks") == expected[:50], params


def test_search_sort_and_paging(world, client_for):
    client = client_for("supervisor_t1")
    tasks = _tasks(world, support_account(world, "supervisor_t1"))
    name = next(t["entity"] for t in tasks if t["status"] == "overdue")
    word = name[len(name) // 2 :][:3]
    by_name = [t["id"] for t in tasks if t["status"] == "overdue" and word in t["entity"]]
    assert _total(client.get(f"/office/tasks?{urlencode({'q': word})}")) == len(by_name)
    officer = world.accounts["officer_b"]
    by_code = [t["id"] for t in tasks if t["status"] == "overdue" and t["officer"] == officer]
    assert _ids(client.get(f"/office/tasks?q={officer}"), "tasks") == by_code[:50]
    everything = [t["id"] for t in tasks]
    first, second = (
        _ids(client.get(f"/office/tasks?status=&sort=due_date&desc=1&page={n}"), "tasks")
        for n in (1, 2)
    )
    newest = sorted(tasks, key=lambda t: (t["due"], t["id"]), reverse=True)
    assert first + second == [t["id"] for t in newest][:100]
    assert len(everything) > 100  # the second page is a real one
    last = -(-len(everything) // 50)
    beyond = client.get(f"/office/tasks?status=&sort=due_date&desc=1&page={last + 5}")
    assert f"第 {last}/{last} 页" in beyond.text  # a page past the last shows the last one
    assert _ids(beyond, "tasks") == [t["id"] for t in newest][(last - 1) * 50 :]


def support_account(world, role: str) -> str:
    return world.accounts[role]


def _sheet_ids(response) -> list[int]:
    assert response.status_code == 200, response.text[:500]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    return [int(r[0]) for r in rows if r[0] is not None]


def test_export_holds_exactly_the_filtered_rows(world, client_for):
    client = client_for("supervisor_county")
    tasks = _tasks(world, "duban")
    params = {"status": "", "tier": "village", "period": "2026Q3", "page": "3"}
    expected = [
        t["id"] for t in tasks if t["tier"] == "village" and t["due"] >= dt.date(2026, 7, 1)
    ]
    expected = [
        i for i in expected if i in {t["id"] for t in tasks if t["due"] <= dt.date(2026, 9, 30)}
    ]
    assert len(expected) > 50  # more than one page: the export is not the page
    assert _sheet_ids(client.get(f"/office/tasks.xlsx?{urlencode(params)}")) == expected
    with Session(get_engine(world.url)) as session:
        general = [
            h.id
            for h in session.execute(select(Hazard).order_by(Hazard.deadline, Hazard.id)).scalars()
            if h.level == "general"
        ]
    assert _sheet_ids(client.get("/office/hazards.xlsx?status=&level=general")) == general


def test_an_export_cell_is_never_a_formula(world, client_for):
    with Session(get_engine(world.url)) as session:
        entity = session.execute(select(Entity).where(Entity.name == "北岭饭店")).scalar_one()
        entity.name = '=HYPERLINK("http://x","北岭 饭店")'
        session.commit()
    response = client_for("supervisor_t2").get("/office/hazards.xlsx?status=")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = sheet.cell(row=4, column=2)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s" and cell.quotePrefix


@pytest.mark.parametrize(
    "query, message",
    [
        ("status=bogus", "状态“bogus”无效"),
        ("level=huge", "隐患等级“huge”无效"),
        ("period=2026Q5", "期间"),
        ("township=510101001000", "不在本辖区内"),
        ("page=0", "页码“0”无效"),
        ("sort=price", "排序“price”无效"),
    ],
)
def test_bad_filters_are_one_chinese_message(world, client_for, query, message):
    client = client_for("supervisor_t2")
    for url in (f"/office/hazards?{query}", f"/office/hazards.xlsx?{query}"):
        page = client.get(url)
        assert page.status_code == 400 and message in page.text, url


def test_dashboard_rows_drill_down_to_lists_of_the_same_count(world, client_for):
    client = client_for("supervisor_county")
    page = client.get("/office").text
    links = re.findall(r'<a class="drill[^"]*" href="([^"]+)">(\d+)</a>', page)
    assert len(links) >= 8  # done and overdue of every township and tier
    for href, shown in links:
        assert _total(client.get(href.replace("&amp;", "&"))) == int(shown), href
    for href in re.findall(r'<td><a href="(/office/tasks\?status=&amp;township=[^"]+)"', page):
        assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_a_task_done_late_shows_as_late(world, client_for):
    from services.visits.records import record_visit
    from tests.support.visits import onsite_visit

    with Session(get_engine(world.url)) as session:
        task_id = world.tasks["a_overdue"]
        record_visit(
            session=session,
            task_id=task_id,
            visit_date=TODAY,
            recorded_by=world.accounts["officer_a"],
            **onsite_visit(session, task_id),
        )
        session.commit()
    page = client_for("supervisor_t1").get(
        f"/office/tasks?status=done&officer={world.accounts['officer_a']}"
    )
    assert "逾期完成" in page.text
    assert "逾期完成" in client_for("officer_a").get("/my/tasks").text
