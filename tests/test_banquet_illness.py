"""The illness path end to end (rule 14): a 回访 reporting illness opens a 重大 hazard at once and
is mailed to the township and county offices through the outbox, the same day — a holiday too —
exactly once (aiosmtpd on loopback); an expired chef's certificate goes to the township office."""

import json
import time

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.hazard import Hazard
from models.jurisdiction import Jurisdiction
from models.user import User
from tests.support import reminders as reminders_support
from tests.support.servers import MailServer, text_part

mail = reminders_support.mail  # shared fixture


@pytest.fixture
def run(mail, town_tasks, cli):
    return lambda *args: cli("--db", town_tasks, *args)


def _offices(engine, village_code: str) -> dict[str, set[str]]:
    """The e-mail addresses of the township and county office users above a village, read a
    second way (walking the parent links)."""
    found: dict[str, set[str]] = {}
    with Session(engine) as session:
        place = session.execute(
            select(Jurisdiction).where(Jurisdiction.code == village_code)
        ).scalar_one()
        while place is not None:
            if place.level in ("township", "county"):
                users = session.execute(
                    select(User.email).where(User.jurisdiction_id == place.id, User.active.is_(True),
                                             User.role.in_(("supervisor", "admin")))
                ).scalars()  # fmt: skip
                found[place.level] = {e for e in users if e}
            place = session.get(Jurisdiction, place.parent_id) if place.parent_id else None
    return found


def _wait_for(server: MailServer, n: int) -> None:
    deadline = time.monotonic() + 10
    while len(server.messages) < n and time.monotonic() < deadline:
        time.sleep(0.05)


def _village(engine) -> str:
    with Session(engine) as session:
        return session.execute(
            select(Jurisdiction.code).where(Jurisdiction.level == "village").order_by(Jurisdiction.code)
        ).scalars().first()  # fmt: skip


def _followup(banquet: int, today: str) -> tuple[str, ...]:
    return ("--today", today, "banquet", "followup", str(banquet), "--diners", "240", "--ill", "7")


def test_illness_reaches_both_offices_at_once_exactly_once(run, engine, mail):
    village = _village(engine)
    offices = _offices(engine, village)
    assert offices["township"] and offices["county"]
    code, out, err = run("--today", "2026-10-02", "banquet", "add", "--village", village, "--host", "郑 德 福",
                         "--date", "2026-10-03", "--diners", "260", "--kind", "寿宴", "--json")  # fmt: skip
    assert code == 0, err
    banquet = json.loads(out)["id"]
    assert mail.messages == []  # filing alone sends nothing
    code, _, err = run(*_followup(banquet, "2026-10-02"))
    assert code == 2 and "未到" in err
    # 2026-10-04 is a Sunday inside the 国庆 holiday: the notice goes anyway, at once.
    code, out, err = run(*_followup(banquet, "2026-10-04"), "--json")
    assert code == 0, err
    result = json.loads(out)
    expected = offices["township"] | offices["county"]
    _wait_for(mail, len(expected))
    received = [address for rcpt, _ in mail.messages for address in rcpt]
    assert sorted(received) == sorted(expected)  # each office user once
    for _, message in mail.messages:
        assert "郑 德 福" in text_part(message) and "7 人" in text_part(message)
        assert "重大" in str(message["Subject"])
    with Session(engine) as session:
        hazard = session.get(Hazard, result["hazard_id"])
        assert (hazard.level, hazard.source, hazard.status) == ("major", "banquet", "pending")
        assert hazard.officer_id is None and hazard.banquet_id == banquet
        assert str(hazard.found_on) == "2026-10-04"
    # Again: refused, and nothing more is sent — not by the next digest day either.
    code, _, err = run(*_followup(banquet, "2026-10-04"))
    assert code == 2 and "已于" in err
    code, _, err = run("--today", "2026-10-08", "remind", "--json")
    assert code == 0, err
    time.sleep(0.3)
    illness = [m for _, m in mail.messages if "身体不适" in str(m["Subject"])]
    assert len(illness) == len(expected)


def test_no_illness_sends_nothing(run, engine, mail):
    village = _village(engine)
    _, out, _ = run("--today", "2026-09-22", "banquet", "add", "--village", village, "--host", "冯",
                    "--date", "2026-09-26", "--diners", "150", "--json")  # fmt: skip
    code, out, err = run("--today", "2026-09-27", "banquet", "followup", str(json.loads(out)["id"]),
                         "--diners", "140", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["hazard_id"] is None
    assert mail.messages == []


def test_expired_chef_certificate_goes_to_the_township_office(run, engine, mail):
    village = _village(engine)
    offices = _offices(engine, village)
    code, out, err = run("--today", "2026-09-22", "chefs", "add", "--name", "蒋 大 厨", "--village", village,
                         "--mobile", "13912345678", "--cert-no", "JK2025-0001", "--cert-expires", "2026-10-05",
                         "--json")  # fmt: skip
    assert code == 0, err
    chef = json.loads(out)["id"]
    code, out, err = run("--today", "2026-09-22", "banquet", "add", "--village", village, "--host", "韩",
                         "--date", "2026-10-05", "--diners", "150", "--chef", str(chef), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["chef_cert_expired"] is False  # valid through its last day
    assert mail.messages == []
    code, out, err = run("--today", "2026-09-22", "banquet", "add", "--village", village, "--host", "韩",
                         "--date", "2026-10-06", "--diners", "150", "--chef", str(chef), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["chef_cert_expired"] is True
    _wait_for(mail, len(offices["township"]))
    assert sorted(a for rcpt, _ in mail.messages for a in rcpt) == sorted(offices["township"])
    code, out, _ = run("--today", "2026-09-22", "chefs", "list", "--json")
    listed = json.loads(out)["chefs"]
    assert [c["cert_expiring"] for c in listed if c["id"] == chef] == [True]  # within 30 days
