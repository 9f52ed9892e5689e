"""Senders: e-mail through yagmail (one SMTP connection per batch), WeCom and DingTalk group
robots over httpx. A send either succeeds, raises SendFailed (certainly not delivered: safe to
retry) or raises SendUnknown (it may have been delivered: never resent automatically).

Secrets (SMTP password, robot keys, DingTalk secret) are scrubbed from every error text.
"""

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import smtplib
import ssl
import urllib.parse
from collections.abc import Iterable
from email.utils import parseaddr
from typing import Any, Literal

import httpx

from models.enums import Channel
from notifications import attachments, mime
from notifications.message import Message
from notifications.outcomes import SendFailed, SendUnknown
from services.core import clock

# An open yagmail.SMTP connection: yagmail has no types (docs/development.md#types).
Yagmail = Any


def scrub(text: str, secrets: Iterable[str | None]) -> str:
    """Remove secrets (and the query strings of webhook URLs) from a text."""
    parts: set[str] = set()
    for secret in filter(None, secrets):
        parts.add(secret)
        if "://" in secret:  # a webhook: its query string and each value in it (the key)
            query = urllib.parse.urlsplit(secret).query
            parts.update([query, *(v for _, v in urllib.parse.parse_qsl(query))])
    for part in sorted(filter(None, parts), key=len, reverse=True):
        text = text.replace(part, "***")
    return text[:1900]


class EmailSender:
    """Mail over one yagmail SMTP connection, opened on first use and reused for the batch."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        user: str | None,
        password: str | None,
        security: Literal["none", "starttls", "ssl"],
        sender: str,
        timeout: float,
        date: dt.datetime | None = None,
    ):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.security, self.sender, self.timeout, self.date = security, sender, timeout, date
        self.yag: Yagmail | None = None

    def _open(self) -> Yagmail:
        """Connect and log in; the connection, kept for the batch."""
        import yagmail

        name, address = parseaddr(self.sender)
        # TLS verifies the server's certificate (smtplib alone would not).
        tls = {"context": ssl.create_default_context()}
        try:
            yag = yagmail.SMTP(
                user={address: name} if name else address,
                host=self.host,
                port=self.port,
                smtp_starttls=tls if self.security == "starttls" else False,
                smtp_ssl=self.security == "ssl",
                smtp_skip_login=True,
                soft_email_validation=False,
                timeout=self.timeout,
                **(tls if self.security == "ssl" else {}),
            )
            yag.set_logging(None)
            yag.login()
            if self.user:
                yag.smtp.login(self.user, self.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(self._error("无法连接邮件服务器", exc), down=True) from None
        self.yag = yag
        return yag

    def check(self) -> None:
        """Connect, greet (EHLO) and log in, then quit: nothing is sent. SendFailed otherwise."""
        yag = self._open()
        try:
            yag.smtp.ehlo_or_helo_if_needed()
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(self._error("邮件服务器未应答", exc), down=True) from None
        finally:
            self.close()

    def _error(self, what: str, exc: Exception) -> str:
        return scrub(f"{what}：{type(exc).__name__}: {exc}", [self.password])

    def _mime(self, note: Message) -> str:
        files = attachments.parts(note.attachments)  # SendFailed when one is gone
        return mime.build(note, sender=self.sender, date=self.date, files=files)

    def send(self, note: Message) -> None:
        """Deliver one outbox row; raises SendFailed or SendUnknown."""
        text = None
        for attempt in (1, 2):
            yag = self._open() if self.yag is None else self.yag
            try:
                text = self._envelope(yag, note, text)
                break
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
                self._reset(yag)
                raise SendFailed(self._error("邮件服务器拒绝", exc)) from None
            except (OSError, smtplib.SMTPException) as exc:  # dropped before the message left
                self.close()
                if attempt == 2:
                    raise SendFailed(self._error("邮件服务器连接中断", exc), down=True) from None
        try:
            yag.smtp.data(text)
        except smtplib.SMTPResponseException as exc:
            raise SendFailed(self._error("邮件服务器拒绝", exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise SendUnknown(self._error("发送正文时连接中断", exc)) from None

    def _envelope(self, yag: Yagmail, note: Message, text: str | None) -> str:
        """MAIL FROM and RCPT TO; the message is built while the server answers MAIL FROM
        (client and server work at once). Returns the message."""
        smtp, address = yag.smtp, parseaddr(note.address)[1]
        smtp.ehlo_or_helo_if_needed()
        smtp.putcmd("mail", f"FROM:{smtplib.quoteaddr(yag.user)}")
        try:
            text = text or self._mime(note)
        except SendFailed:  # e.g. an attachment gone: read the answer, end the transaction
            smtp.getreply()
            self._reset(yag)
            raise
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, yag.user)
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({address: (code, reply)})
        return text

    def _reset(self, yag: Yagmail) -> None:
        try:
            yag.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        """Quit the SMTP connection, if any."""
        if self.yag is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.yag.close()
            self.yag = None


def dingtalk_url(webhook: str, secret: str | None, now_ms: int | None = None) -> str:
    """The webhook URL with DingTalk's timestamp and HMAC-SHA256 sign when a secret is set."""
    if not secret:
        return webhook
    timestamp = str(now_ms if now_ms is not None else clock.epoch_ms())
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    sign = urllib.parse.quote_plus(base64.b64encode(digest.digest()).decode())
    return f"{webhook}{'&' if '?' in webhook else '?'}timestamp={timestamp}&sign={sign}"


class RobotSender:
    """A WeCom or DingTalk group robot: markdown messages, errcode checked."""

    def __init__(self, *, channel: str, webhook: str | None, secret: str | None, timeout: float):
        self.channel, self.webhook, self.secret = channel, webhook, secret
        self.client = httpx.Client(timeout=timeout)

    def _payload(self, note: Message) -> dict[str, object]:
        if self.channel == Channel.WECOM:
            return {"msgtype": "markdown", "markdown": {"content": note.body_text}}
        return {"msgtype": "markdown", "markdown": {"title": note.subject, "text": note.body_text}}

    def send(self, note: Message) -> None:
        """Post one outbox row to the robot; raises SendFailed or SendUnknown."""
        if not self.webhook:
            raise SendFailed("未配置该群机器人的 webhook", down=True)
        url = self.webhook
        if self.channel == Channel.DINGTALK:
            url = dingtalk_url(self.webhook, self.secret)
        secrets = [self.webhook, self.secret, url]
        try:
            reply = self.client.post(url, json=self._payload(note))
        except (
            httpx.ConnectError,
            httpx.ConnectTimeout,
            httpx.PoolTimeout,
            httpx.WriteTimeout,
            httpx.WriteError,
        ) as exc:
            raise SendFailed(
                scrub(f"无法连接机器人：{type(exc).__name__}: {exc}", secrets), down=True
            ) from None
        except httpx.HTTPError as exc:  # read timeout, dropped reply: it may have been posted
            raise SendUnknown(
                scrub(f"机器人未答复：{type(exc).__name__}: {exc}", secrets)
            ) from None
        if reply.status_code != 200:
            raise SendFailed(f"机器人答复 HTTP {reply.status_code}")
        try:
            answer = reply.json()
        except ValueError:
            raise SendFailed("机器人答复不是 JSON") from None
        if not isinstance(answer, dict) or answer.get("errcode") != 0:
            code = answer.get("errcode") if isinstance(answer, dict) else None
            text = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            raise SendFailed(scrub(f"机器人答复错误 errcode={code}：{text}", secrets))

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()
