"""The outbox on both databases: queued once, claimed once, retried with backoff, failed after
N attempts, interrupted claims never resent automatically, secrets never stored."""

import datetime as dt
import json

import pytest
from sqlalchemy import text

from config import settings
from services.core.errors import BadInput
from services.reminders import delivery, outbox, outbox_states
from services.reminders.outbox import Outgoing
from tests.support.reminders import policy_dir
from tests.support.servers import MailServer, RobotServer, text_part
from tests.support.waiting import free_port

WEBHOOK_KEY = "wecom-SECRET-693a91f6"


def _mail(n: int) -> Outgoing:
    return Outgoing(
        "email",
        f"officer:V{n:03d}",
        f"干部{n} <v{n:03d}@example.cn>",
        f"【包保督导提醒】第 {n} 封",
        f"正文 {n}",
        f"<p>正文 {n}</p>",
        f"digest:officer:V{n:03d}:2026-10-13:email",
    )


def _robot_note() -> Outgoing:
    return Outgoing(
        "wecom",
        "office:510101000000",
        "office:510101000000",
        "【逾期督办】",
        "### 逾期督办",
        None,
        "digest:office:510101000000:2026-10-13:wecom",
    )


@pytest.fixture
def channels(monkeypatch, tmp_path, set_today):
    """Mail to a local SMTP port (server not started), a local robot; fast retries."""
    mail, robot = MailServer(), RobotServer().start()
    monkeypatch.setenv("BAOBAO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("BAOBAO_SMTP_PORT", str(mail.port))
    monkeypatch.setenv("BAOBAO_WECOM_WEBHOOK", f"{robot.url}/send?key={WEBHOOK_KEY}")
    folder = policy_dir(tmp_path, retry_backoff_minutes=[0], max_attempts=3, send_timeout_seconds=1)
    monkeypatch.setenv("BAOBAO_CONFIG_DIR", str(folder))
    settings.reset()
    set_today("2026-10-13")
    yield mail, robot
    mail.stop()
    robot.stop()


def _rows(session):
    return session.execute(
        text("SELECT id, status, attempts, last_error, dedupe_key FROM notification ORDER BY id")
    ).all()


def test_enqueue_once_per_dedupe_key(session, channels):
    assert outbox.enqueue(session=session, messages=[_mail(1), _mail(2)]) == 2
    assert outbox.enqueue(session=session, messages=[_mail(2), _mail(1), _mail(3)]) == 1
    assert [r.dedupe_key for r in _rows(session)] == [_mail(n).dedupe_key for n in (1, 2, 3)]
    assert outbox.existing_keys(session=session, keys=["x", _mail(3).dedupe_key]) == {
        _mail(3).dedupe_key
    }


def test_deliver_sends_each_row_once(session, channels):
    mail, robot = channels
    mail.start()
    outbox.enqueue(session=session, messages=[_mail(1), _mail(2), _robot_note()])
    assert delivery.deliver(session=session) == {"sent": 3, "failed": 0, "unknown": 0, "waiting": 0}
    assert delivery.deliver(session=session)["sent"] == 0
    assert len(mail.messages) == 2 and len(robot.requests) == 1
    assert {(r.status, r.attempts, r.last_error) for r in _rows(session)} == {("sent", 1, None)}


def test_mail_server_down_keeps_rows_then_retry_delivers_once(session, channels):
    mail, _ = channels
    outbox.enqueue(session=session, messages=[_mail(1), _mail(2)])
    first = delivery.deliver(session=session)
    assert (first["sent"], first["failed"], first["waiting"]) == (0, 2, 2)
    rows = _rows(session)
    assert {(r.status, r.attempts) for r in rows} == {("queued", 1)}
    assert all("无法连接邮件服务器" in r.last_error for r in rows)
    delivery.deliver(session=session)
    delivery.deliver(session=session)  # third attempt: max_attempts = 3
    assert {(r.status, r.attempts) for r in _rows(session)} == {("failed", 3)}
    assert delivery.deliver(session=session)["sent"] == 0  # failed rows wait for a person

    mail.start()
    assert outbox.retry(session=session, actor="test") == 2
    assert delivery.deliver(session=session)["sent"] == 2
    assert outbox.retry(session=session, actor="test") == 0
    assert delivery.deliver(session=session)["sent"] == 0
    assert sorted(m["Subject"] for _, m in mail.messages) == [
        "【包保督导提醒】第 1 封",
        "【包保督导提醒】第 2 封",
    ]


def test_a_temporary_smtp_refusal_is_retried_and_delivered_once(session, channels):
    mail, _ = channels
    mail.start()
    mail.handler.refuse.add("v001@example.cn")
    mail.handler.refusal = "451 4.3.0 Temporary failure, try later"
    outbox.enqueue(session=session, messages=[_mail(1), _mail(2)])
    first = delivery.deliver(session=session)
    assert (first["sent"], first["failed"], first["waiting"]) == (1, 1, 1)
    assert "451" in _rows(session)[0].last_error
    mail.handler.refuse.clear()
    assert delivery.deliver(session=session)["sent"] == 1
    assert sorted(r[0] for r, _ in mail.messages) == ["v001@example.cn", "v002@example.cn"]
    assert {(r.status, r.last_error) for r in _rows(session)} == {("sent", None)}


def test_backoff_waits_before_the_next_attempt(session, channels, tmp_path, monkeypatch, set_today):
    (tmp_path / "b").mkdir()
    monkeypatch.setenv(
        "BAOBAO_CONFIG_DIR", str(policy_dir(tmp_path / "b", retry_backoff_minutes=[30]))
    )
    settings.reset()
    set_today("2026-10-13")
    outbox.enqueue(session=session, messages=[_mail(1)])
    delivery.deliver(session=session)
    delivery.deliver(session=session)  # within 30 minutes: not tried again
    assert [(r.status, r.attempts) for r in _rows(session)] == [("queued", 1)]
    session.execute(text("UPDATE notification SET sent_at = :t"), {"t": dt.datetime(2020, 1, 1)})
    session.commit()
    delivery.deliver(session=session)
    assert [r.attempts for r in _rows(session)] == [2]


def test_robot_errcode_and_5xx_are_retried_and_delivered_once(session, channels):
    _, robot = channels
    robot.replies += [
        ("json", {"errcode": 45009, "errmsg": "api freq out of limit"}),
        ("status", 502),
    ]
    outbox.enqueue(session=session, messages=[_robot_note()])
    assert delivery.deliver(session=session)["failed"] == 1
    assert "errcode=45009" in _rows(session)[0].last_error
    assert delivery.deliver(session=session)["failed"] == 1
    assert "HTTP 502" in _rows(session)[0].last_error
    assert delivery.deliver(session=session)["sent"] == 1
    assert len(robot.requests) == 3  # two refusals, one delivery
    assert [(r.status, r.attempts, r.last_error) for r in _rows(session)] == [("sent", 3, None)]


def test_robot_timeout_is_unknown_and_not_resent_without_a_person(session, channels):
    _, robot = channels
    robot.replies.append(("sleep", 2))
    outbox.enqueue(session=session, messages=[_robot_note()])
    assert delivery.deliver(session=session)["unknown"] == 1
    [row] = _rows(session)
    assert row.status == "failed" and row.last_error.startswith(outbox_states.UNKNOWN)
    assert outbox.retry(session=session, actor="test") == 0  # not without its id
    assert outbox.retry(session=session, notification_id=row.id, actor="test") == 1
    assert delivery.deliver(session=session)["sent"] == 1
    assert len(robot.requests) == 2


def test_a_claimed_row_is_never_taken_twice(session, channels):
    mail, _ = channels
    mail.start()
    outbox.enqueue(session=session, messages=[_mail(1), _mail(2)])
    claimed = delivery.DeliveryRun(session).step(None)  # a run that claims, then dies
    assert delivery.deliver(session=session)["sent"] == 1  # the other row only
    assert [m["Subject"] for _, m in mail.messages] == ["【包保督导提醒】第 2 封"]
    with pytest.raises(BadInput, match="正在投递"):
        outbox.retry(session=session, notification_id=claimed.id, actor="test")

    session.execute(
        text("UPDATE notification SET sent_at = :t WHERE id = :id"),
        {"t": dt.datetime(2020, 1, 1), "id": claimed.id},
    )  # claim_timeout passed
    session.commit()
    assert delivery.deliver(session=session) == {"sent": 0, "failed": 0, "unknown": 1, "waiting": 0}
    row = next(r for r in _rows(session) if r.id == claimed.id)
    assert row.status == "failed" and "投递过程中断" in row.last_error
    assert outbox.retry(session=session, actor="test") == 0
    assert outbox.retry(session=session, notification_id=claimed.id, actor="test") == 1
    assert delivery.deliver(session=session)["sent"] == 1
    assert len(mail.messages) == 2


def test_retry_and_list_refuse_bad_input(session, channels):
    mail, _ = channels
    mail.start()
    outbox.enqueue(session=session, messages=[_mail(1)])
    delivery.deliver(session=session)
    sent_id = _rows(session)[0].id
    with pytest.raises(BadInput, match="已发送"):
        outbox.retry(session=session, notification_id=sent_id, actor="test")
    with pytest.raises(BadInput, match="不存在"):
        outbox.retry(session=session, notification_id=9999, actor="test")
    with pytest.raises(BadInput, match="状态"):
        outbox.list_notifications(session=session, status="lost")
    [row] = outbox.list_notifications(session=session, status="sent")
    assert row["id"] == sent_id and row["attempts"] == 1
    assert outbox.list_notifications(session=session, status="failed") == []


def test_no_secret_reaches_the_database(session, channels):
    _, robot = channels
    robot.replies.append(("json", {"errcode": 93000, "errmsg": f"bad key {WEBHOOK_KEY}"}))
    outbox.enqueue(session=session, messages=[_robot_note()])
    delivery.deliver(session=session)
    dump = " ".join(
        str(v) for row in session.execute(text("SELECT * FROM notification")) for v in row
    )
    assert "errcode=93000" in dump and WEBHOOK_KEY not in dump and robot.url not in dump


def test_unconfigured_mail_is_a_failure_not_a_loss(session, channels, monkeypatch, set_today):
    monkeypatch.delenv("BAOBAO_SMTP_HOST")
    settings.reset()
    set_today("2026-10-13")
    outbox.enqueue(session=session, messages=[_mail(1)])
    assert delivery.deliver(session=session)["failed"] == 1
    assert "未配置邮件服务器" in _rows(session)[0].last_error


def test_attachments_travel_through_the_outbox_and_a_missing_one_fails_in_chinese(
    session, channels, tmp_path
):
    mail, _ = channels
    mail.start()
    report = tmp_path / "青石县季度汇报.pdf"
    report.write_bytes(b"%PDF-1.7 " * 300)
    with_file = Outgoing(**{**_mail(1).__dict__, "attachments": [str(report)]})
    gone = Outgoing(**{**_mail(2).__dict__, "attachments": [str(tmp_path / "已删除.docx")]})
    outbox.enqueue(session=session, messages=[with_file, gone])
    assert delivery.deliver(session=session)["sent"] == 1
    [(_, message)] = mail.messages
    [part] = message.iter_attachments()
    assert (part.get_filename(), part.get_content()) == (report.name, report.read_bytes())
    row = _rows(session)[1]
    assert row.status == "queued" and row.last_error.startswith("附件文件不存在：已删除.docx")
    delivery.deliver(session=session)
    delivery.deliver(session=session)  # max_attempts = 3: failed, with the reason kept
    assert (_rows(session)[1].status, _rows(session)[1].attempts) == ("failed", 3)
    assert "附件文件不存在" in _rows(session)[1].last_error


def test_briefing_mail_attaches_the_docx_and_the_pdf(
    session, channels, tmp_path, monkeypatch, set_today
):
    from models.briefing import Briefing
    from services.reporting.briefing import mail as briefing_mail

    mail, _ = channels
    mail.start()
    (tmp_path / "p").mkdir()
    monkeypatch.setenv(
        "BAOBAO_CONFIG_DIR",
        str(
            policy_dir(
                tmp_path / "p", recipients=["县委办 <xwb@example.cn>"], retry_backoff_minutes=[0]
            )
        ),
    )
    settings.reset()
    set_today("2026-10-13")
    files = []
    for fmt, data in (("docx", b"PK docx"), ("pdf", b"%PDF pdf"), ("html", b"<html>")):
        path = tmp_path / f"青石县2026年第三季度食品安全包保工作情况汇报.{fmt}"
        path.write_bytes(data)
        files.append({"format": fmt, "path": str(path), "sha256": "ab" * 32, "size": len(data)})
    doc = {
        "title": "青石县2026年第三季度食品安全包保工作情况汇报",
        "issuer": "青石县食安办",
        "date": "2026年10月13日",
    }
    result = briefing_mail.queue(
        session=session, briefing=Briefing(id=7, files=files), doc=doc, headline="督导完成率96.0%"
    )
    assert (result["queued"], result["sent"]) == (1, 1)
    [(rcpt, message)] = mail.messages
    assert rcpt == ["xwb@example.cn"] and message["Subject"] == f"【季度汇报】{doc['title']}"
    assert [(p.get_filename(), p.get_content()) for p in message.iter_attachments()] == [
        (f"{doc['title']}.docx", b"PK docx"),
        (f"{doc['title']}.pdf", b"%PDF pdf"),
    ]
    assert f"{doc['title']}.html" in text_part(message)  # listed, kept in the archive


def test_a_robot_group_that_is_down_leaves_the_other_groups_alone(
    session, channels, monkeypatch, set_today
):
    _, robot = channels  # the global WeCom robot: the county's group
    down = f"http://127.0.0.1:{free_port()}/send?key=DOWN-KEY-5"
    monkeypatch.setenv("BAOBAO_ROBOTS", json.dumps({"510101001000": {"wecom": down}}))
    settings.reset()
    set_today("2026-10-13")
    notes = [
        Outgoing(
            "wecom",
            f"office:{code}",
            f"office:{code}",
            "【逾期督办】",
            "### 逾期督办",
            None,
            f"digest:office:{code}:{day}:wecom",
        )
        for code, day in (
            ("510101001000", "2026-10-12"),
            ("510101001000", "2026-10-13"),
            ("510101000000", "2026-10-13"),
        )
    ]
    outbox.enqueue(session=session, messages=notes)
    assert delivery.deliver(session=session) == {"sent": 1, "failed": 2, "unknown": 0, "waiting": 2}
    assert len(robot.requests) == 1
    rows = sorted(_rows(session), key=lambda r: r.dedupe_key)  # queued in key order
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1), ("queued", 1), ("queued", 1)]
    assert all(
        "无法连接机器人" in r.last_error and "DOWN-KEY-5" not in r.last_error for r in rows[1:]
    )
