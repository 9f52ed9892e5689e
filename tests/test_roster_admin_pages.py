"""Admin: the roster dry run names what it would create, change and end and the entities it
would leave 未包保 (counted again after the import), with 确认导入 as the page's main action; the
未包保 page assigns an officer in place under the handover rules (层级对应, inside the officer's
jurisdiction), audited, the entity's office-held hazards going to the officer."""

import datetime as dt
import io
import re

import openpyxl
from sqlalchemy import select
from sqlmodel import Session

from models.assignment import Assignment
from models.audit import AuditEvent
from models.db import get_engine
from models.entity import Entity
from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.core import clock
from services.roster.entity_history import record_history
from tests.support import web as support
from tests.support.web import csrf_of

app, client_for, world = support.app, support.client_for, support.world  # shared fixtures
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NEW_SHOP = "新开 小作坊 张记豆腐"  # a 小作坊 with a 登记证 and a space in its name


def _column(sheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value and str(c.value).startswith(header))


def _edited_roster(client, village_code: str) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(client.get("/admin/roster/export.xlsx").content))
    entities = book["包保主体"]
    row = entities.max_row + 1
    for header, value in {
        "登记备案编号": "川GD5110019999",
        "主体名称": NEW_SHOP,
        "业态": "小作坊",
        "主体等级": "D",
        "所属区划代码": village_code,
        "经营状态": "在营",
    }.items():
        entities.cell(row=row, column=_column(entities, header), value=value)
    officers = book["包保干部"]
    name_column = _column(officers, "姓名")
    officers.cell(row=2, column=name_column, value="改名 干部")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _village_of(world, who: str) -> str:
    with Session(get_engine(world.url)) as session:
        officer = session.get(Officer, world.officer_ids[who])
        return session.get(Jurisdiction, officer.jurisdiction_id).code


def _unassigned_count(client) -> int:
    page = client.get("/office/unassigned").text
    return int(re.search(r'未包保主体 <span class="count">(\d+)</span>', page)[1])


def test_dry_run_names_the_changes_and_the_unassigned(world, client_for):
    client = client_for("admin_county")
    before = _unassigned_count(client)
    page = client.get("/admin/roster")
    checked = client.post(
        "/admin/roster",
        data={"csrf": csrf_of(page.text)},
        files=[("file", ("名册.xlsx", _edited_roster(client, _village_of(world, "a")), XLSX))],
    )
    text = checked.text
    assert checked.status_code == 200 and "试运行通过" in text, text[:2000]
    assert text.index("确认导入") < text.index("<table")  # the main action comes first
    assert 'class="primary big">确认导入' in text
    warned = re.search(r"导入后将有 (\d+) 个在营主体未包保", text)
    assert warned and NEW_SHOP in text and "新增" in text
    assert "改名 干部" in text  # a changed officer, by name
    token = text.split('name="token" value="', 1)[1].split('"', 1)[0]
    applied = client.post("/admin/roster/apply", data={"csrf": csrf_of(text), "token": token})
    assert "导入完成" in applied.text
    after = _unassigned_count(client)
    assert after == int(warned[1]) and after == before + 1  # counted again after the import


def _unassigned_entity_with_a_held_hazard(world) -> tuple[int, int]:
    from services.hazards.create import add_hazard

    with Session(get_engine(world.url)) as session:
        officer = session.get(Officer, world.officer_ids["a"])
        entity = Entity(
            registration_no="川TF5110019999",
            name="路口 早餐摊",
            category="食品摊贩",
            package_grade="D",
            jurisdiction_id=officer.jurisdiction_id,
        )
        session.add(entity)
        session.flush()
        record_history(connection=session.connection(), day=clock.today())
        hazard = add_hazard(
            session=session,
            source="投诉举报",
            description="无健康证",
            level="一般",
            entity_key="川TF5110019999",
            actor="test",
        )
        session.commit()
        assert hazard.officer_id is None  # nobody covers it: the office holds it
        return entity.id, hazard.id


def _assign(client, entity_id: int, code: str):
    page = client.get("/office/unassigned")
    return client.post(
        "/admin/unassigned/assign",
        data={"csrf": csrf_of(page.text), "entity_id": str(entity_id), "officer_code": code},
    )


def test_an_admin_assigns_an_officer_in_place(world, client_for):
    entity_id, hazard_id = _unassigned_entity_with_a_held_hazard(world)
    admin = client_for("admin_county")
    page = admin.get("/office/unassigned").text
    assert "路口 早餐摊" in page and f'name="entity_id" value="{entity_id}"' in page
    assert (
        "/admin/unassigned/assign" not in client_for("supervisor_t1").get("/office/unassigned").text
    )

    refused = _assign(admin, entity_id, world.accounts["officer_t2"])  # 北岭镇, 乡级
    assert refused.status_code == 400 and "层级对应" in refused.text
    outside = _assign(client_for("admin_t1"), entity_id, world.accounts["officer_t2"])
    assert outside.status_code == 400 and "不存在" in outside.text  # not in the admin's subtree
    assert _assign(client_for("supervisor_county"), entity_id, "x").status_code == 404

    done = _assign(admin, entity_id, world.accounts["officer_a"])
    assert done.status_code == 200 and "已指定" in done.text and "转交隐患 1 个" in done.text
    assert "路口 早餐摊" not in admin.get("/office/unassigned").text
    with Session(get_engine(world.url)) as session:
        held = session.execute(
            select(Assignment).where(Assignment.entity_id == entity_id)
        ).scalar_one()
        assert held.officer_id == world.officer_ids["a"] and held.start_date == dt.date(2026, 9, 22)
        assert session.get(Hazard, hazard_id).officer_id == world.officer_ids["a"]
        audited = session.execute(
            select(AuditEvent).where(
                AuditEvent.object_type == "assignment", AuditEvent.object_id == str(held.id)
            )
        ).scalar_one()
        assert audited.actor == world.accounts["admin_county"]
    again = _assign(admin, entity_id, world.accounts["officer_b"])
    assert again.status_code == 400 and "已有包保干部" in again.text
