"""Today's reminders: build the digests, render them, queue them in the outbox, deliver it.

Who is reached how: officers and office users get mail at their own address; an office's digest
also goes to its jurisdiction's group robots ([robots."<code>"] in the settings), and the
global robots are the summary-level office's groups. A person with no usable channel is listed
in skipped_no_channel so that the office can complete the roster. Every message's dedupe key names its kind, recipient, day and
channel, so a second run on the same day queues nothing new.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import TypedDict

from sqlmodel import Session

from config.files import load_policy
from models.enums import Channel
from notifications import builders, channels
from services.core.audit import record_event
from services.figures.deadlines import reminder_day
from services.reminders import delivery, outbox
from services.reminders.digests import (
    OfficeDigest,
    OfficerDigest,
    build_digests,
    no_gc,
    with_one_tap_links,
)
from services.reminders.outbox import Outgoing

MAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[A-Za-z0-9-]+")


def mail_address(name: str, email: str | None) -> str | None:
    """'姓名 <addr>' for the outbox, or None for a missing or malformed address."""
    email = (email or "").strip()
    if not MAIL.fullmatch(email):
        return None
    name = re.sub(r'[\\"<>\r\n]', "", name).strip()
    return f'"{name}" <{email}>' if re.search(r"[,;:()@.\[\]]", name) else f"{name} <{email}>"


class Unreached(TypedDict):
    """A recipient no channel reaches today, and why."""

    recipient: str
    name: str
    place: str
    reason: str


class Reminded(TypedDict):
    """A reminder run: the day, digests built, messages queued and the delivery's counts."""

    date: str
    workday: bool
    dry_run: bool
    officers: int
    offices: int
    queued: int
    sent: int
    failed: int
    unknown: int
    waiting: int
    skipped_no_channel: list[Unreached]


def _skipped(recipient: str, name: str, place: str, mail_on: bool) -> Unreached:
    reason = "未登记有效邮箱" if mail_on else "未配置邮件服务器"
    return {"recipient": recipient, "name": name, "place": place, "reason": reason}


@dataclass(frozen=True)
class Planned:
    """A message decided on but not rendered yet (only new dedupe keys get rendered)."""

    channel: str
    recipient: str
    address: str
    dedupe_key: str
    render: Callable[[], builders.Rendered]

    def outgoing(self) -> Outgoing:
        """Render the message as an outbox row."""
        note = self.render()
        return Outgoing(
            self.channel,
            self.recipient,
            self.address,
            note.subject,
            note.text,
            note.html,
            self.dedupe_key,
        )


def _officer_messages(
    digest: OfficerDigest, mail_on: bool, out: list[Planned], skipped: list[Unreached]
) -> None:
    key, address = f"officer:{digest.code}", mail_address(digest.name, digest.email)
    if not (mail_on and address):
        skipped.append(_skipped(key, digest.name, digest.place, mail_on))
        return
    out.append(
        Planned(
            Channel.EMAIL,
            key,
            address,
            f"digest:{key}:{digest.day}:email",
            partial(_officer_mail, digest),
        )
    )


def _officer_mail(digest: OfficerDigest) -> builders.Rendered:
    return builders.officer_email(with_one_tap_links(digest))


def _office_messages(
    digest: OfficeDigest, on: dict[str, bool], out: list[Planned], skipped: list[Unreached]
) -> None:
    summary = digest.level == load_policy().reminders.summary_level
    robots = channels.office_robots(digest.code, summary_level=summary)
    group, markdown = f"office:{digest.code}", cache(partial(builders.office_markdown, digest))
    out.extend(
        Planned(c, group, group, f"digest:{group}:{digest.day}:{c}", markdown) for c in robots
    )
    mail = cache(partial(builders.office_email, digest))  # one rendering for all members
    for member in digest.members:
        key, address = f"user:{member.account}", mail_address(member.name, member.email)
        if on[Channel.EMAIL] and address:
            out.append(
                Planned(Channel.EMAIL, key, address, f"digest:{key}:{digest.day}:email", mail)
            )
        elif not robots:
            skipped.append(_skipped(key, member.name, digest.name, on[Channel.EMAIL]))


def plan(
    officer_digests: list[OfficerDigest], office_digests: list[OfficeDigest]
) -> tuple[list[Planned], list[Unreached]]:
    """The messages for today's digests, and the recipients no channel reaches."""
    on = channels.enabled()
    out: list[Planned] = []
    skipped: list[Unreached] = []
    for digest in officer_digests:
        _officer_messages(digest, on[Channel.EMAIL], out, skipped)
    for office_digest in office_digests:
        _office_messages(office_digest, on, out, skipped)
    return out, skipped


def remind(
    *, session: Session, today: dt.date, dry_run: bool = False, actor: str = "system"
) -> Reminded:
    """Build today's digests, queue them once and deliver the outbox (nothing on a day off)."""
    result: Reminded = {
        "date": today.isoformat(),
        "workday": reminder_day(today),
        "dry_run": dry_run,
        "officers": 0,
        "offices": 0,
        "queued": 0,
        "sent": 0,
        "failed": 0,
        "unknown": 0,
        "waiting": 0,
        "skipped_no_channel": [],
    }
    if not result["workday"]:
        return result
    with no_gc():
        officer_digests, office_digests = build_digests(session=session, today=today)
        planned, skipped = plan(officer_digests, office_digests)
        known = outbox.existing_keys(session=session, keys=[p.dedupe_key for p in planned])
        session.rollback()  # end the read transaction before writing (SQLite: one writer)
        new = [p for p in planned if p.dedupe_key not in known]
        result["officers"], result["offices"] = len(officer_digests), len(office_digests)
        result["skipped_no_channel"], result["queued"] = skipped, len(new)
        if dry_run:
            return result
        messages = [p.outgoing() for p in new]
    result["queued"] = outbox.enqueue(session=session, messages=messages)
    delivered = delivery.deliver(session=session)
    result["sent"], result["failed"] = delivered["sent"], delivered["failed"]
    result["unknown"], result["waiting"] = delivered["unknown"], delivered["waiting"]
    counts = {k: result[k] for k in ("queued", "sent", "failed", "unknown", "waiting")}
    record_event(
        session=session,
        actor=actor,
        action="reminders.run",
        object_type="reminders",
        object_id=today.isoformat(),
        after=counts,
    )
    session.commit()
    return result
