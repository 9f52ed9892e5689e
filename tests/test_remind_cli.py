"""./baobao remind and outbox on both databases, with a real SMTP server and real robots:
exactly once across runs, concurrent processes and a process killed between send and mark."""

import collections
import json
import os
import subprocess
import time

import pytest
from sqlalchemy import text
from sqlmodel import Session

from config import settings
from services.core import links
from services.demo import dataset as demo
from tests.support import reminders as reminders_support
from tests.support.reminders import (
    ROOT,
    add_hazard,
    add_task,
    build_roster,
    count_rows,
    demo_tasks,
)
from tests.support.servers import RobotServer, text_part

mail = reminders_support.mail  # shared fixture


@pytest.fixture
def roster(engine, mail):
    with Session(engine) as session:
        r = build_roster(session)
        add_task(session, r, "o_village", "2026-09-30")
        add_task(session, r, "o_nomail", "2026-09-30")
        add_task(session, r, "o_west", "2026-10-16")
        add_hazard(session, r, "v_east", "2026-10-09", officer="o_village")
    return r


def _json(cli, *args):
    code, out, err = cli(*args)
    assert code == 0, err
    return json.loads(out)


def test_remind_json_and_a_second_run_sends_nothing(cli, db_url, engine, roster, mail, set_today):
    result = _json(cli, "--db", db_url, "--today", "2026-10-13", "remind", "--json")
    assert (result["queued"], result["sent"], result["failed"]) == (5, 5, 0)
    assert result["skipped_no_channel"] == [
        {
            "recipient": "officer:V003",
            "name": "孙无邮",
            "place": "柳树村",
            "reason": "未登记有效邮箱",
        }
    ]
    by_rcpt = {rcpt[0]: m for rcpt, m in mail.messages}
    assert sorted(by_rcpt) == [
        "donghe@example.cn",
        "v001@example.cn",
        "v002@example.cn",
        "xian@example.cn",
        "xianadmin@example.cn",
    ]
    assert "升级督办：下级逾期满 5 个工作日（2 项）" in text_part(by_rcpt["xian@example.cn"])
    assert "逾期 2 项" in by_rcpt["v001@example.cn"]["Subject"]

    officer_text = text_part(by_rcpt["v001@example.cn"])
    link = next(w for w in officer_text.split() if "/tasks/" in w and "?k=" in w)
    task_id = int(link.split("/tasks/")[1].split("?")[0])
    set_today("2026-10-13")  # the link was signed by the clock of that run
    assert links.check_item_token(
        link.split("?k=")[1], kind="task", item_id=task_id, max_age_seconds=3600
    ) == count_rows(engine, "SELECT id FROM officer WHERE code = 'V001'")
    assert "?k=" not in text_part(by_rcpt["xian@example.cn"])  # offices sign in instead

    again = _json(cli, "--db", db_url, "--today", "2026-10-13", "remind", "--json")
    assert (again["queued"], again["sent"]) == (0, 0) and len(mail.messages) == 5
    code, out, _ = cli("--db", db_url, "--today", "2026-10-13", "remind")
    assert code == 0 and "新加入发件箱 0 条" in out


def test_dry_run_writes_and_sends_nothing(cli, db_url, engine, roster, mail):
    result = _json(cli, "--db", db_url, "--today", "2026-10-13", "remind", "--dry-run", "--json")
    assert (result["dry_run"], result["queued"], result["sent"]) == (True, 5, 0)
    assert count_rows(engine, "SELECT COUNT(*) FROM notification") == 0
    assert count_rows(engine, "SELECT COUNT(*) FROM audit_event") == 0
    assert mail.messages == []


def test_a_saturday_does_nothing_and_a_make_up_sunday_sends(cli, db_url, engine, mail):
    with Session(engine) as session:
        r = build_roster(session)
        add_task(session, r, "o_village", "2026-09-28")
    saturday = _json(cli, "--db", db_url, "--today", "2026-09-26", "remind", "--json")
    assert saturday["workday"] is False and saturday["queued"] == 0 and mail.messages == []
    code, out, _ = cli("--db", db_url, "--today", "2026-09-26", "remind")
    assert "不是工作日" in out
    sunday = _json(cli, "--db", db_url, "--today", "2026-09-20", "remind", "--json")
    assert (sunday["workday"], sunday["sent"]) == (True, 1)
    assert "还剩 5 个工作日" in text_part(mail.messages[0][1])


