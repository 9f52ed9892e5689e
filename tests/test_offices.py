"""Responsible offices: the nearest jurisdiction at or above with 食安办 users, and one up."""

from sqlalchemy import select, update

from models import Jurisdiction, User
from services.demo import dataset as demo
from services.reminders.offices import load_offices
from tests.support.reminders import build_roster, policy_dir


def test_nearest_office_at_or_above(session):
    roster = build_roster(session)
    offices = load_offices(session=session)
    east, county = roster["east"].id, roster["county"].id
    assert offices.responsible(roster["v_east"].id) == east  # a village task → township office
    assert offices.responsible(east) == east
    assert offices.responsible(roster["v_west"].id) == county  # 西山镇 has no office of its own
    assert offices.responsible(county) == county  # a county officer's task → county office
    assert offices.next_up(east) == county
    assert offices.next_up(county) is None
    assert [m.account for m in offices.members[county]] == ["xian", "xianadmin"]
    assert offices.office_name(east) == "东河镇食安办"


def test_place_names_group_by_township(session):
    roster = build_roster(session)
    offices = load_offices(session=session)
    assert offices.place_name(roster["v_east"].id) == "东河镇"
    assert offices.place_name(roster["west"].id) == "西山镇"
    assert offices.place_name(roster["county"].id) == "青石县（县本级）"
    assert [p.name for p in offices.children(roster["county"].id)] == ["东河镇", "西山镇"]


def test_inactive_users_and_roles_outside_the_policy_do_not_make_an_office(
    session, tmp_path, monkeypatch
):
    roster = build_roster(session)
    session.execute(update(User).where(User.account == "donghe").values(active=False))
    session.commit()
    offices = load_offices(session=session)
    assert offices.responsible(roster["v_east"].id) == roster["county"].id

    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(policy_dir(tmp_path, office_roles=["supervisor"])))
    from config import settings

    settings.reset()
    offices = load_offices(session=session)
    assert [m.account for m in offices.members[roster["county"].id]] == ["xian"]


def test_demo_town_villages_answer_to_their_township(engine, session):
    demo.fill(engine=engine, scale="town", seed=2)
    offices = load_offices(session=session)
    levels = dict(session.execute(select(Jurisdiction.id, Jurisdiction.level)).all())
    villages = [j for j, level in levels.items() if level == "village"]
    assert len(villages) == 25
    for village in villages:
        office = offices.responsible(village)
        assert levels[office] == "township"
        assert levels[offices.next_up(office)] == "county"
    county = next(j for j, level in levels.items() if level == "county")
    assert levels[offices.next_up(county)] == "city"  # the demo city has an administrator
