"""The channels in force, built from the settings: which exist, and one sender each per batch.

Robot rows carry the group's name (office:<code>) as their address, never the webhook: the
webhook URL and secret are read from the settings at send time and stay out of the database.
"""

import datetime as dt

from config.files import load_policy
from config.settings import get_settings
from notifications.senders import EmailSender, RobotSender, SendFailed


def enabled() -> dict[str, bool]:
    """Which channels are configured: email (SMTP host), wecom and dingtalk (webhooks)."""
    settings = get_settings()
    return {"email": bool(settings.smtp_host), "wecom": bool(settings.wecom_webhook),
            "dingtalk": bool(settings.dingtalk_webhook)}


class Channels:
    """Senders opened on first use and closed together: one SMTP connection per batch."""

    def __init__(self, *, date: dt.datetime | None = None):
        self.date, self.senders = date, {}

    def __enter__(self) -> "Channels":
        return self

    def __exit__(self, *exc) -> bool:
        for sender in self.senders.values():
            sender.close()
        return False

    def _sender(self, channel: str):
        if channel not in self.senders:
            settings, timeout = get_settings(), load_policy().reminders.send_timeout_seconds
            if channel == "email":
                if not settings.smtp_host:
                    raise SendFailed("未配置邮件服务器（BAOBAO_SMTP_HOST）", down=True)
                self.senders[channel] = EmailSender(
                    host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
                    password=settings.smtp_password, security=settings.smtp_security,
                    sender=settings.smtp_sender, timeout=timeout, date=self.date)
            elif channel == "wecom":
                self.senders[channel] = RobotSender(
                    channel="wecom", webhook=settings.wecom_webhook, secret=None, timeout=timeout)
            else:
                self.senders[channel] = RobotSender(
                    channel="dingtalk", webhook=settings.dingtalk_webhook,
                    secret=settings.dingtalk_secret, timeout=timeout)
        return self.senders[channel]

    def send(self, note) -> None:
        """Send one outbox row on its channel; raises SendFailed or SendUnknown."""
        self._sender(note.channel).send(note)
