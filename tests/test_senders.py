"""Senders against real servers: aiosmtpd on loopback for mail, a local HTTP server for robots."""

import base64
import hashlib
import hmac
import socket
import threading
from dataclasses import dataclass

import pytest

from notifications.mime import message_id
from notifications.senders import (
    EmailSender,
    RobotSender,
    SendFailed,
    SendUnknown,
    dingtalk_url,
)
from tests.support.servers import MailServer, RobotServer, html_part, text_part
from tests.support.waiting import free_port

SENDER = "青石县食安办 <baobao@qingshi.gov.cn>"


@dataclass
class Note:
    address: str
    subject: str = "【包保督导提醒】2026年10月13日（周二） 李村官：逾期 2 项"
    body_text: str = "李村官同志：\n\n一、已逾期（2 项）\n1. 柳树村幼儿园食堂"
    body_html: str | None = "<div><p>李村官同志：</p>\n<p>柳树村幼儿园食堂 &amp; 小卖部</p></div>"
    dedupe_key: str = "digest:officer:V001:2026-10-13:email"
    channel: str = "email"
    attachments: list | None = None


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


def _mailer(port, **kw) -> EmailSender:
    return EmailSender(
        host="127.0.0.1",
        port=port,
        user=None,
        password=None,
        security="none",
        sender=SENDER,
        timeout=5,
        **kw,
    )


def test_one_mail_with_chinese_headers_text_and_html(mail_server):
    sender = _mailer(mail_server.port)
    sender.send(Note(address="李村官 <v001@example.cn>"))
    sender.close()
    [(rcpt, message)] = mail_server.messages
    assert rcpt == ["v001@example.cn"]
    assert message["Subject"] == "【包保督导提醒】2026年10月13日（周二） 李村官：逾期 2 项"
    assert message["To"].addresses[0].display_name == "李村官"
    assert message["From"].addresses[0].display_name == "青石县食安办"
    assert message["From"].addresses[0].addr_spec == "baobao@qingshi.gov.cn"
    assert message["Message-ID"] == message_id(Note.dedupe_key, SENDER)
    assert message["Message-ID"].endswith("@qingshi.gov.cn>")
    assert text_part(message).strip() == Note.body_text  # a real plain-text part, not HTML
    html = html_part(message)
    assert "柳树村幼儿园食堂 &amp; 小卖部" in html and "<br>" not in html


def test_a_batch_uses_one_connection(mail_server):
    sender = _mailer(mail_server.port)
    for n in range(3):
        sender.send(Note(address=f"o{n}@example.cn", dedupe_key=f"k{n}"))
    sender.close()
    assert len(mail_server.messages) == 3 and mail_server.handler.connections == 1
    ids = {m["Message-ID"] for _, m in mail_server.messages}
    assert len(ids) == 3  # one Message-ID per dedupe key, the same on every resend
    assert message_id("k1", SENDER) in ids


def test_attachments_arrive_with_chinese_names_and_their_bytes(mail_server, tmp_path):
    docx = tmp_path / "青石县2026年第三季度食品安全包保工作情况汇报（送审稿）.docx"
    pdf = tmp_path / "汇报 定稿.pdf"
    docx.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    pdf.write_bytes(b"%PDF-1.7\n" + "县委常委会".encode() * 500)
    sender = _mailer(mail_server.port)
    sender.send(Note(address="李村官 <v001@example.cn>", attachments=[str(docx), str(pdf)]))
    sender.close()
    [(_, message)] = mail_server.messages
    files = list(message.iter_attachments())
    assert [(f.get_filename(), f.get_content()) for f in files] == [
        (docx.name, docx.read_bytes()),
        (pdf.name, pdf.read_bytes()),
    ]
    assert [f.get_content_type() for f in files] == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf",
    ]
    raw = message.as_string()
    assert "filename*=utf-8''" in raw and 'name="=?utf-8?b?' in raw  # RFC 2231 and 2047
    assert text_part(message).strip() == Note.body_text
    assert "柳树村幼儿园食堂" in html_part(message)


def test_a_missing_attachment_is_a_definite_failure_in_chinese(mail_server, tmp_path):
    sender = _mailer(mail_server.port)
    with pytest.raises(SendFailed, match="附件文件不存在：汇报.pdf") as failure:
        sender.send(Note(address="v001@example.cn", attachments=[str(tmp_path / "汇报.pdf")]))
    assert not failure.value.down
    sender.send(Note(address="v002@example.cn"))  # the connection goes on
    sender.close()
    assert [rcpt for rcpt, _ in mail_server.messages] == [["v002@example.cn"]]


def test_server_down_is_a_definite_failure_of_the_channel():
    sender = _mailer(free_port())
    with pytest.raises(SendFailed) as failure:
        sender.send(Note(address="v001@example.cn"))
    assert failure.value.down and "无法连接邮件服务器" in str(failure.value)


def test_refused_recipient_fails_alone_and_the_connection_goes_on(mail_server):
    mail_server.handler.refuse.add("nobody@example.cn")
    sender = _mailer(mail_server.port)
    with pytest.raises(SendFailed) as failure:
        sender.send(Note(address="nobody@example.cn"))
    assert not failure.value.down and "550" in str(failure.value)
    sender.send(Note(address="v001@example.cn"))
    sender.close()
    assert [rcpt for rcpt, _ in mail_server.messages] == [["v001@example.cn"]]
    assert mail_server.handler.connections == 1


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1, trusted by this test's default TLS context."""
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_with_a_verified_certificate(certificate, security):
    tls = (
        {"tls_context": certificate, "require_starttls": True}
        if security == "starttls"
        else {"ssl_context": certificate}
    )
    server = MailServer(**tls).start()
    try:
        sender = EmailSender(
            host="127.0.0.1",
            port=server.port,
            user=None,
            password=None,
            security=security,
            sender=SENDER,
            timeout=5,
        )
        sender.send(Note(address="v001@example.cn"))
        sender.close()
    finally:
        server.stop()
    assert [rcpt for rcpt, _ in server.messages] == [["v001@example.cn"]]


