"""The doctor's network checks: the mail server (connect and log in, nothing sent) and every
group robot (a TCP connection, with TLS for https; nothing posted). Messages name hosts only,
never a webhook's key."""

import socket
import ssl
from urllib.parse import urlsplit

from config.files import load_policy
from config.settings import get_settings
from models.enums import Channel, label
from notifications import channels
from notifications.outcomes import SendFailed
from services.operations.checks import Check

ROBOT_NAMES: dict[str, str] = {c: label(Channel, c) for c in (Channel.WECOM, Channel.DINGTALK)}


def mail() -> Check:
    """The mail server accepts a connection (and the login, when an account is set)."""
    settings = get_settings()
    if not settings.smtp_host:
        return Check(
            "mail",
            "邮件服务器",
            False,
            "未配置邮件服务器（BAOBAO_SMTP_HOST）：包保干部和食安办收不到邮件提醒",
        )
    try:
        address = channels.check_mail()
    except SendFailed as exc:
        return Check("mail", "邮件服务器", False, str(exc))
    login = "，登录成功" if settings.smtp_user else ""
    return Check("mail", "邮件服务器", True, f"可以连接 {address}{login}（未发送邮件）")


def robots() -> Check:
    """Every configured group robot's host accepts a connection."""
    found = channels.robot_webhooks()
    if not found:
        return Check("robots", "群机器人", True, "未配置群机器人")
    timeout = load_policy().reminders.send_timeout_seconds
    good: list[str] = []
    bad: list[str] = []
    for channel, whose, url in found:
        name = f"{ROBOT_NAMES[channel]}（{whose or '县级'}）"
        problem = _reach(url, timeout)
        (bad if problem else good).append(f"{name}{problem or ''}")
    if bad:
        return Check("robots", "群机器人", False, "无法连接：" + "；".join(bad))
    return Check("robots", "群机器人", True, f"可以连接 {len(good)} 个：" + "、".join(good))


def _reach(url: str, timeout: float) -> str | None:
    """None when the webhook's host accepts a connection, else why not."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme not in ("http", "https") or not host:
        return " webhook 地址无效"
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            if parts.scheme == "https":
                with ssl.create_default_context().wrap_socket(raw, server_hostname=host):
                    pass
    except OSError as exc:
        return f" {host}:{port}：{type(exc).__name__}: {exc}"
    return None
