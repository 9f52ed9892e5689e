"""Mailing a produced briefing: one outbox message per [briefing] recipient, then delivery.

The DOCX and PDF go as attachments (their paths in Notification.attachments, read when the mail
is sent); the body lists every file with its size and sha256, the HTML one kept in the archive.
"""

from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session

from config.files import load_policy
from models.briefing import Briefing
from models.enums import Channel
from reports.document import Document
from services.core.errors import BadInput

if TYPE_CHECKING:
    from services.reminders.delivery import Mailed

ATTACHED = ("docx", "pdf")  # the formats mailed as attachments


def check_can_send() -> None:
    """BadInput unless recipients and a mail server are configured (checked before writing)."""
    from notifications.channels import enabled

    if not load_policy().briefing.recipients:
        raise BadInput("未配置收件人：请在 policy.toml 的 [briefing] recipients 中填写邮箱")
    if not enabled()[Channel.EMAIL]:
        raise BadInput("未配置邮件服务器：请设置 BAOBAO_SMTP_HOST 等邮件参数")


def queue(*, session: Session, briefing: Briefing, doc: Document, headline: str) -> "Mailed":
    """Queue the briefing to every recipient and deliver the outbox; {"queued", "sent", ...}."""
    from reports.render_html import environment
    from services.reminders import delivery, outbox

    files = [
        {**f, "name": Path(f["path"]).name, "attached": f["format"] in ATTACHED}
        for f in briefing.files
    ]
    values = {"doc": doc, "files": files, "headline": headline}
    text = environment().get_template("briefing_mail.txt").render(**values)
    html = environment().get_template("briefing_mail.html").render(**values)
    messages = [
        outbox.Outgoing(
            channel=Channel.EMAIL,
            recipient=f"email:{parseaddr(r)[1]}",
            address=r,
            subject=f"【季度汇报】{doc['title']}",
            body_text=text,
            body_html=html,
            dedupe_key=f"briefing:{briefing.id}:{parseaddr(r)[1]}",
            attachments=[f["path"] for f in files if f["attached"]] or None,
        )
        for r in load_policy().briefing.recipients
    ]
    queued = outbox.enqueue(session=session, messages=messages)
    return {"queued": queued, **delivery.deliver(session=session)}
