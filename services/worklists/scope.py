"""The scope and the township filter of a supervisor list, and the township of each row.

An office sees a task when its jurisdiction (its officer's) or its entity's lies in the office's
subtree, a hazard when its jurisdiction does (services.accounts.access). The township filter
narrows to a jurisdiction inside that subtree; a task belongs to the township of its officer's
jurisdiction, as in services.figures.tasks.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    all_,
    any_,
    bindparam,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from models.db import is_postgres
from models.enums import JurisdictionLevel
from models.jurisdiction import Jurisdiction
from services.core.errors import BadInput
from services.core.jurisdictions import path_like
from services.permissions.principal import Principal


def subtree(path: str) -> Select[Any]:
    """The ids of the jurisdictions at and below path (indexed path prefix)."""
    return select(Jurisdiction.id).where(Jurisdiction.path.like(path_like(path), escape="\\"))


LISTED = 2_000  # a subtree up to this many jurisdictions (a county's) is given to a list by id


@dataclass(frozen=True)
class Places:
    """The jurisdictions a list covers, as conditions on a jurisdiction column: their ids, read
    first so the planner counts them (a subquery's path-prefix estimate made it scan every task
    of the province for some counties, 250 ms instead of 15), one array parameter on
    PostgreSQL; a larger subtree (a city's, the province's) stays the subquery, its lists
    reading most rows anyway."""

    path: str
    ids: Sequence[int] | None  # None: more than LISTED
    pg: bool

    def hold(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """column is one of the places."""
        if self.ids is None:
            return column.in_(subtree(self.path))
        if self.pg:
            return column == any_(bindparam(None, list(self.ids), type_=ARRAY(Integer)))
        return column.in_(self.ids)

    def miss(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        """column is none of the places."""
        if self.ids is None:
            return column.not_in(subtree(self.path))
        if self.pg:
            return column != all_(bindparam(None, list(self.ids), type_=ARRAY(Integer)))
        return column.not_in(self.ids)


def list_places(*, session: Session, who: Principal, township: str | None) -> Places:
    """What a list covers: who's subtree, or a jurisdiction inside it (BadInput outside)."""
    path = who.path if not township else _township_path(session, who, township)
    ids = session.execute(subtree(path).limit(LISTED + 1)).scalars().all()
    return Places(path, ids if len(ids) <= LISTED else None, is_postgres(session.get_bind()))


def _township_path(session: Session, who: Principal, township: str) -> str:
    found = session.execute(
        select(Jurisdiction.path).where(
            Jurisdiction.code == township, Jurisdiction.path.like(path_like(who.path), escape="\\")
        )
    ).scalar_one_or_none()
    if found is None:
        raise BadInput(f"区划代码 {township} 不在本辖区内")
    return str(found)


def townships_of(*, session: Session, jurisdiction_ids: Iterable[int]) -> dict[int, str]:
    """The township (乡镇/街道) name of each jurisdiction; the jurisdiction's own name above
    township level."""
    ids = set(jurisdiction_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Jurisdiction.id, Jurisdiction.path, Jurisdiction.name).where(
            Jurisdiction.id.in_(ids)
        )
    ).all()
    codes = {code for _, path, _ in rows for code in path.strip("/").split("/")}
    towns = _township_names(session, codes)
    return {jid: _township(path, name, towns) for jid, path, name in rows}


def _township_names(session: Session, codes: set[str]) -> dict[str, str]:
    """The names of the townships among these jurisdiction codes."""
    if not codes:
        return {}
    rows = session.execute(
        select(Jurisdiction.code, Jurisdiction.name).where(
            Jurisdiction.code.in_(codes), Jurisdiction.level == JurisdictionLevel.TOWNSHIP
        )
    )
    return {code: name for code, name in rows}


def _township(path: str, name: str, towns: dict[str, str]) -> str:
    """The first township on path, else the jurisdiction's own name."""
    return next((towns[c] for c in path.strip("/").split("/") if c in towns), name)


class TownshipNames:
    """The township of each jurisdiction, for an export: every jurisdiction under path read at
    once, any other (a task's officer outside the scope) looked up when first met."""

    def __init__(self, *, session: Session, path: str):
        self.session = session
        rows = session.execute(
            select(Jurisdiction.id, Jurisdiction.path, Jurisdiction.code, Jurisdiction.name,
                   Jurisdiction.level)
            .where(Jurisdiction.path.like(path_like(path), escape="\\"))
        ).all()  # fmt: skip
        above = set(path.strip("/").split("/"))  # a subtree below a township (a village)
        towns = {
            code: name for _, _, code, name, level in rows if level == JurisdictionLevel.TOWNSHIP
        }
        towns.update(_township_names(session, above - set(towns)))
        self.names: dict[int, str] = {jid: _township(p, name, towns) for jid, p, _, name, _ in rows}

    def of(self, jurisdiction_ids: Iterable[int]) -> dict[int, str]:
        """The names, the unknown ones looked up first."""
        missing = set(jurisdiction_ids) - self.names.keys()
        if missing:
            self.names.update(townships_of(session=self.session, jurisdiction_ids=missing))
        return self.names
