"""In Chromium: the officer's task page shows the entity's people and a phone number to tap;
an administrator hands the officer's entities to a colleague on the admin page, the officer's
hazard is gone from its phone the same day and the dashboard lists the handover."""

from sqlmodel import Session

from models.db import get_engine
from models.entity import Entity
from models.task import InspectionTask
from tests.e2e.test_browser import sign_in
from tests.support.web import add_colleague


def _prepare(world) -> tuple[str, str]:
    """A landline with 分机 and a 食品安全总监 on officer A's open task's entity, and a new
    colleague of officer A's village; returns (entity name, colleague code)."""
    with Session(get_engine(world.url)) as session:
        task = session.get(InspectionTask, world.tasks["a_open"])
        entity = session.get(Entity, task.entity_id)
        entity.phone, entity.person_in_charge = "0831-5201234-802", "王德明"
        entity.safety_director = "刘海燕"
        session.commit()
        name = entity.name
    return name, add_colleague(world, "a")


def test_tap_to_call_then_a_handover_by_the_admin(served, browser, shots):
    world, app = served
    name, successor = _prepare(world)
    phone = browser.new_context(**browser.devices["Pixel 7"], locale="zh-CN")
    officer = phone.new_page()
    sign_in(officer, app.base, world.accounts["officer_a"])
    officer.goto(f"{app.base}/tasks/{world.tasks['a_open']}")
    call = officer.locator("a.call")
    assert call.get_attribute("href") == "tel:08315201234,802"
    assert call.inner_text() == "0831-5201234-802"
    assert (
        officer.locator("text=王德明").count() == 1 and officer.locator("text=刘海燕").count() == 1
    )
    shots(officer, "handover-01-task-page-tap-to-call")

    desk = browser.new_context(locale="zh-CN").new_page()
    sign_in(desk, app.base, world.accounts["admin_county"])
    desk.goto(f"{app.base}/admin/handover")
    desk.fill("input[name=from_code]", world.accounts["officer_a"])
    desk.fill("input[name=to_code]", successor)
    desk.click("button.primary")
    desk.wait_for_selector("text=已交接")
    shots(desk, "handover-02-admin-page")
    desk.goto(f"{app.base}/office")
    assert desk.locator("table.handovers td", has_text=successor).count() == 1
    shots(desk, "handover-03-dashboard")

    officer.goto(f"{app.base}/my/hazards")
    assert officer.locator(f'a[href="/hazards/{world.hazards["a"]}"]').count() == 0
    officer.goto(f"{app.base}/tasks/{world.tasks['a_open']}")
    officer.wait_for_selector("text=任务已交接")
    assert officer.locator("text=记录督导").count() == 0
    assert name in officer.content()
