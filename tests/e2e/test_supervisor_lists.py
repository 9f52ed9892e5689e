"""Supervisor journeys in Chromium on a phone (390×844) and a desktop (1440×900): every supervisor
page without sideways scrolling of the page, the lists filtered from the form, a dashboard row
drilled down, a filtered export downloaded and re-read with openpyxl, the verifier's page with
its one-tap 销号 and a return that needs a reason, the 退出 button a full tap target."""

import re

import openpyxl
import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.db import get_engine
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from models.task import InspectionTask
from tests.e2e.test_browser import hazard_state, report_rectification, sign_in
from tests.support.web import TODAY

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1440, "height": 900}}
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _pages(world, hazard_id: int) -> list[str]:
    return [
        "/office",
        "/office/overdue",
        "/office/tasks",
        "/office/tasks?status=&sort=entity",
        "/office/hazards?status=open",
        "/office/unassigned",
        "/office/downloads",
        "/office/ranking",
        f"/office/officers/{world.accounts['officer_a']}",
        f"/hazards/{hazard_id}",
        f"/tasks/{world.tasks['a_done']}",
    ]


def _overdue_village_tasks(world, town_name: str) -> list[int]:
    """The overdue tasks of village officers in a township, by due date: counted in Python."""
    with Session(get_engine(world.url)) as session:
        town = session.execute(
            select(Jurisdiction).where(Jurisdiction.name == town_name)
        ).scalar_one()
        rows = session.execute(
            select(InspectionTask, Officer.tier, Jurisdiction.path)
            .join(Officer, Officer.id == InspectionTask.officer_id)
            .join(Jurisdiction, Jurisdiction.id == InspectionTask.jurisdiction_id)
        ).all()
    keep = [
        t
        for t, tier, path in rows
        if tier == "village"
        and path.startswith(town.path)
        and t.status == "open"
        and t.due_date < TODAY
    ]
    return [t.id for t in sorted(keep, key=lambda t: (t.due_date, t.id))]


@pytest.mark.parametrize("size", list(SIZES))
def test_supervisor_pages_lists_and_export(served, browser, shots, tmp_path, size):
    world, app = served
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, app.base, world.accounts["supervisor_county"])
    page.wait_for_selector("text=各乡镇完成情况")
    for path in _pages(world, world.hazards["a"]):
        page.goto(f"{app.base}{path}")
        assert page.evaluate(NO_OVERFLOW), (size, path, page.evaluate(WIDEST))
    shots(page, f"h16-{size}-hazard")
    logout = page.locator("header .me button").bounding_box()
    assert logout["height"] >= 44 and logout["width"] >= 44

    page.goto(f"{app.base}/office")  # a township row drills down to its overdue tasks
    link = page.locator("a.drill").first
    shown = int(link.inner_text())
    link.click()
    page.wait_for_url(re.compile(r"/office/tasks\?status="))
    assert f"共 {shown} 项" in page.locator("p.listing").inner_text()

    page.goto(f"{app.base}/office/tasks")  # filter from the form
    page.select_option("select[name=township]", label="石源镇")
    page.select_option("select[name=tier]", value="village")
    page.click("form.filters button.primary")
    page.wait_for_url(re.compile(r"tier=village"))
    expected = _overdue_village_tasks(world, "石源镇")
    assert f"共 {len(expected)} 项" in page.locator("p.listing").inner_text()
    assert page.evaluate(NO_OVERFLOW)
    shots(page, f"h16-{size}-filtered-list")
    with page.expect_download() as download:
        page.click("a.export")
    saved = tmp_path / f"export-{size}.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    ids = [int(r[0]) for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert ids == expected
    context.close()


def test_verifier_returns_with_a_reason_on_a_phone(served, browser, shots, tmp_path):
    from tests.e2e.test_browser import photo

    world, app = served
    hazard_id = world.hazards["a"]
    officer = browser.new_context(viewport=SIZES["phone"], locale="zh-CN").new_page()
    sign_in(officer, app.base, world.accounts["officer_a"])
    officer.wait_for_selector("text=本季度已完成")
    report_rectification(officer, app.base, hazard_id, photo(tmp_path, "整改.jpg", "olive"))

    verifier = browser.new_context(viewport=SIZES["phone"], locale="zh-CN").new_page()
    sign_in(verifier, app.base, world.accounts["supervisor_t1"])
    verifier.wait_for_selector("text=各乡镇完成情况")
    verifier.goto(f"{app.base}/hazards/{hazard_id}")
    assert verifier.locator("#source-visit").count() == 1
    assert verifier.locator(".submission").count() == 1
    verifier.click("button:has-text('退回整改')")  # no reason: the browser refuses to send
    assert hazard_state(world.url, hazard_id) == "awaiting_verification"
    verifier.fill("textarea[name=reason]", "照片看不清，请补拍")
    verifier.click("button:has-text('退回整改')")
    verifier.wait_for_selector("text=已退回整改")
    assert verifier.evaluate(NO_OVERFLOW)
    shots(verifier, "h16-phone-verifier-returned")

    officer.goto(f"{app.base}/my/hazards")
    card = officer.locator("li.card.is-returned")
    assert card.count() == 1 and "照片看不清，请补拍" in card.inner_text()
    assert officer.evaluate(NO_OVERFLOW)
    shots(officer, "h16-phone-officer-sees-return")
