"""Officer pages: 我的任务, the task page and its visit form, 我的隐患 and reporting rectification."""

import re

from sqlmodel import Session, select

from models.db import get_engine
from models.hazard import Hazard
from models.record import InspectionRecord
from tests.support import web as support
from tests.support.web import PNG, csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures


def test_my_tasks_groups_overdue_due_soon_and_done(world, client_for):
    client = client_for("officer_a")
    page = client.get("/my/tasks")
    assert page.status_code == 200
    overdue, rest = page.text.split("即将到期", 1)
    due_soon, done = rest.split("本季度已完成", 1)
    assert f'href="/tasks/{world.tasks["a_overdue"]}"' in overdue
    assert f'href="/tasks/{world.tasks["a_open"]}"' in due_soon
    assert f'href="/tasks/{world.tasks["a_done"]}"' in done
    assert f'href="/tasks/{world.tasks["b_open"]}"' not in page.text
    assert page.headers["cache-control"] == "no-store"


def test_task_page_shows_entity_and_the_checklist_of_its_category(world, client_for):
    page = client_for("officer_a").get(f"/tasks/{world.tasks['a_open']}")
    assert page.status_code == 200
    assert "统一社会信用代码" in page.text and "督导检查清单" in page.text
    items = set(re.findall(r'name="answer_(\w+)"', page.text))
    assert "daily_control" in items
    assert "safety_director" not in items or "小餐饮" not in page.text
    assert 'accept="image/*" capture="environment"' in page.text


def _visit_form(html: str, first_answer: str = "否") -> dict:
    items = list(dict.fromkeys(re.findall(r'name="answer_(\w+)"', html)))
    data = {"csrf": csrf_of(html), "mode": "现场", "visit_date": "2026-09-22", "note": "现场检查"}
    for n, item in enumerate(items):
        data[f"answer_{item}"] = first_answer if n == 0 else "是"
    return data


