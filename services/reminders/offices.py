"""Responsible offices: which 食安办 hears about an item, and which office is one level up.

The responsible office of a jurisdiction is the nearest jurisdiction at or above it that has any
active 食安办 user (roles from [reminders] office_roles): a village's work goes to its township
office when the village has none. The next office up is the nearest one strictly above that.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from config.files import load_policy
from models.enums import JurisdictionLevel, label
from models.jurisdiction import Jurisdiction
from models.user import User


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class Member:
    """A 食安办 user who receives an office's digest."""

    account: str
    name: str
    email: str | None
    wecom_id: str | None


@dataclass
class OfficeMap:
    places: dict[int, Place]
    members: dict[int, list[Member]]  # jurisdiction id → its active office users
    _office: dict[int, int | None] = field(default_factory=dict)
    _above: dict[int, tuple[int, ...]] = field(default_factory=dict)
    _names: dict[int, str] = field(default_factory=dict)
    _children: dict[int | None, list[Place]] | None = None  # parent id → children

    def above(self, jurisdiction_id: int) -> tuple[int, ...]:
        """The jurisdiction and its ancestors, nearest first."""
        if jurisdiction_id not in self._above:
            chain: list[int] = []
            current: int | None = jurisdiction_id
            while current is not None and current in self.places and len(chain) < 16:
                chain.append(current)
                current = self.places[current].parent_id
            self._above[jurisdiction_id] = tuple(chain)
        return self._above[jurisdiction_id]

    def responsible(self, jurisdiction_id: int) -> int | None:
        """The office (a jurisdiction id) responsible for an item of this jurisdiction."""
        if jurisdiction_id not in self._office:
            found = next((j for j in self.above(jurisdiction_id) if self.members.get(j)), None)
            self._office[jurisdiction_id] = found
        return self._office[jurisdiction_id]

    def next_up(self, office_id: int) -> int | None:
        """The office one level above an office, or None at the top."""
        parent = self.places[office_id].parent_id
        return None if parent is None else self.responsible(parent)

    def township_of(self, jurisdiction_id: int) -> Place | None:
        """The township (乡镇/街道) a jurisdiction lies in, or None above township level."""
        for j in self.above(jurisdiction_id):
            if self.places[j].level == JurisdictionLevel.TOWNSHIP:
                return self.places[j]
        return None

    def place_name(self, jurisdiction_id: int) -> str:
        """The grouping label of a jurisdiction: its township, or itself with 本级."""
        if jurisdiction_id not in self._names:
            township, place = self.township_of(jurisdiction_id), self.places[jurisdiction_id]
            self._names[jurisdiction_id] = (
                township.name
                if township is not None
                else f"{place.name}（{label(JurisdictionLevel, place.level)}本级）"
            )
        return self._names[jurisdiction_id]

    def office_name(self, office_id: int) -> str:
        """How an office is called in messages, e.g. 青石镇食安办."""
        return f"{self.places[office_id].name}食安办"

    def children(self, jurisdiction_id: int) -> list[Place]:
        """The direct children of a jurisdiction, by code."""
        if self._children is None:
            self._children = {}
            for place in sorted(self.places.values(), key=lambda p: p.code):
                self._children.setdefault(place.parent_id, []).append(place)
        return self._children.get(jurisdiction_id, [])


def load_offices(*, session: Session) -> OfficeMap:
    """The jurisdiction tree and its office users, read once for a day's digests."""
    places = {
        row.id: Place(row.id, row.code, row.name, row.level, row.parent_id)
        for row in session.connection().execute(
            select(
                Jurisdiction.id,
                Jurisdiction.code,
                Jurisdiction.name,
                Jurisdiction.level,
                Jurisdiction.parent_id,
            )
        )
    }
    roles = load_policy().reminders.office_roles
    members: dict[int, list[Member]] = {}
    rows = session.connection().execute(
        select(User.jurisdiction_id, User.account, User.name, User.email, User.wecom_id)
        .where(User.active.is_(True), User.role.in_(roles))
        .order_by(User.account)
    )
    for jid, account, name, email, wecom_id in rows:
        members.setdefault(jid, []).append(Member(account, name, email or None, wecom_id))
    return OfficeMap(places=places, members=members)
