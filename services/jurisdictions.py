"""The jurisdiction tree: look-ups by code and subtrees by materialised path."""

from sqlalchemy import select
from sqlmodel import Session

from models.jurisdiction import Jurisdiction
from services.errors import BadInput


def county_paths(*, session: Session) -> list[str]:
    """Materialised paths of every county jurisdiction, for splitting province work."""
    rows = session.execute(
        select(Jurisdiction.path).where(Jurisdiction.level == "county").order_by(Jurisdiction.path)
    )
    return [path for (path,) in rows]


def by_code(*, session: Session, code: str) -> Jurisdiction:
    """The jurisdiction with this 区划代码; BadInput when there is none."""
    found = session.execute(
        select(Jurisdiction).where(Jurisdiction.code == code.strip())
    ).scalar_one_or_none()
    if found is None:
        raise BadInput(f"区划代码 {code} 不存在")
    return found


def path_like(path: str) -> str:
    """A LIKE pattern matching path and its whole subtree (use with ESCAPE '\\')."""
    escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
