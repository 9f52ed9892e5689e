"""乡厨 certificates in the daily digest (rule 14): a chef whose health certificate is still valid
and expires within [banquets] chef_cert_warn_days is listed to the officer covering the chef's
village — its first village-tier officer, else its township's first township-tier officer — in
that officer's one digest of the day (alone, when nothing else is due), mailed through the
outbox to a real SMTP server; expired certificates and later ones are not."""

import datetime as dt
import json

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from models.banquet import Chef
from models.jurisdiction import Jurisdiction
from models.officer import Officer
from services.banquets.chefs import add_chef, list_chefs
from services.reminders.digests import build_digests
from tests.support import reminders as reminders_support
from tests.support.reminders import add_task, build_roster
from tests.support.servers import text_part

mail = reminders_support.mail  # shared fixture
TODAY = dt.date(2026, 10, 13)  # a Tuesday


def _chefs(session, roster) -> dict[str, int]:
    """Chefs of 柳树村 (east) and 杏花村 (west) at the edges of the warning window."""
    warn = load_policy().banquets.chef_cert_warn_days
    edge = TODAY + dt.timedelta(days=warn)
    made = {}
    for key, village, mobile, expires in (
        ("today", "v_east", "13700000001", TODAY),  # still valid today: reminded
        ("edge", "v_east", "13700000002", edge),  # the last day of the window: reminded
        ("after", "v_east", "13700000003", edge + dt.timedelta(days=1)),  # not yet
        ("expired", "v_east", "13700000004", TODAY - dt.timedelta(days=1)),  # flagged, not here
        ("west", "v_west", "13700000005", TODAY + dt.timedelta(days=3)),
    ):
        made[key] = add_chef(session=session, name=f"厨师{key}", village=roster[village].code,
                             mobile=mobile, cert_no=f"JK{mobile[-4:]}", cert_expires=expires,
                             actor="test")  # fmt: skip
    return made


def _covering(session, village_id: int) -> str:
    """The officer a village's chefs are reminded to, found a second way: the village's
    village-tier officers by code, else the township's township-tier officers by code."""
    place = session.get(Jurisdiction, village_id)
    for tier, where in (("village", place.id), ("township", place.parent_id)):
        codes = sorted(session.execute(select(Officer.code).where(
            Officer.tier == tier, Officer.jurisdiction_id == where, Officer.active)).scalars())  # fmt: skip
        if codes:
            return codes[0]
    raise AssertionError("nobody covers the village")


def test_expiring_certificates_go_to_the_village_officers_digest(session, set_today):
    set_today(TODAY)
    roster = build_roster(session)
    made = _chefs(session, roster)
    add_task(session, roster, "o_village", "2026-10-15")  # V001 also has a task due soon
    officers, offices = build_digests(session=session, today=TODAY)
    by_code = {d.code: d for d in officers}
    listed = {c.chef_id: d.code for d in officers for c in d.chefs}
    marked = {c["id"] for c in list_chefs(session=session)["chefs"] if c["cert_expiring"]}
    assert set(listed) == marked == {made["today"], made["edge"], made["west"]}
    for chef_id, code in listed.items():
        assert code == _covering(session, session.get(Chef, chef_id).jurisdiction_id)
    east = by_code[listed[made["today"]]]
    assert [c.chef_id for c in east.chefs] == [made["today"], made["edge"]]  # soonest first
    assert [c.days_left for c in east.chefs] == [0, load_policy().banquets.chef_cert_warn_days]
    assert east.due_soon.total == 1  # one digest with both
    west = by_code[listed[made["west"]]]
    assert west.overdue.total == west.due_soon.total == 0 and len(west.chefs) == 1
    assert offices == []  # certificates are the officers' to remind, not the offices'


def test_a_village_without_its_own_officer_reminds_the_township_officer(session):
    roster = build_roster(session)
    for key in ("o_village", "o_nomail"):
        roster[key].active = False  # 柳树村 has no village officer left
    session.commit()
    made = _chefs(session, roster)
    officers, _ = build_digests(session=session, today=TODAY)
    listed = {c.chef_id: d.code for d in officers for c in d.chefs}
    assert listed[made["today"]] == "T001" == _covering(session, roster["v_east"].id)


def test_remind_mails_the_chefs_once_a_day(cli, db_url, engine, mail):
    with Session(engine) as session:
        roster = build_roster(session)
        made = _chefs(session, roster)
        west_officer = _covering(session, roster["v_west"].id)
        chef = session.get(Chef, made["west"])
        name, cert_no = chef.name, chef.cert_no
    code, out, err = cli("--db", db_url, "--today", TODAY.isoformat(), "remind", "--json")
    assert code == 0, err
    assert json.loads(out)["sent"] == len(mail.messages)
    address = f"{west_officer.lower()}@example.cn"
    [message] = mail.to(address)
    body = text_part(message)
    assert "乡厨健康证即将到期（1 人）" in body and name in body and cert_no in body
    assert "还有 3 天" in body and "乡厨健康证将到期 1 人" in message["Subject"]
    code, out, _ = cli("--db", db_url, "--today", TODAY.isoformat(), "remind", "--json")
    assert json.loads(out)["queued"] == 0 and len(mail.to(address)) == 1
