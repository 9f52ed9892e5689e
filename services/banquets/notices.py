"""Messages to offices about one banquet, queued in the outbox at once (any day, not with the
next digest): an illness reported after it (township and county offices), a chef whose health
certificate has expired by the event date (township office)."""

from sqlmodel import Session

from config.files import load_policy
from models.banquet import Banquet
from models.enums import BanquetKind, JurisdictionLevel, label
from notifications import channels
from services.reminders import delivery, outbox
from services.reminders.daily import mail_address
from services.reminders.offices import OfficeMap, load_offices


def _offices(offices: OfficeMap, village_id: int, levels: tuple[str, ...]) -> list[int]:
    """The responsible office of each level's jurisdiction above the village, nearest first."""
    found: list[int] = []
    for jid in offices.above(village_id):
        if offices.places[jid].level in levels:
            office = offices.responsible(jid)
            if office is not None and office not in found:
                found.append(office)
    return found


def describe(*, offices: OfficeMap, banquet: Banquet) -> str:
    """One line naming the banquet: place, host, kind, date, diners."""
    village = offices.places[banquet.jurisdiction_id]
    return (
        f"{offices.place_name(village.id)}{village.name} {banquet.host} 家"
        f"{label(BanquetKind, banquet.kind)}（{banquet.event_date}，预计 {banquet.diners} 人"
        f"{'，地点：' + banquet.place if banquet.place else ''}）"
    )


def _messages(
    offices: OfficeMap, office: int, key: str, subject: str, text: str
) -> list[outbox.Outgoing]:
    code = offices.places[office].code
    summary = offices.places[office].level == load_policy().reminders.summary_level
    group = f"office:{code}"
    out = [
        outbox.Outgoing(c, group, group, subject, text, None, f"{key}:{group}:{c}")
        for c in channels.office_robots(code, summary_level=summary)
    ]
    for member in offices.members.get(office, []):
        address = mail_address(member.name, member.email)
        if address and channels.enabled()["email"]:
            recipient = f"user:{member.account}"
            body = f"{member.name}，您好：\n\n{text}\n"
            out.append(
                outbox.Outgoing(
                    "email", recipient, address, subject, body, None, f"{key}:{recipient}:email"
                )
            )
    return out


def notify_offices(
    *,
    session: Session,
    banquet: Banquet,
    key: str,
    subject: str,
    text: str,
    levels: tuple[str, ...],
) -> delivery.Mailed:
    """Queue the message for the offices of these levels above the banquet's village (once per
    key), commit, and deliver the outbox now."""
    offices = load_offices(session=session)
    messages = [
        m
        for office in _offices(offices, banquet.jurisdiction_id, levels)
        for m in _messages(
            offices, office, key, subject, f"{office_name(offices, office)}：\n{text}"
        )
    ]
    queued = outbox.enqueue(session=session, messages=messages)
    return {"queued": queued, **delivery.deliver(session=session)}


def office_name(offices: OfficeMap, office: int) -> str:
    """How an office is addressed in a notice, e.g. 青石镇食安办."""
    return offices.office_name(office)


TOWNSHIP_AND_COUNTY = (JurisdictionLevel.TOWNSHIP, JurisdictionLevel.COUNTY)
TOWNSHIP = (JurisdictionLevel.TOWNSHIP,)
