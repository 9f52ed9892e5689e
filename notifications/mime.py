"""One e-mail built from an outbox row: plain text and HTML alternatives, then attachments.

Built with the standard library's email package; yagmail carries the messages (connection,
TLS, login). yagmail's own builder makes a plain part that is thrown away and half again as
many headers, which made building the largest CPU cost of a message.
"""

import datetime as dt
import hashlib
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr

from notifications.message import Message


def message_id(dedupe_key: str, sender: str) -> str:
    """A Message-ID derived from the dedupe key: a resend is recognisably the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "baobao.localhost"
    return f"<{hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]}@{domain}>"


def _address(value: str) -> str:
    """An address "名字 <a@b>" with the name encoded for the header (RFC 2047)."""
    return formataddr(parseaddr(value), charset="utf-8")


def build(note: Message, *, sender: str, date: dt.datetime | None, files: list[MIMEBase]) -> str:
    """The message text of one outbox row, ready for SMTP DATA."""
    body: MIMEMultipart | MIMENonMultipart = MIMEText(note.body_text, "plain", "utf-8")
    if note.body_html:
        body = MIMEMultipart(
            "alternative", _subparts=[body, MIMEText(note.body_html, "html", "utf-8")]
        )
    message = MIMEMultipart("mixed", _subparts=[body, *files]) if files else body
    message["From"] = _address(sender)
    message["To"] = _address(note.address)
    # typeshed types a MIMEBase's header values as str; the stdlib takes a Header (RFC 2047).
    message["Subject"] = Header(note.subject, "utf-8")  # type: ignore[assignment]
    message["Date"] = formatdate(date.timestamp() if date else None, localtime=True)
    message["Message-ID"] = message_id(note.dedupe_key, sender)
    # Fixed boundaries: the generator would otherwise compile a regex per part to pick a
    # random one. "_" never occurs in the base64 bodies.
    tag = hashlib.sha256(note.dedupe_key.encode()).hexdigest()[:16]
    for n, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_baobao_{tag}_{n}")
    return message.as_string()
