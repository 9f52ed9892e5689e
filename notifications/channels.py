"""The channels in force, built from the settings: which exist, and the senders of one batch.

Robot rows carry the group's name (office:<code>) as their address, never the webhook: the
webhook URL and secret are looked up in the settings at send time and stay out of the database.
An office's robot is its jurisdiction's own ([robots."<code>"]); the global webhooks are the
fallback of the summary-level office (the county), as they were before per-office robots.
"""

import datetime as dt
from types import TracebackType
from typing import Literal

from config.files import load_policy
from config.settings import get_settings
from models.enums import Channel
from notifications.message import Message
from notifications.outcomes import SendFailed
from notifications.senders import EmailSender, RobotSender

ROBOTS = (Channel.WECOM, Channel.DINGTALK)


def enabled() -> dict[str, bool]:
    """Which channels are configured: email (SMTP host), wecom and dingtalk (global webhooks)."""
    settings = get_settings()
    return {
        Channel.EMAIL: bool(settings.smtp_host),
        Channel.WECOM: bool(settings.wecom_webhook),
        Channel.DINGTALK: bool(settings.dingtalk_webhook),
    }


def robot_target(channel: str, code: str) -> tuple[str | None, str | None]:
    """The webhook and (DingTalk) secret of a jurisdiction's group: its own, else the global."""
    settings = get_settings()
    own = settings.robots.get(code)
    if own is not None and getattr(own, channel):
        return getattr(own, channel), own.dingtalk_secret if channel == Channel.DINGTALK else None
    if channel == Channel.WECOM:
        return settings.wecom_webhook, None
    return settings.dingtalk_webhook, settings.dingtalk_secret


def office_robots(code: str, *, summary_level: bool) -> list[str]:
    """The robot channels an office's digest goes to: its own groups, else (summary level
    only) the global ones."""
    own, on = get_settings().robots.get(code), enabled()
    return [c for c in ROBOTS if (own is not None and getattr(own, c)) or (summary_level and on[c])]


def check_mail() -> str:
    """Connect to the mail server and log in, sending nothing; its host:port. SendFailed when
    it cannot be reached or refuses the login (no server configured included)."""
    mailer = Channels()._mailer()
    mailer.check()
    return f"{mailer.host}:{mailer.port}"


def robot_webhooks() -> list[tuple[str, str, str]]:
    """Every configured robot as (channel, whose: "" for the global ones or a jurisdiction
    code, webhook)."""
    settings = get_settings()
    found = [(c, "", getattr(settings, f"{c}_webhook")) for c in ROBOTS]
    for code, robots in sorted(settings.robots.items()):
        found += [(c, code, getattr(robots, c)) for c in ROBOTS]
    return [(channel, whose, url) for channel, whose, url in found if url]


class Channels:
    """Senders opened on first use and closed together: one SMTP connection per batch, one
    HTTP client per robot webhook."""

    def __init__(self, *, date: dt.datetime | None = None):
        self.date = date
        # By (channel, webhook, secret): one for the mail, one per robot webhook.
        self.senders: dict[tuple[str, str | None, str | None], EmailSender | RobotSender] = {}

    def __enter__(self) -> "Channels":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> Literal[False]:
        for sender in self.senders.values():
            sender.close()
        return False

    def _mailer(self) -> EmailSender:
        settings, timeout = get_settings(), load_policy().reminders.send_timeout_seconds
        if not settings.smtp_host:
            raise SendFailed("未配置邮件服务器（BAOBAO_SMTP_HOST）", down=True)
        return EmailSender(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=settings.smtp_password,
            security=settings.smtp_security,
            sender=settings.smtp_sender,
            timeout=timeout,
            date=self.date,
        )

    def _sender(self, note: Message) -> EmailSender | RobotSender:
        if note.channel == Channel.EMAIL:
            key: tuple[str, str | None, str | None] = (Channel.EMAIL, None, None)
            if key not in self.senders:
                self.senders[key] = self._mailer()
            return self.senders[key]
        webhook, secret = robot_target(note.channel, note.address.removeprefix("office:"))
        key = (note.channel, webhook, secret)
        if key not in self.senders:
            self.senders[key] = RobotSender(
                channel=note.channel,
                webhook=webhook,
                secret=secret,
                timeout=load_policy().reminders.send_timeout_seconds,
            )
        return self.senders[key]

    def send(self, note: Message) -> None:
        """Send one outbox row on its channel; raises SendFailed or SendUnknown."""
        self._sender(note).send(note)
