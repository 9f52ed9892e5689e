"""A small known roster and hazard helpers shared by the hazard tests (no tests here).

福塘县 (510101000000) ─ 东镇 (510101001000) ─ 东村 (510101001001)
                     └ 西镇 (510101002000) ─ 西村 (510101002001)
Officers: BBV001 (村级, 东村) covers E1 in 东村; BBA001 (乡级, 东镇) covers E3 in 东镇;
BBB001 (乡级, 西镇) covers E2 in 西村. Users: admin (管理员, county), dbA (督办, 东镇),
dbB (督办, 西镇), old (督办, county, inactive).
"""

import datetime as dt
from types import SimpleNamespace

from sqlmodel import Session

from models import Assignment, Entity, Hazard, Jurisdiction, Officer, User
from services.roster.entity_history import record_history

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
COUNTY, EAST, WEST = "510101000000", "510101001000", "510101002000"


def _place(session, code, name, level, parent=None):
    path = f"{parent.path if parent else '/'}{code}/"
    row = Jurisdiction(
        code=code, name=name, level=level, path=path, parent_id=parent.id if parent else None
    )
    session.add(row)
    session.flush()
    return row


def build_roster(session: Session) -> SimpleNamespace:
    """Write the roster above; returns its rows by short names."""
    county = _place(session, COUNTY, "福塘县", "county")
    east = _place(session, EAST, "东镇", "township", county)
    east_village = _place(session, "510101001001", "东村", "village", east)
    west = _place(session, WEST, "西镇", "township", county)
    west_village = _place(session, "510101002001", "西村", "village", west)
    officers = {}
    for code, name, tier, place in (
        ("BBV001", "李村干", "village", east_village),
        ("BBA001", "王乡干", "township", east),
        ("BBB001", "赵乡干", "township", west),
    ):
        officers[code] = Officer(
            code=code, name=name, tier=tier, mobile="13800000000", jurisdiction_id=place.id
        )
        session.add(officers[code])
    for account, role, place, active in (
        ("admin", "admin", county, True),
        ("dbA", "supervisor", east, True),
        ("dbB", "supervisor", west, True),
        ("old", "supervisor", county, False),
    ):
        session.add(
            User(account=account, name=account, role=role, jurisdiction_id=place.id, active=active)
        )
    session.flush()
    entities = {}
    for key, name, grade, place, officer in (
        ("JY15101010000001", "东村好味餐馆", "D", east_village, "BBV001"),
        ("JY15101010000002", "西村便民超市", "C", west_village, "BBB001"),
        ("JY15101010000003", "东镇中心小学食堂", "C", east, "BBA001"),
    ):
        entity = Entity(
            licence_no=key,
            name=name,
            category="餐饮服务",
            package_grade=grade,
            risk_grade="B",
            jurisdiction_id=place.id,
        )
        session.add(entity)
        session.flush()
        session.add(
            Assignment(
                officer_id=officers[officer].id, entity_id=entity.id, start_date=dt.date(2024, 1, 1)
            )
        )
        entities[name] = entity
    record_history(connection=session.connection(), day=dt.date(2024, 1, 1))
    session.commit()
    return SimpleNamespace(
        county=county,
        east=east,
        east_village=east_village,
        west=west,
        west_village=west_village,
        officers=officers,
        e1=entities["东村好味餐馆"],
        e2=entities["西村便民超市"],
        e3=entities["东镇中心小学食堂"],
    )


def add_hazard_row(
    session: Session,
    *,
    entity: Entity | None = None,
    place: Jurisdiction | None = None,
    officer: Officer | None = None,
    **fields,
) -> Hazard:
    """Insert one hazard directly (known dates and state) and commit it."""
    values = {
        "source": "inspection",
        "level": "general",
        "description": "隐患",
        "found_on": dt.date(2026, 9, 1),
        "deadline": dt.date(2026, 9, 22),
        "status": "pending",
        **fields,
    }
    hazard = Hazard(
        jurisdiction_id=(place or session.get(Jurisdiction, entity.jurisdiction_id)).id,
        entity_id=entity.id if entity else None,
        officer_id=officer.id if officer else None,
        **values,
    )
    session.add(hazard)
    session.commit()
    return hazard


def as_principal(session: Session, login: str):
    """The Principal a login names, as the command line's --by resolves it."""
    from services.accounts.identity import principal_for_login

    return principal_for_login(session=session, login=login)


def move_as(*, session: Session, by: str, **move):
    """move_hazard for the person a login names (the tests' shorthand for --by)."""
    from services.hazards.lifecycle import move_hazard

    return move_hazard(session=session, who=as_principal(session, by), **move)


def report_as(*, session: Session, by: str, **report):
    """report_rectified for the person a login names."""
    from services.hazards.lifecycle import report_rectified

    return report_rectified(session=session, who=as_principal(session, by), **report)
