"""End to end in Chromium: an officer on a phone opens a digest link and records a visit with one
否 and a photo; the hazard appears for the supervisor, who sends it back once and then closes
it. Screenshots go to tests/artifacts/."""

import io
import re

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.db import get_engine
from models.hazard import Hazard
from tests.support.web import PASSWORD


def photo(tmp_path, name: str, colour: str):
    """A small JPEG like a phone camera's (content-checked by the server)."""
    image = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(image).rectangle((80, 80, 560, 400), outline="white", width=12)
    path = tmp_path / name
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    path.write_bytes(buffer.getvalue())
    return path


def digest_link(world, task_id: int) -> str:
    """The one-tap link to a task in its officer's digest today, as the mail carries it."""
    from services.reminders.digests import build_digests, with_one_tap_links
    from tests.support.web import TODAY

    with Session(get_engine(world.url)) as session:
        officer_digests, _ = build_digests(session=session, today=TODAY)
    digest = with_one_tap_links(
        next(d for d in officer_digests if d.code == world.accounts["officer_a"])
    )
    return next(
        ln.link
        for ln in digest.due_soon.lines + digest.overdue.lines
        if ln.kind == "task" and ln.link.split("?")[0].endswith(f"/tasks/{task_id}")
    )


def sign_in(page, base: str, account: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def report_rectification(page, base: str, hazard_id: int, picture) -> None:
    page.goto(f"{base}/hazards/{hazard_id}")
    page.set_input_files("input[name=evidence]", str(picture))
    page.fill("textarea[name=note]", "已整改，附照片")
    page.click("text=提交，申请验收")
    page.wait_for_selector("text=已报告整改完成")


def hazard_state(url: str, hazard_id: int) -> str:
    with Session(get_engine(url)) as session:
        return session.get(Hazard, hazard_id).status


def test_officer_visit_to_supervisor_closure(served, browser, shots, tmp_path):
    world, app = served
    task_id = world.tasks["a_open"]
    link = digest_link(world, task_id)
    assert link.startswith(f"{app.base}/tasks/{task_id}?k=")

    phone = browser.new_context(**browser.devices["Pixel 7"], locale="zh-CN")
    officer = phone.new_page()
    officer.goto(link)
    assert officer.url == f"{app.base}/tasks/{task_id}"  # the token left the address bar
    officer.wait_for_selector("text=记录督导")
    shots(officer, "01-officer-opens-digest-link")

    items = officer.locator("ol.checklist > li")
    assert items.count() >= 5
    for n in range(items.count()):
        items.nth(n).locator("label", has_text="否" if n == 0 else "是").first.click()
    first_item = items.nth(0).locator("p").inner_text()
    officer.set_input_files("input[name=photos] >> nth=0", str(photo(tmp_path, "现场.jpg", "teal")))
    shots(officer, "02-officer-fills-checklist")
    officer.click("text=提交督导记录")
    officer.wait_for_selector("text=督导已记录")
    assert "发现 1 个隐患" in officer.content()
    assert officer.locator(".photos img").count() == 1
    shots(officer, "03-visit-recorded")
    hazard_id = int(
        re.search(r"/hazards/(\d+)", officer.locator(".cards a").first.get_attribute("href"))[1]
    )
    assert hazard_state(world.url, hazard_id) == "pending"

    sign_in(officer, app.base, world.accounts["officer_a"])
    officer.wait_for_selector("text=本季度已完成")
    shots(officer, "04-officer-my-tasks")
    officer.goto(f"{app.base}/my/hazards")
    assert officer.locator(f'a[href="/hazards/{hazard_id}"]').count() == 1
    report_rectification(officer, app.base, hazard_id, photo(tmp_path, "整改1.jpg", "olive"))
    shots(officer, "05-officer-reports-rectification")

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    supervisor = desk.new_page()
    sign_in(supervisor, app.base, world.accounts["supervisor_t1"])
    supervisor.wait_for_selector("text=各乡镇完成情况")
    shots(supervisor, "06-supervisor-dashboard")
    supervisor.goto(f"{app.base}/office/hazards")
    supervisor.click(f'a[href="/hazards/{hazard_id}"] >> nth=0')
    supervisor.wait_for_url(f"{app.base}/hazards/{hazard_id}")
    supervisor.wait_for_selector("text=退回整改")
    assert first_item in supervisor.content()
    supervisor.fill("textarea[name=reason]", "照片看不清整改后的记录本，请补拍")
    supervisor.click("button:has-text('退回整改')")
    supervisor.wait_for_selector("text=已退回整改")
    shots(supervisor, "07-supervisor-sends-back")
    assert hazard_state(world.url, hazard_id) == "rectifying"

    officer.goto(f"{app.base}/hazards/{hazard_id}")
    assert "请补拍" in officer.content()
    report_rectification(officer, app.base, hazard_id, photo(tmp_path, "整改2.jpg", "navy"))
    shots(officer, "08-officer-reports-again")

    supervisor.goto(f"{app.base}/hazards/{hazard_id}")
    supervisor.click("button:has-text('验收通过，销号')")
    supervisor.wait_for_selector("text=已验收销号")
    shots(supervisor, "09-supervisor-closes")
    assert hazard_state(world.url, hazard_id) == "closed"

    officer.goto(f"{app.base}/my/hazards")
    assert "已销号" in officer.content()
    shots(officer, "10-officer-sees-closed")
    with Session(get_engine(world.url)) as session:
        moves = (
            session.execute(
                select(AuditEvent.after)
                .where(
                    AuditEvent.object_type == "hazard",
                    AuditEvent.object_id == str(hazard_id),
                    AuditEvent.action == "hazard.move",
                )
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert [m["status"] for m in moves] == [
        "rectifying",
        "awaiting_verification",
        "rectifying",
        "awaiting_verification",
        "closed",
    ]
    phone.close()
    desk.close()