def test_outbox_list_and_retry_commands(cli, db_url, roster, mail):
    mail.handler.refuse.add("v002@example.cn")
    result = _json(cli, "--db", db_url, "--today", "2026-10-13", "remind", "--json")
    assert (result["sent"], result["failed"], result["waiting"]) == (4, 1, 1)
    listed = _json(cli, "--db", db_url, "outbox", "list", "--status", "queued", "--json")
    [row] = listed["notifications"]
    assert row["recipient"] == "officer:V002" and "550" in row["last_error"]
    code, out, _ = cli("--db", db_url, "outbox", "list")
    assert code == 0 and "已发送" in out and "待发送" in out
    code, _, err = cli("--db", db_url, "outbox", "list", "--status", "lost")
    assert code == 2 and "状态" in err

    mail.handler.refuse.clear()
    retried = _json(cli, "--db", db_url, "outbox", "retry", str(row["id"]), "--json")
    assert (retried["requeued"], retried["sent"]) == (1, 1)
    code, _, err = cli("--db", db_url, "outbox", "retry", str(row["id"]))
    assert code == 2 and "已发送" in err
    assert len(mail.to("v002@example.cn")) == 1


def test_robots_get_the_county_digest_without_leaking_secrets(
    cli, db_url, engine, roster, mail, monkeypatch
):
    robot = RobotServer().start()
    monkeypatch.setenv("BAOBAO_WECOM_WEBHOOK", f"{robot.url}/wecom?key=WECOM-KEY-1")
    monkeypatch.setenv("BAOBAO_DINGTALK_WEBHOOK", f"{robot.url}/ding?access_token=DING-TOKEN-2")
    monkeypatch.setenv("BAOBAO_DINGTALK_SECRET", "SEC-DING-3")
    try:
        code, out, err = cli("--db", db_url, "--today", "2026-10-12", "remind", "--json")
    finally:
        robot.stop()
    assert code == 0
    assert sorted(r["path"] for r in robot.requests) == ["/ding", "/wecom"]
    wecom = next(r for r in robot.requests if r["path"] == "/wecom")["json"]["markdown"]["content"]
    assert "青石县食安办" in wecom and "本周汇总" in wecom
    with engine.connect() as connection:
        stored = " ".join(
            str(v) for row in connection.execute(text("SELECT * FROM notification")) for v in row
        )
    for secret in ("WECOM-KEY-1", "DING-TOKEN-2", "SEC-DING-3"):
        assert secret not in out + err + stored


