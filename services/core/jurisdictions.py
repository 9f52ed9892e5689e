"""The jurisdiction tree: look-ups by code, subtrees by materialised path, and the scope a
command works on with each jurisdiction's township."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlmodel import Session

from models.enums import JurisdictionLevel
from models.jurisdiction import Jurisdiction
from services.core.errors import BadInput


@dataclass(frozen=True)
class Place:
    """Where a jurisdiction sits: its township group and a display name."""

    group_code: str  # the township's code, or the jurisdiction's own above township level
    group_name: str  # 石源镇, or 福塘县本级
    display: str  # 石源镇杏港社区


def county_paths(*, session: Session) -> list[str]:
    """Materialised paths of every county jurisdiction, for splitting province work."""
    rows = session.execute(
        select(Jurisdiction.path)
        .where(Jurisdiction.level == JurisdictionLevel.COUNTY)
        .order_by(Jurisdiction.path)
    )
    return [path for (path,) in rows]


def by_code(*, session: Session, code: str) -> Jurisdiction:
    """The jurisdiction with this 区划代码; BadInput when there is none."""
    found: Jurisdiction | None = session.execute(
        select(Jurisdiction).where(Jurisdiction.code == code.strip())
    ).scalar_one_or_none()
    if found is None:
        raise BadInput(f"区划代码 {code} 不存在")
    return found


def path_like(path: str) -> str:
    """A LIKE pattern matching path and its whole subtree (use with ESCAPE '\\')."""
    escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def resolve_scope(*, session: Session, code: str | None = None) -> Jurisdiction:
    """The named jurisdiction; by default the only county, else the only root."""
    if code:
        return by_code(session=session, code=code)
    for condition in (
        Jurisdiction.level == JurisdictionLevel.COUNTY,
        Jurisdiction.parent_id.is_(None),
    ):
        found: Sequence[Jurisdiction] = (
            session.execute(select(Jurisdiction).where(condition).limit(2)).scalars().all()
        )
        if len(found) == 1:
            return found[0]
    raise BadInput("数据库中没有唯一的县级区划，请用 --jurisdiction 指定区划代码")


def subtree_ids(root: Jurisdiction) -> Select[tuple[int | None]]:
    """A sub-select of the ids of root and everything below it (indexed path prefix)."""
    return select(Jurisdiction.id).where(Jurisdiction.path.like(path_like(root.path), escape="\\"))


def places(*, session: Session, root: Jurisdiction) -> dict[int, Place]:
    """Every jurisdiction of root's subtree mapped to its township group and display name."""
    ancestor_codes = [c for c in root.path.strip("/").split("/") if c]
    rows = session.execute(
        select(
            Jurisdiction.id,
            Jurisdiction.code,
            Jurisdiction.name,
            Jurisdiction.level,
            Jurisdiction.path,
        ).where(
            Jurisdiction.path.like(path_like(root.path), escape="\\")
            | Jurisdiction.code.in_(ancestor_codes)
        )
    ).all()
    rows_by_code = {r.code: r for r in rows}
    result = {}
    for r in rows:
        if not r.path.startswith(root.path):
            continue
        chain = [rows_by_code[c] for c in r.path.strip("/").split("/") if c in rows_by_code]
        town = next((j for j in chain if j.level == JurisdictionLevel.TOWNSHIP), None)
        if town is None:
            result[r.id] = Place(r.code, f"{r.name}本级", r.name)
        else:
            below = [j.name for j in chain[chain.index(town) :]]
            result[r.id] = Place(town.code, town.name, "".join(below))
    return result


def place_names(*, session: Session, jurisdiction_id: int) -> dict[str, str]:
    """Names of a jurisdiction and its ancestors by level: township, county, jurisdiction."""
    own = session.get(Jurisdiction, jurisdiction_id)
    assert own is not None  # the id of a row's jurisdiction (a foreign key)
    codes = [c for c in own.path.strip("/").split("/") if c]
    rows = session.execute(
        select(Jurisdiction.level, Jurisdiction.name).where(Jurisdiction.code.in_(codes))
    ).all()
    names = {level: name for level, name in rows}
    return {
        "township": names.get("township", ""),
        "county": names.get("county", ""),
        "jurisdiction": own.name,
    }
