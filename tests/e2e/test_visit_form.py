"""The visit form on a 390×844 phone in Chromium: date bounds from the back-dating limit, "其余均为
是" keeping the 否 and 不涉及 answers, a 否 item's own note and photo, and photos kept across a
refused submission (uploaded first, attached by id)."""

import datetime as dt
import io

from PIL import Image
from sqlmodel import Session, select

from models import Hazard, HazardEvidence, InspectionRecord
from models.db import get_engine
from tests.support.web import PASSWORD, TODAY

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True}


def photo(tmp_path, name: str, colour: str):
    """A small JPEG like a phone camera's."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG", quality=80)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


def sign_in(page, base: str, account: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", account)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def test_an_officer_fills_the_visit_form_on_a_phone(served, browser, shots, tmp_path):
    world, app = served
    task_id = world.tasks["a_open"]
    page = browser.new_context(**PHONE, has_touch=True, locale="zh-CN").new_page()
    sign_in(page, app.base, world.accounts["officer_a"])
    page.wait_for_selector("text=本季度已完成")
    page.goto(f"{app.base}/tasks/{task_id}")
    page.wait_for_selector("text=记录督导")

    # Today is Tuesday 2026-09-22 and Sunday 09-20 a 调休 workday: 09-18 is the earliest date.
    date = page.locator("input[name=visit_date]")
    assert (date.get_attribute("min"), date.get_attribute("max")) == ("2026-09-18", str(TODAY))

    items = page.locator("ol.checklist > li")
    count = items.count()
    assert count >= 5
    items.nth(0).locator("label", has_text="否").click()
    items.nth(2).locator("label", has_text="不涉及").click()
    assert not items.nth(1).locator(".failed-detail").is_visible()
    page.click("text=其余均为“是”")
    answers = [
        items.nth(n).locator("input[type=radio]:checked").get_attribute("value")
        for n in range(count)
    ]
    assert answers == ["否", "是", "不涉及", *["是"] * (count - 3)]
    detail = items.nth(0).locator(".failed-detail")
    assert detail.is_visible()
    note = "冷藏柜实测 12℃，柜内有过期酸奶 3 盒"
    detail.locator("textarea").fill(note)
    detail.locator("input[type=file]").set_input_files(str(photo(tmp_path, "冷藏柜.jpg", "navy")))
    page.set_input_files("input[name=photos] >> nth=0", str(photo(tmp_path, "门头.jpg", "teal")))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shots(page, "visit-form-390-filled")

    # An old browser without date bounds sends a date past the limit: refused, nothing lost.
    date.evaluate("el => el.removeAttribute('min')")
    date.fill("2026-09-17")
    page.click("text=提交督导记录")
    page.wait_for_selector("text=不能再录入")
    shots(page, "visit-form-390-refused")
    kept = page.locator("label.kept")
    assert sorted(kept.all_inner_texts()) == ["已上传：冷藏柜.jpg", "已上传：门头.jpg"]
    assert page.locator("label.kept input:checked").count() == 2
    items = page.locator("ol.checklist > li")
    assert items.nth(0).locator("input[value='否']").is_checked()
    assert items.nth(2).locator("input[value='不涉及']").is_checked()
    assert items.nth(0).locator("textarea").input_value() == note
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("input[name=visit_date]").fill(str(TODAY - dt.timedelta(days=1)))
    page.click("text=提交督导记录")
    page.wait_for_selector("text=督导已记录")
    assert "发现 1 个隐患" in page.content()
    shots(page, "visit-form-390-recorded")
    with Session(get_engine(world.url)) as session:
        record = session.exec(
            select(InspectionRecord).where(InspectionRecord.task_id == task_id)
        ).one()
        assert [p["filename"] for p in record.photos] == ["门头.jpg"]
        hazard = session.exec(select(Hazard).where(Hazard.record_id == record.id)).one()
        assert hazard.description == note
        evidence = session.exec(
            select(HazardEvidence).where(HazardEvidence.hazard_id == hazard.id)
        ).all()
        assert [e.filename for e in evidence] == ["冷藏柜.jpg"]
