"""乡厨 certificates in the daily digest: each active chef whose health certificate is due a
reminder (services.villages.chefs) is listed to the officer covering the chef's home village."""

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from models.banquet import Chef
from models.jurisdiction import Jurisdiction
from services.villages.chefs import cert_expiring_sql
from services.villages.officers import Village, covering_officers


class ChefLine(NamedTuple):
    """One chef whose certificate expires soon, as a digest lists it."""

    chef_id: int
    name: str
    mobile: str
    village: str
    cert_no: str
    expires: dt.date
    days_left: int  # calendar days from today to the expiry day


def expiring_by_officer(*, session: Session, today: dt.date) -> dict[int, list[ChefLine]]:
    """Officer id → the chefs of the villages it covers whose certificates are due a reminder,
    soonest expiry first (a village nobody covers is left out: its office sees `chefs list`)."""
    rows = session.execute(
        select(Chef.id, Chef.name, Chef.mobile, Chef.cert_no, Chef.cert_expires, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == Chef.jurisdiction_id)
        .where(Chef.active.is_(True), cert_expiring_sql(Chef.cert_expires, today))
        .order_by(Chef.cert_expires, Chef.id)
    ).all()
    villages = {
        place.id: Village(place.id or 0, place.code, place.name, place.parent_id, place.path)
        for *_, place in rows
    }
    guides = covering_officers(session=session, villages=list(villages.values()))
    found: dict[int, list[ChefLine]] = defaultdict(list)
    for chef_id, name, mobile, cert_no, expires, place in rows:
        guide = guides.get(place.id or 0)
        if guide is not None:
            left = (expires - today).days
            found[guide.id].append(
                ChefLine(chef_id, name, mobile, place.name, cert_no, expires, left)
            )
    return dict(found)
