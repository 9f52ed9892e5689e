"""The verifier's hazard page and the officer's view of a return: the visit that found the hazard
(its 否 answers, note and photos, reachable through the hazard), evidence grouped by submission
with time and submitter by name, a return that needs its reason, the 退回 mark and reason on the
officer's card and page, and a 被退回整改 section in the next working day's digest."""

import datetime as dt
import re

from sqlalchemy import select
from sqlmodel import Session

from models.db import get_engine
from models.hazard import Hazard
from models.officer import Officer
from models.user import User
from tests.support import web as support
from tests.support.web import PNG, TODAY, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
NOTE = "后厨 地面有积水，冷藏柜温度记录缺失"
REASON = "整改照片看不清记录本，请补拍"


def _visit_with_a_failed_item(client, task_id: int) -> int:
    page = client.get(f"/tasks/{task_id}")
    items = list(dict.fromkeys(re.findall(r'name="answer_(\w+)"', page.text)))
    form = {
        "csrf": csrf_of(page.text),
        "mode": "现场",
        "visit_date": "2026-09-22",
        "note": NOTE,
        **{f"answer_{i}": "否" if n == 0 else "是" for n, i in enumerate(items)},
    }
    done = client.post(
        f"/tasks/{task_id}/record",
        data=form,
        files=[("photos", ("现场 照片.png", PNG, "image/png"))],
    )
    assert done.status_code == 200, done.text[:500]
    return int(re.search(r'href="/hazards/(\d+)"', client.get(f"/tasks/{task_id}").text)[1])


def _report(client, hazard_id: int, note: str, content: bytes) -> None:
    page = client.get(f"/hazards/{hazard_id}")
    response = client.post(
        f"/hazards/{hazard_id}/report",
        data={"csrf": csrf_of(page.text), "note": note},
        files=[("evidence", ("整改.png", content, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"] == f"/hazards/{hazard_id}"


def _verify(client, hazard_id: int, decision: str, reason: str = ""):
    page = client.get(f"/hazards/{hazard_id}")
    return client.post(
        f"/hazards/{hazard_id}/verify",
        data={"csrf": csrf_of(page.text), "decision": decision, "reason": reason},
        follow_redirects=False,
    )


def _names(world) -> tuple[str, str]:
    with Session(get_engine(world.url)) as session:
        officer = session.execute(
            select(Officer).where(Officer.code == world.accounts["officer_b"])
        ).scalar_one()
        user = session.execute(
            select(User).where(User.account == world.accounts["supervisor_t1"])
        ).scalar_one()
        return officer.name, user.name


def test_verifier_sees_the_visit_submissions_and_names(world, client_for):
    officer, supervisor = client_for("officer_b"), client_for("supervisor_t1")
    hazard_id = _visit_with_a_failed_item(officer, world.tasks["b_open"])
    officer_name, supervisor_name = _names(world)
    _report(officer, hazard_id, "第一次整改", PNG)
    assert _verify(supervisor, hazard_id, "return").status_code == 400  # a reason is required
    assert _verify(supervisor, hazard_id, "return", REASON).status_code == 303
    second = PNG.replace(b"IDATx", b"IDATx", 1) + b"\x00"  # another file: another sha256
    _report(officer, hazard_id, "第二次整改", second)

    page = supervisor.get(f"/hazards/{hazard_id}").text
    assert NOTE in page and "发现该隐患的督导" in page and 'href="#source-visit"' in page
    photos = re.findall(rf'src="(/hazards/{hazard_id}/photos/\w+)"', page)
    assert photos and supervisor.get(photos[0]).status_code == 200
    assert client_for("supervisor_t2").get(photos[0]).status_code == 404
    submissions = re.findall(r'<div class="submission">(.*?)</div>\s*</div>', page, re.S)
    assert len(submissions) == 2
    assert "第二次整改" in submissions[0] and "第一次整改" in submissions[1]  # newest first
    assert all(officer_name in s for s in submissions)
    history = page[page.index("处理记录") :]
    assert officer_name in history and supervisor_name in history and REASON in history
    assert f">{world.accounts['officer_b']}<" not in history  # names, not codes, in the history
    assert "验收通过，销号" in page and 'required placeholder="写明' in page


def test_officer_sees_a_return_on_card_page_and_next_digest(world, client_for):
    from services.reminders.digests import build_digests

    officer, supervisor = client_for("officer_b"), client_for("supervisor_t1")
    hazard_id = world.hazards["b"]
    _report(officer, hazard_id, "已整改", PNG)
    assert _verify(supervisor, hazard_id, "return", REASON).status_code == 303

    card = officer.get("/my/hazards").text
    assert "退回" in card and REASON in card
    page = officer.get(f"/hazards/{hazard_id}").text
    assert "已被退回整改" in page and REASON in page and "重新报告整改完成" in page

    world.set_today(dt.date(2026, 9, 23))  # the next working day's digest
    with Session(get_engine(world.url)) as session:
        digests, _ = build_digests(session=session, today=dt.date(2026, 9, 23))
    mine = next(d for d in digests if d.code == world.accounts["officer_b"])
    assert [line.id for line in mine.returned.lines] == [hazard_id]
    assert REASON in mine.returned.lines[0].detail

    world.set_today(TODAY)  # back to the day the officer's session was made
    from notifications.builders import officer_email

    mail = officer_email(mine, strict=True)
    assert "被退回整改" in mail.text and REASON in mail.text and "退回整改 1 项" in mail.subject

    _report(officer, hazard_id, "补拍了照片", PNG + b"\x01")  # reported again: no more mark
    assert "已被退回整改" not in officer.get(f"/hazards/{hazard_id}").text
    with Session(get_engine(world.url)) as session:
        assert session.get(Hazard, hazard_id).status == "awaiting_verification"


def test_a_return_is_news_only_in_the_next_digest(world, client_for):
    from services.reminders.digests import build_digests

    officer, supervisor = client_for("officer_b"), client_for("supervisor_t1")
    _report(officer, world.hazards["b"], "已整改", PNG)
    assert _verify(supervisor, world.hazards["b"], "return", REASON).status_code == 303
    later = dt.date(2026, 9, 25)  # 中秋 (a weekday holiday): no digest; then Monday 09-28
    with Session(get_engine(world.url)) as session:
        assert build_digests(session=session, today=later) == ([], [])
        digests, _ = build_digests(session=session, today=dt.date(2026, 9, 28))
    returned = [d for d in digests if d.returned.total]
    assert returned == []  # returned on the 22nd: news on the 23rd and 24th only