def test_recording_a_visit_with_a_no_and_a_photo_opens_a_hazard(world, client_for):
    client = client_for("officer_a")
    task_id = world.tasks["a_open"]
    page = client.get(f"/tasks/{task_id}")
    response = client.post(
        f"/tasks/{task_id}/record",
        data=_visit_form(page.text),
        files=[("photos", ("现场.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303
    shown = client.get(f"/tasks/{task_id}")
    assert "发现 1 个隐患" in shown.text and "督导记录" in shown.text
    with Session(get_engine(world.url)) as session:
        record = session.exec(
            select(InspectionRecord).where(InspectionRecord.task_id == task_id)
        ).one()
        assert record.photos[0]["filename"] == "现场.png"
        hazard = session.exec(select(Hazard).where(Hazard.record_id == record.id)).one()
        assert hazard.status == "pending" and hazard.officer_id == world.officer_ids["a"]
    photo = re.search(r'src="(/tasks/\d+/photos/\w+)"', shown.text).group(1)
    assert client.get(photo).content == PNG
    assert client_for("officer_b").get(photo).status_code == 404


def test_a_refused_visit_writes_nothing_and_keeps_the_answers(world, client_for):
    client = client_for("officer_a")
    task_id = world.tasks["a_open"]
    form = _visit_form(client.get(f"/tasks/{task_id}").text)
    form["visit_date"] = "2026-10-30"  # after today
    response = client.post(f"/tasks/{task_id}/record", data=form)
    assert response.status_code == 400 and "晚于今天" in response.text
    assert 'value="否" required checked' in response.text
    with Session(get_engine(world.url)) as session:
        assert (
            session.exec(
                select(InspectionRecord).where(InspectionRecord.task_id == task_id)
            ).first()
            is None
        )


def test_a_file_that_is_not_an_image_is_refused(world, client_for):
    client = client_for("officer_a")
    task_id = world.tasks["a_open"]
    form = _visit_form(client.get(f"/tasks/{task_id}").text, first_answer="是")
    response = client.post(
        f"/tasks/{task_id}/record",
        data=form,
        files=[("photos", ("x.png", b"not an image", "image/png"))],
    )
    assert response.status_code == 400 and "类型不允许" in response.text


def test_reporting_rectification_with_evidence_awaits_verification(world, client_for):
    client = client_for("officer_a")
    hazard_id = world.hazards["a"]
    listing = client.get("/my/hazards")
    assert f'href="/hazards/{hazard_id}"' in listing.text
    assert f'href="/hazards/{world.hazards["b"]}"' not in listing.text
    page = client.get(f"/hazards/{hazard_id}")
    assert "报告整改完成" in page.text
    response = client.post(
        f"/hazards/{hazard_id}/report",
        data={"csrf": csrf_of(page.text), "note": "已整改"},
        files=[("evidence", ("整改.png", PNG, "image/png"))],
        follow_redirects=False,
    )
    assert response.status_code == 303
    with Session(get_engine(world.url)) as session:
        assert session.get(Hazard, hazard_id).status == "awaiting_verification"
    shown = client.get(f"/hazards/{hazard_id}")
    assert "整改证据" in shown.text and "待验收" in shown.text
    evidence = re.search(r'src="(/hazards/\d+/evidence/\w+)"', shown.text).group(1)
    assert client.get(evidence).content == PNG


def test_reporting_without_evidence_is_refused(world, client_for):
    client = client_for("officer_a")
    hazard_id = world.hazards["a"]
    page = client.get(f"/hazards/{hazard_id}")
    response = client.post(f"/hazards/{hazard_id}/report", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 400 and "证据" in response.text
    with Session(get_engine(world.url)) as session:
        assert session.get(Hazard, hazard_id).status == "pending"


def test_an_internal_error_is_a_chinese_page_without_traceback(world, app, monkeypatch):
    from fastapi.testclient import TestClient

    from services.accounts import access
    from tests.support.web import login

    def broken(**_kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(access, "officer_board", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        login(client, world.accounts["officer_a"])
        page = client.get("/my/tasks")
    assert page.status_code == 500 and "系统内部错误" in page.text
    assert "secret detail" not in page.text and "Traceback" not in page.text


def test_the_date_field_is_bounded_by_the_back_dating_limit(world, client_for):
    page = client_for("officer_a").get(f"/tasks/{world.tasks['a_open']}")
    # Today is Tuesday 2026-09-22; Sunday 09-20 is a 调休 workday, so 09-20, 09-21 and 09-22
    # are the three working days after 09-18: the earliest date the officer may enter.
    assert 'min="2026-09-18" max="2026-09-22"' in page.text
    assert "其余均为“是”" in page.text


def test_a_refused_visit_keeps_its_photos_and_a_no_carries_its_note(world, client_for):
    client = client_for("officer_a")
    task_id = world.tasks["a_open"]
    form = _visit_form(client.get(f"/tasks/{task_id}").text)
    failed = next(k[len("answer_") :] for k, v in form.items() if v == "否")
    note = "冷藏柜 12℃，有过期酸奶"
    name = ("后厨冷藏柜温度计读数及过期食品照片" * 6)[:100] + ".png"
    form |= {f"note_{failed}": note, "visit_date": "2026-09-17"}  # past the limit
    response = client.post(
        f"/tasks/{task_id}/record",
        data=form,
        files=[
            ("photos", ("现场.png", PNG, "image/png")),
            (f"photo_{failed}", (name, PNG + b"no", "image/png")),
        ],
    )
    assert response.status_code == 400 and "食安办" in response.text
    kept = re.findall(
        r'name="kept_photos" value="([^"]+)" checked> 已上传：现场.png', response.text
    )
    kept_item = re.findall(
        rf'name="kept_photo_{failed}" value="([^"]+)" checked> 已上传：{re.escape(name)}',
        response.text,
    )
    assert len(kept) == 1 and len(kept_item) == 1 and note in response.text
    with Session(get_engine(world.url)) as session:
        assert (
            session.exec(
                select(InspectionRecord).where(InspectionRecord.task_id == task_id)
            ).first()
            is None
        )
    # Sent again with the date put right and no files: the kept photos are attached by id.
    form |= {
        "visit_date": "2026-09-18",
        "kept_photos": kept[0],
        f"kept_photo_{failed}": kept_item[0],
    }
    response = client.post(f"/tasks/{task_id}/record", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    with Session(get_engine(world.url)) as session:
        record = session.exec(
            select(InspectionRecord).where(InspectionRecord.task_id == task_id)
        ).one()
        assert [p["filename"] for p in record.photos] == ["现场.png"]
        assert record.answers[failed]["note"] == note
        assert [p["filename"] for p in record.answers[failed]["photos"]] == [name]
        hazard = session.exec(select(Hazard).where(Hazard.record_id == record.id)).one()
        assert hazard.description == note
        from models import HazardEvidence

        (evidence,) = session.exec(
            select(HazardEvidence).where(HazardEvidence.hazard_id == hazard.id)
        ).all()
        assert evidence.filename == name
    # Another officer cannot attach these photos by their ids.
    other = client_for("officer_b")
    other_task = world.tasks["b_open"]
    form_b = _visit_form(other.get(f"/tasks/{other_task}").text, first_answer="是")
    response = other.post(f"/tasks/{other_task}/record", data=form_b | {"kept_photos": kept[0]})
    assert response.status_code == 400 and "本人上传" in response.text
