"""The scope and the township filter of a supervisor list, and the township of each row.

An office sees a task when its jurisdiction (its officer's) or its entity's lies in the office's
subtree, a hazard when its jurisdiction does (services.accounts.access). The township filter
narrows to a jurisdiction inside that subtree; a task belongs to the township of its officer's
jurisdiction, as in services.figures.tasks.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import Session

from models.enums import JurisdictionLevel
from models.jurisdiction import Jurisdiction
from services.accounts.identity import Principal
from services.core.errors import BadInput
from services.core.jurisdictions import path_like


def subtree(path: str) -> Select[Any]:
    """The ids of the jurisdictions at and below path (indexed path prefix)."""
    return select(Jurisdiction.id).where(Jurisdiction.path.like(path_like(path), escape="\\"))


def narrowed_path(*, session: Session, who: Principal, township: str | None) -> str:
    """The path a list covers: who's subtree, or a jurisdiction inside it (BadInput outside)."""
    if not township:
        return who.path
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
    towns: dict[str, str] = {
        code: name
        for code, name in session.execute(
            select(Jurisdiction.code, Jurisdiction.name).where(
                Jurisdiction.code.in_(codes), Jurisdiction.level == JurisdictionLevel.TOWNSHIP
            )
        )
    }
    found: dict[int, str] = {}
    for jid, path, name in rows:
        names = [towns[c] for c in path.strip("/").split("/") if c in towns]
        found[jid] = names[0] if names else name
    return found
