"""Every permission rule as a table of role × jurisdiction × action (services.permissions.rules),
the SQL form of scope checked against the Python form, and separation of duties (rule 12):
decided by person, so an officer and a 食安办 account with one 手机号 count as one, on every route.

Roster (tests.support.hazards): 福塘县 ─ 东镇 ─ 东村, 西镇 ─ 西村; BBV001 covers E1 in 东村,
BBA001 covers E3 in 东镇; dbA supervises 东镇, dbB 西镇; admin administers the county.
"""

import dataclasses

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import Hazard, Jurisdiction, User
from services.core import evidence
from services.core.errors import BadInput
from services.permissions import rules as permissions
from services.permissions.rules import Action, Target, may
from tests.support.hazards import PNG, add_hazard_row, as_principal, build_roster, move_as

PRINCIPALS = ("BBV001", "BBA001", "dbA", "dbB", "admin")
PLACES = ("county", "east", "east_village", "west", "west_village")
# Who may, per action and place (place None: the action without a target).
EXPECTED: dict[tuple[Action, str | None], set[str]] = {
    (Action.OWN_WORK, None): {"BBV001", "BBA001"},
    (Action.OFFICE_WORK, None): {"dbA", "dbB", "admin"},
    (Action.OFFICE_WORK, "county"): {"admin"},
    (Action.OFFICE_WORK, "east"): {"dbA", "admin"},
    (Action.OFFICE_WORK, "east_village"): {"dbA", "admin"},
    (Action.OFFICE_WORK, "west"): {"dbB", "admin"},
    (Action.OFFICE_WORK, "west_village"): {"dbB", "admin"},
    (Action.ADMINISTER, None): {"admin"},
    (Action.ADMINISTER, "east"): {"admin"},
    (Action.RUN_SYSTEM, "county"): {"admin"},
    (Action.SEE, "county"): {"admin"},
    (Action.SEE, "east"): {"dbA", "admin"},
    (Action.SEE, "west_village"): {"dbB", "admin"},
}
# Acting on E1's task or hazard (at 东村, covered by BBV001).
ON_E1 = {
    Action.SEE: {"BBV001", "dbA", "admin"},
    Action.RECORD_VISIT: {"BBV001"},
    Action.ACT_ON_HAZARD: {"BBV001", "dbA", "admin"},
}


@pytest.fixture
def roster(session, set_today, data_dir):
    set_today("2026-10-12")
    r = build_roster(session)
    # distinct numbers: each officer its own person (the shared roster gives them one)
    for n, officer in enumerate(r.officers.values()):
        officer.mobile = f"1390000000{n}"
    session.commit()
    return r


def test_every_rule_as_a_table(session, roster):
    who = {login: as_principal(session, login) for login in PRINCIPALS}
    paths = {name: getattr(roster, name).path for name in PLACES}
    for (action, place), allowed in EXPECTED.items():
        target = Target(path=paths[place]) if place else None
        found = {login for login, p in who.items() if may(p, action, target)}
        assert found == allowed, (action, place)
    e1 = Target(path=paths["east_village"], officer_id=roster.officers["BBV001"].id)
    for action, allowed in ON_E1.items():
        assert {login for login, p in who.items() if may(p, action, e1)} == allowed, action
    assert not may(None, Action.SEE, e1)


def test_a_one_tap_session_reaches_its_item_and_no_audience(session, roster):
    link = dataclasses.replace(as_principal(session, "BBV001"), only=("task", 1))
    e1 = Target(path=roster.east_village.path, officer_id=roster.officers["BBV001"].id)
    assert may(link, Action.SEE, e1) and may(link, Action.RECORD_VISIT, e1)
    assert not any(may(link, a) for a in (Action.OWN_WORK, Action.OFFICE_WORK, Action.ADMINISTER))


def test_scope_in_sql_equals_scope_in_python(session, roster):
    for login in PRINCIPALS:
        who = as_principal(session, login)
        inside = set(
            session.execute(
                select(Jurisdiction.code).where(permissions.within_sql(Jurisdiction.path, who))
            ).scalars()
        )
        every = session.execute(select(Jurisdiction.code, Jurisdiction.path)).all()
        python = {code for code, path in every if permissions.within(who, path)}
        assert inside == python and python, login