def test_tls_refuses_an_untrusted_certificate(certificate, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE")
    server = MailServer(ssl_context=certificate).start()
    try:
        sender = EmailSender(
            host="127.0.0.1",
            port=server.port,
            user=None,
            password=None,
            security="ssl",
            sender=SENDER,
            timeout=5,
        )
        with pytest.raises(SendFailed, match="CERTIFICATE_VERIFY_FAILED"):
            sender.send(Note(address="v001@example.cn"))
    finally:
        server.stop()
    assert server.messages == []


def _dropping_smtp_server() -> int:
    """A server that accepts the whole message, then hangs up without a reply."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        reader = conn.makefile("rb")
        conn.sendall(b"220 fake ESMTP\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 fake\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                while reader.readline() not in (b".\r\n", b""):
                    pass
                conn.close()
                break
            else:
                conn.sendall(b"250 OK\r\n")
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def test_a_connection_lost_after_the_message_is_an_unknown_outcome():
    sender = _mailer(_dropping_smtp_server())
    with pytest.raises(SendUnknown, match="发送正文时连接中断"):
        sender.send(Note(address="v001@example.cn"))


@pytest.fixture
def robot():
    server = RobotServer().start()
    yield server
    server.stop()


def _robot(channel, url, secret=None, timeout=2) -> RobotSender:
    return RobotSender(channel=channel, webhook=url, secret=secret, timeout=timeout)


ROBOT_NOTE = Note(
    address="office:510101000000",
    subject="【逾期督办】青石县食安办",
    body_text="### 【逾期督办】\n- 东河镇：3 项",
    body_html=None,
    channel="wecom",
)


def test_wecom_markdown_payload(robot):
    sender = _robot("wecom", f"{robot.url}/cgi-bin/webhook/send?key=SECRET-KEY")
    sender.send(ROBOT_NOTE)
    [request] = robot.requests
    assert request["query"] == {"key": "SECRET-KEY"}
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {"content": "### 【逾期督办】\n- 东河镇：3 项"},
    }


def test_dingtalk_markdown_is_signed_with_the_secret(robot):
    secret = "SECabc123"
    sender = _robot("dingtalk", f"{robot.url}/robot/send?access_token=TOKEN", secret=secret)
    sender.send(ROBOT_NOTE)
    [request] = robot.requests
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {
            "title": "【逾期督办】青石县食安办",
            "text": "### 【逾期督办】\n- 东河镇：3 项",
        },
    }
    stamp = request["query"]["timestamp"]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request["query"]["sign"] == expected and request["query"]["access_token"] == "TOKEN"
    assert dingtalk_url("http://x/send?access_token=T", None) == "http://x/send?access_token=T"


@pytest.mark.parametrize(
    "reply, error",
    [
        (("json", {"errcode": 93000, "errmsg": "invalid webhook url"}), "errcode=93000"),
        (("status", 500), "HTTP 500"),
        (("status", 404), "HTTP 404"),
    ],
)
def test_robot_errors_are_definite_failures(robot, reply, error):
    robot.replies.append(reply)
    with pytest.raises(SendFailed, match=error) as failure:
        _robot("wecom", f"{robot.url}/send?key=SECRET-KEY").send(ROBOT_NOTE)
    assert "SECRET-KEY" not in str(failure.value)


@pytest.mark.parametrize("reply", [("sleep", 1.5), ("close", None)])
def test_robot_posts_without_an_answer_are_unknown(robot, reply):
    robot.replies.append(reply)
    with pytest.raises(SendUnknown) as failure:
        _robot("wecom", f"{robot.url}/send?key=SECRET-KEY", timeout=0.5).send(ROBOT_NOTE)
    assert "SECRET-KEY" not in str(failure.value)


def test_unreachable_robot_is_a_definite_failure_without_its_key():
    url = f"http://127.0.0.1:{free_port()}/send?key=SECRET-KEY"
    with pytest.raises(SendFailed) as failure:
        _robot("dingtalk", url, secret="SECRET-SIGN").send(ROBOT_NOTE)
    assert failure.value.down
    assert "SECRET-KEY" not in str(failure.value) and "SECRET-SIGN" not in str(failure.value)


def test_login_over_starttls_and_a_wrong_password_stays_secret(certificate):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"right-pass"
        return AuthResult(success=ok)

    server = MailServer(
        tls_context=certificate,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    ).start()
    try:
        for password, works in (("right-pass", True), ("WRONG-pass-42", False)):
            sender = EmailSender(
                host="127.0.0.1",
                port=server.port,
                user="baobao",
                password=password,
                security="starttls",
                sender=SENDER,
                timeout=5,
            )
            if works:
                sender.send(Note(address="v001@example.cn"))
                sender.close()
                continue
            with pytest.raises(SendFailed) as failure:
                sender.send(Note(address="v001@example.cn"))
            assert failure.value.down and "WRONG-pass-42" not in str(failure.value)
    finally:
        server.stop()
    assert len(server.messages) == 1
