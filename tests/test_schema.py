"""Migrations build the whole model; the database enforces keys, enumerations and history."""

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Assignment, Entity, InspectionTask, Jurisdiction, Officer
from services.core.schema import current_revision, head_revision, model_differences, upgrade


def test_models_and_migrations_agree(engine):
    assert model_differences(engine=engine) == []


def test_upgrade_is_idempotent(engine):
    assert current_revision(engine=engine) == head_revision()
    before, after = upgrade(engine=engine)
    assert before == after == head_revision()


def _roster(session: Session) -> dict:
    county = Jurisdiction(code="511000000000", name="示例县", level="county", path="/511000000000/")
    session.add(county)
    session.flush()
    officer = Officer(
        code="SL0001", name="周建国", tier="county", mobile="13800000001", jurisdiction_id=county.id
    )
    entity = Entity(
        credit_code="91511000123456788W",
        name="河口食品有限公司",
        category="食品生产",
        package_grade="B",
        jurisdiction_id=county.id,
    )
    session.add_all([officer, entity])
    session.flush()
    assignment = Assignment(
        officer_id=officer.id, entity_id=entity.id, start_date=dt.date(2026, 1, 1)
    )
    session.add(assignment)
    session.commit()
    return {"county": county, "officer": officer, "entity": entity, "assignment": assignment}


def _task(r: dict, **changes) -> InspectionTask:
    values = dict(
        assignment_id=r["assignment"].id,
        officer_id=r["officer"].id,
        entity_id=r["entity"].id,
        jurisdiction_id=r["county"].id,
        place_id=r["entity"].jurisdiction_id,
        source="routine",
        period="2026Q4",
        due_date=dt.date(2026, 12, 31),
        created_on=dt.date(2026, 10, 1),
    )
    values.update(changes)
    return InspectionTask(**values)


def _refused(session: Session, *rows) -> None:
    session.add_all(rows)
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_unique_keys_are_enforced(session):
    r = _roster(session)
    _refused(
        session,
        Officer(
            code="SL0001",
            name="重复",
            tier="county",
            mobile="13800000002",
            jurisdiction_id=r["county"].id,
        ),
    )
    _refused(
        session,
        Entity(
            credit_code="91511000123456788W",
            name="重复",
            category="食品生产",
            package_grade="B",
            jurisdiction_id=r["county"].id,
        ),
    )
    _refused(session, Jurisdiction(code="511000000000", name="重复", level="county", path="/x/"))


def test_enumerations_and_required_fields_are_checked(session):
    r = _roster(session)
    jid = r["county"].id
    _refused(
        session,
        Entity(
            credit_code="X1", name="坏业态", category="网吧", package_grade="B", jurisdiction_id=jid
        ),
    )
    _refused(
        session,
        Entity(
            licence_no="JY1",
            name="坏等级",
            category="食品销售",
            package_grade="E",
            jurisdiction_id=jid,
        ),
    )
    stall = dict(name="老王 早餐摊", category="食品摊贩", package_grade="D", jurisdiction_id=jid)
    session.add(Entity(**stall))  # a codeless entity is its name in its jurisdiction
    session.commit()
    _refused(session, Entity(**stall))
    _refused(
        session,
        InspectionTask(**{**_task(r).model_dump(exclude={"id"}), "status": "paused"}),
    )
    _refused(
        session, Officer(code="X", name="坏层级", tier="province", mobile="1", jurisdiction_id=jid)
    )
    _refused(
        session,
        Assignment(
            officer_id=r["officer"].id,
            entity_id=r["entity"].id,
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 4, 30),
        ),
    )


def test_foreign_keys_are_enforced(session):
    _refused(
        session,
        Officer(
            code="X9", name="无区划", tier="county", mobile="13800000009", jurisdiction_id=999_999
        ),
    )


def test_a_task_belongs_to_its_assignments_officer_and_entity(session):
    r = _roster(session)
    other = Officer(
        code="SL0002",
        name="吴丽",
        tier="county",
        mobile="13800000002",
        jurisdiction_id=r["county"].id,
    )
    session.add(other)
    session.commit()
    _refused(session, _task(r, officer_id=other.id))
    _refused(session, _task(r, entity_id=999_999))
    _refused(session, _task(r, assignment_id=999_999))
    session.add(_task(r))
    session.commit()


def test_one_routine_task_per_assignment_and_period(session):
    r = _roster(session)
    session.add(_task(r))
    session.commit()
    _refused(session, _task(r))
    session.add(_task(r, period="2027Q1", due_date=dt.date(2027, 3, 31)))
    session.commit()
    _refused(session, _task(r, source="campaign"))  # a campaign task needs its campaign


def test_subtree_index_is_used_for_prefix_queries(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the text_pattern_ops index exists on PostgreSQL only")
    with engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        plan = (
            connection.execute(
                text("EXPLAIN SELECT id FROM jurisdiction WHERE path LIKE '/511000000000/%'")
            )
            .scalars()
            .all()
        )
    assert any("ix_jurisdiction_path" in line for line in plan), plan
