"""食安办 pages: the dashboard, overdue drill-down, 未包保, verification (退回 with a reason, then
销号) and the downloads."""

import io
import re

import openpyxl
from sqlmodel import Session

from models.db import get_engine
from models.hazard import Hazard
from tests.support import web as support
from tests.support.web import PNG, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def _report(client, hazard_id: int) -> None:
    page = client.get(f"/hazards/{hazard_id}")
    response = client.post(
        f"/hazards/{hazard_id}/report",
        data={"csrf": csrf_of(page.text)},
        files=[("evidence", ("fix.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _status(world, hazard_id: int) -> str:
    with Session(get_engine(world.url)) as session:
        return session.get(Hazard, hazard_id).status


def test_dashboard_shows_township_and_tier_completion(world, client_for):
    page = client_for("supervisor_county").get("/office")
    assert page.status_code == 200
    assert "各乡镇完成情况" in page.text and "北岭镇" in page.text and "村级" in page.text
    assert "未包保主体" in page.text and "往期逾期任务" in page.text and "验收逾期隐患" in page.text
    alarms = re.findall(r'class="tile warn"[^>]*><b>([^<]*)</b>', page.text)
    assert "0" not in alarms  # zero is never an alarm
    assert page.text.count('class="period"') >= 8  # every card says what it counts
    town = client_for("supervisor_t2").get("/office")
    assert "北岭镇" in town.text and "石源镇" not in town.text


def test_overdue_drills_down_to_officer_and_task(world, client_for):
    client = client_for("supervisor_t1")
    overdue = client.get("/office/overdue")
    code = world.accounts["officer_a"]
    assert f'href="/office/officers/{code}"' in overdue.text
    officer = client.get(f"/office/officers/{code}")
    assert f'href="/tasks/{world.tasks["a_overdue"]}"' in officer.text
    task = client.get(f"/tasks/{world.tasks['a_overdue']}")
    assert task.status_code == 200 and "记录督导" not in task.text  # read-only for the office


def test_unassigned_entities_are_listed(world, client_for):
    page = client_for("supervisor_county").get("/office/unassigned")
    assert page.status_code == 200 and "未包保主体" in page.text


def test_supervisor_sends_back_with_a_reason_then_closes(world, client_for):
    hazard_id = world.hazards["a"]
    officer, supervisor = client_for("officer_a"), client_for("supervisor_t1")
    _report(officer, hazard_id)
    waiting = supervisor.get("/office/hazards")
    assert f'href="/hazards/{hazard_id}"' in waiting.text
    page = supervisor.get(f"/hazards/{hazard_id}")
    assert "验收通过，销号" in page.text and "退回整改" in page.text
    token = csrf_of(page.text)
    no_reason = supervisor.post(
        f"/hazards/{hazard_id}/verify", data={"csrf": token, "decision": "return", "reason": ""}
    )
    assert no_reason.status_code == 400 and _status(world, hazard_id) == "awaiting_verification"
    back = supervisor.post(
        f"/hazards/{hazard_id}/verify",
        data={"csrf": token, "decision": "return", "reason": "照片不清楚，请补拍"},
        follow_redirects=False,
    )
    assert back.status_code == 303 and _status(world, hazard_id) == "rectifying"
    assert "照片不清楚" in officer.get(f"/hazards/{hazard_id}").text
    _report(officer, hazard_id)
    closed = supervisor.post(
        f"/hazards/{hazard_id}/verify",
        data={"csrf": token, "decision": "close"},
        follow_redirects=False,
    )
    assert closed.status_code == 303 and _status(world, hazard_id) == "closed"
    assert "已销号" in officer.get("/my/hazards").text


def test_officer_cannot_verify_their_own_hazard(world, client_for):
    officer = client_for("officer_a")
    _report(officer, world.hazards["a"])
    page = officer.get(f"/hazards/{world.hazards['a']}")
    assert "验收通过" not in page.text
    response = officer.post(
        f"/hazards/{world.hazards['a']}/verify",
        data={"csrf": csrf_of(page.text), "decision": "close"},
    )
    assert response.status_code == 404 and _status(world, world.hazards["a"]) != "closed"


def test_lists_download_is_a_workbook_of_the_subtree(world, client_for):
    response = client_for("supervisor_t2").get("/office/downloads/lists.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-2:] == ["风险隐患清单", "治理责任清单"]
    texts = [c.value for row in book["风险隐患清单"].iter_rows() for c in row]
    assert "后厨脏乱" in texts and not any(
        isinstance(t, str) and t.startswith("检查项不符合") for t in texts
    )


def test_ranking_page_and_csv(world, client_for):
    client = client_for("supervisor_county")
    page = client.get("/office/ranking")
    assert page.status_code == 200 and "红黑榜" in page.text and "北岭镇" in page.text
    csv_file = client.get("/office/ranking?format=csv")
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert re.search(r"北岭镇", csv_file.content.decode("utf-8-sig"))


def test_a_supervisor_withdraws_a_closed_entity_s_hazard_on_its_page(world, client_for):
    from models import Entity

    hazard_id = world.hazards["a"]
    office = client_for("supervisor_t1")
    page = office.get(f"/hazards/{hazard_id}")
    assert page.status_code == 200 and "撤销该隐患" not in page.text  # the entity operates
    with Session(get_engine(world.url)) as session:
        entity = session.get(Entity, session.get(Hazard, hazard_id).entity_id)
        entity.status = "deregistered"
        session.commit()
    page = office.get(f"/hazards/{hazard_id}")
    assert "撤销该隐患" in page.text
    assert "撤销该隐患" not in client_for("officer_a").get(f"/hazards/{hazard_id}").text
    token = csrf_of(page.text)
    refused = office.post(f"/hazards/{hazard_id}/withdraw", data={"csrf": token, "reason": " "})
    assert refused.status_code == 400 and "原因" in refused.text
    done = office.post(
        f"/hazards/{hazard_id}/withdraw",
        data={"csrf": token, "reason": "主体已注销"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    shown = office.get(f"/hazards/{hazard_id}")
    assert "已撤销" in shown.text and "主体已注销" in shown.text and "撤销该隐患" not in shown.text
    assert f'href="/hazards/{hazard_id}"' not in office.get("/office/hazards?status=open").text
    assert f'href="/hazards/{hazard_id}"' in office.get("/office/hazards?status=withdrawn").text
    with Session(get_engine(world.url)) as session:
        assert session.get(Hazard, hazard_id).status == "withdrawn"