def test_each_township_office_digest_reaches_its_own_robot(
    cli, db_url, engine, roster, mail, monkeypatch
):
    from models import User

    with Session(engine) as session:  # 西山镇 gets an office and an overdue task of its own
        roster.ids.update({k: session.merge(v) for k, v in roster.ids.items()})
        session.add(
            User(
                account="xishan",
                name="冯督办",
                role="supervisor",
                jurisdiction_id=roster["west"].id,
                email="xishan@example.cn",
            )
        )
        session.commit()
        add_task(session, roster, "o_west", "2026-09-30", entity_name="西山镇杏花小吃店")
    east, west, county = RobotServer().start(), RobotServer().start(), RobotServer().start()
    monkeypatch.setenv(
        "BAOBAO_ROBOTS",
        json.dumps(
            {
                "510101001000": {"wecom": f"{east.url}/wecom?key=EAST-KEY-1"},
                "510101002000": {
                    "dingtalk": f"{west.url}/ding?access_token=WEST-TOKEN-2",
                    "dingtalk_secret": "WEST-SEC-3",
                },
            }
        ),
    )
    monkeypatch.setenv("BAOBAO_WECOM_WEBHOOK", f"{county.url}/wecom?key=COUNTY-KEY-4")
    try:
        code, out, err = cli("--db", db_url, "--today", "2026-10-13", "remind", "--json")
    finally:
        for server in (east, west, county):
            server.stop()
    assert code == 0, err
    [east_post], [west_post] = east.requests, west.requests
    assert east_post["query"] == {"key": "EAST-KEY-1"}
    assert "东河镇食安办" in east_post["json"]["markdown"]["content"]
    assert west_post["query"]["access_token"] == "WEST-TOKEN-2" and west_post["query"]["sign"]
    assert "西山镇" in west_post["json"]["markdown"]["text"]
    assert "杏花小吃店" in west_post["json"]["markdown"]["text"]
    assert "东河镇食安办" not in west_post["json"]["markdown"]["text"]
    [county_post] = county.requests  # the global robot: the county office's group only
    assert "青石县食安办" in county_post["json"]["markdown"]["content"]
    with engine.connect() as connection:
        stored = " ".join(
            str(v) for row in connection.execute(text("SELECT * FROM notification")) for v in row
        )
        robots = connection.execute(
            text(
                "SELECT channel, address, status FROM notification WHERE channel != 'email' "
                "ORDER BY address"
            )
        ).all()
    assert [tuple(r) for r in robots] == [
        ("wecom", "office:510101000000", "sent"),
        ("wecom", "office:510101001000", "sent"),
        ("dingtalk", "office:510101002000", "sent"),
    ]
    for secret in (
        "EAST-KEY-1",
        "WEST-TOKEN-2",
        "WEST-SEC-3",
        "COUNTY-KEY-4",
        east.url,
        west.url,
        county.url,
    ):
        assert secret not in out + err + stored


def test_remind_flow_calls_the_service(db_url, roster, mail, set_today):
    from flows.remind_flow import remind_flow

    settings.configure(database_url=db_url)
    set_today("2026-10-13")
    settings.configure(database_url=db_url, today=settings.get_settings().today)
    assert remind_flow.fn()["sent"] == 5


def _baobao(db_url, env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / "baobao"), "--db", db_url, "--today", "2026-10-13", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def test_two_concurrent_runs_send_each_digest_once(db_url, engine, mail):
    demo.fill(engine=engine, scale="town", seed=2)
    demo_tasks(engine, "2026-09-30")
    runs = [_baobao(db_url, mail.env, "remind", "--json") for _ in range(2)]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in runs]
    total = count_rows(engine, "SELECT COUNT(*) FROM notification")
    assert total > 20
    assert sum(r["queued"] for r in results) == total
    assert sum(r["sent"] for r in results) == total
    assert count_rows(engine, "SELECT COUNT(*) FROM notification WHERE status = 'sent'") == total
    ids = collections.Counter(m["Message-ID"] for _, m in mail.messages)
    assert len(ids) == total and set(ids.values()) == {1}


def test_a_run_killed_between_send_and_mark_sends_nothing_twice(cli, db_url, engine, roster, mail):
    import threading

    mail.handler.hold = threading.Event()
    run = _baobao(db_url, mail.env, "remind", "--json")
    assert mail.handler.received.wait(60)  # the server has the first message …
    run.kill()  # … and the process dies before it can mark it sent
    run.wait(30)
    mail.handler.hold.set()
    mail.handler.hold = None
    in_flight = count_rows(
        engine,
        "SELECT COUNT(*) FROM notification WHERE status = 'queued' AND last_error LIKE '[投递中]%'",
    )
    assert in_flight == 1
    with engine.begin() as connection:  # the claim timeout passes
        connection.execute(
            text("UPDATE notification SET sent_at = :t WHERE last_error LIKE '[投递中]%'"),
            {"t": "2020-01-01 00:00:00"},
        )
    time.sleep(0.1)
    result = _json(cli, "--db", db_url, "--today", "2026-10-13", "remind", "--json")
    assert (result["unknown"], result["sent"], result["waiting"]) == (1, 4, 0)
    ids = collections.Counter(m["Message-ID"] for _, m in mail.messages)
    assert len(ids) == 5 and set(ids.values()) == {1}  # nothing twice, nothing lost
    failed = _json(cli, "--db", db_url, "outbox", "list", "--status", "failed", "--json")
    [row] = failed["notifications"]
    assert row["last_error"].startswith("[状态不明]")