def _link(session: Session, user: str, officer: str) -> None:
    """Give a 食安办 account the 手机号 of an officer: one person, two records."""
    account = session.execute(select(User).where(User.account == user)).scalar_one()
    account.mobile = as_principal(session, officer).person.removeprefix("m:")
    session.commit()


def _reported(session: Session, roster, by: str, png) -> Hazard:
    hazard = add_hazard_row(
        session, entity=roster.e1, officer=roster.officers["BBV001"], status="rectifying"
    )
    move_as(session=session, hazard_id=hazard.id, target="待验收", by=by, files=[png])
    session.commit()
    return hazard


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "整改照片.png"
    path.write_bytes(PNG)
    return evidence.read_file(path=path)


def test_the_reporter_never_verifies_even_through_another_account(session, roster, png):
    _link(session, "dbA", "BBV001")
    hazard = _reported(session, roster, "BBV001", png)
    for target in ("已销号", "整改中"):
        with pytest.raises(BadInput, match="须由他人验收"):
            move_as(session=session, hazard_id=hazard.id, target=target, by="dbA", note="复查")
        session.rollback()
    assert session.get(Hazard, hazard.id).status == "awaiting_verification"
    move_as(session=session, hazard_id=hazard.id, target="已销号", by="admin")
    session.commit()
    assert session.get(Hazard, hazard.id).status == "closed"


def test_an_office_user_reporting_does_not_close_it_either(session, roster, png):
    hazard = _reported(session, roster, "dbA", png)
    with pytest.raises(BadInput, match="须由他人验收"):
        move_as(session=session, hazard_id=hazard.id, target="已销号", by="dbA")
    session.rollback()
    move_as(session=session, hazard_id=hazard.id, target="已销号", by="admin")


def test_an_officer_never_closes_a_hazard_of_its_own_entities(session, roster, png):
    _link(session, "dbA", "BBV001")
    hazard = _reported(session, roster, "admin", png)  # someone else reported it
    with pytest.raises(BadInput, match="不能为自己包保的主体销号"):
        move_as(session=session, hazard_id=hazard.id, target="已销号", by="dbA")
    session.rollback()
    # sending it back is a verification, not a closing: allowed to the linked supervisor
    move_as(session=session, hazard_id=hazard.id, target="整改中", by="dbA", note="仍未整改")
    session.commit()
    assert session.get(Hazard, hazard.id).status == "rectifying"


def test_the_command_line_by_any_alias_is_the_same_person(session, roster, png, db_url, cli):
    _link(session, "dbA", "BBV001")
    mobile = as_principal(session, "BBV001").person.removeprefix("m:")
    hazard = _reported(session, roster, mobile, png)  # reported through the mobile number
    code, _, err = cli("--db", db_url, "hazards", "move", str(hazard.id), "已销号", "--by", "dbA")
    assert code == 2 and "须由他人验收" in err
    session.expire_all()
    assert session.get(Hazard, hazard.id).status == "awaiting_verification"
    code, out, _ = cli("--db", db_url, "hazards", "move", str(hazard.id), "已销号", "--by", "admin")
    assert code == 0, out


def test_a_report_recorded_before_persons_were_named_is_still_traced(session, roster):
    from services.core import audit

    hazard = add_hazard_row(session, entity=roster.e1, status="awaiting_verification")
    audit.record_event(  # as the lifecycle wrote it before events named the person
        session=session,
        actor="dbA",
        action="hazard.move",
        object_type="hazard",
        object_id=hazard.id,
        before={"status": "rectifying"},
        after={"status": "awaiting_verification", "actor_kind": "supervisor"},
    )
    session.commit()
    assert permissions.reporter(session=session, hazard_id=hazard.id) == (
        as_principal(session, "dbA").person
    )
    with pytest.raises(BadInput, match="须由他人验收"):
        move_as(session=session, hazard_id=hazard.id, target="已销号", by="dbA")
