"""乡厨 register: chefs with their health certificates and training records; certificates
expiring soon ([banquets] chef_cert_warn_days)."""

import datetime as dt
import re
from typing import TypedDict

from sqlalchemy import func, select
from sqlmodel import Session

from models.banquet import Chef, ChefTraining
from models.enums import JurisdictionLevel
from models.jurisdiction import Jurisdiction
from services.core import audit, clock
from services.core.errors import BadInput
from services.core.jurisdictions import path_like, resolve_scope
from services.figures.common import as_date
from services.villages.chefs import cert_expiring

MOBILE = re.compile(r"1[3-9]\d{9}")


class ChefItem(TypedDict):
    """One chef as `chefs list` shows it."""

    id: int
    name: str
    mobile: str
    village_code: str
    village: str
    cert_no: str
    cert_expires: str
    cert_expired: bool
    cert_expiring: bool  # within [banquets] chef_cert_warn_days
    trainings: int
    last_trained_on: str | None


def _village(session: Session, code: str) -> Jurisdiction:
    place: Jurisdiction | None = session.execute(
        select(Jurisdiction).where(Jurisdiction.code == code.strip())
    ).scalar_one_or_none()
    if place is None or place.id is None or place.level != JurisdictionLevel.VILLAGE:
        raise BadInput(f"区划代码 {code} 不存在或不是村（社区）")
    return place


def add_chef(
    *, session: Session, name: str, village: str, mobile: str, cert_no: str, cert_expires: dt.date,
    actor: str,
) -> int:  # fmt: skip
    """Register a 乡厨; returns the chef's id (CHEF_ID). Commits."""
    name, mobile, cert_no = name.strip(), mobile.strip(), cert_no.strip()
    if not name or len(name) > 50:
        raise BadInput("乡厨姓名不能为空，最多 50 字")
    if not MOBILE.fullmatch(mobile):
        raise BadInput(f"手机号 {mobile!r} 无效，应为 11 位大陆手机号")
    if not cert_no or len(cert_no) > 40:
        raise BadInput("健康证明编号不能为空，最多 40 字")
    if session.execute(select(Chef.id).where(Chef.mobile == mobile)).first():
        raise BadInput(f"手机号 {mobile} 的乡厨已登记")
    place = _village(session, village)
    assert place.id is not None
    chef = Chef(name=name, mobile=mobile, jurisdiction_id=place.id, cert_no=cert_no,
                cert_expires=cert_expires, registered_on=clock.today())  # fmt: skip
    session.add(chef)
    session.flush()
    audit.record_event(session=session, actor=actor, action="chef.add", object_type="chef",
                       object_id=chef.id, after={"name": name, "cert_no": cert_no,
                                                 "cert_expires": cert_expires.isoformat()})  # fmt: skip
    session.commit()
    return chef.id or 0


def add_training(
    *, session: Session, chef_id: int, trained_on: dt.date, course: str, actor: str
) -> int:
    """Record a training the chef attended; returns its id. Commits."""
    if session.get(Chef, chef_id) is None:
        raise BadInput(f"乡厨 {chef_id} 不存在")
    course = course.strip()
    if not course or len(course) > 200:
        raise BadInput("培训内容不能为空，最多 200 字")
    if trained_on > clock.today():
        raise BadInput(f"培训日期 {trained_on} 晚于今天")
    row = ChefTraining(chef_id=chef_id, trained_on=trained_on, course=course)
    session.add(row)
    session.flush()
    audit.record_event(session=session, actor=actor, action="chef.train", object_type="chef",
                       object_id=chef_id, after={"trained_on": trained_on.isoformat(),
                                                 "course": course})  # fmt: skip
    session.commit()
    return row.id or 0


def list_chefs(*, session: Session, jurisdiction: str | None = None) -> dict[str, object]:
    """The chefs of a subtree by village and name, with their certificates and trainings."""
    trained = (
        select(ChefTraining.chef_id, func.count().label("n"), func.max(ChefTraining.trained_on).label("last"))
        .group_by(ChefTraining.chef_id)
        .subquery()
    )  # fmt: skip
    query = (
        select(Chef, Jurisdiction.code, Jurisdiction.name, trained.c.n, trained.c.last)
        .join(Jurisdiction, Jurisdiction.id == Chef.jurisdiction_id)
        .outerjoin(trained, trained.c.chef_id == Chef.id)
        .where(Chef.active.is_(True))
    )
    if jurisdiction is not None:
        root = resolve_scope(session=session, code=jurisdiction)
        query = query.where(Jurisdiction.path.like(path_like(root.path), escape="\\"))
    today = clock.today()
    chefs: list[ChefItem] = [
        {
            "id": chef.id or 0,
            "name": chef.name,
            "mobile": chef.mobile,
            "village_code": code,
            "village": village,
            "cert_no": chef.cert_no,
            "cert_expires": chef.cert_expires.isoformat(),
            "cert_expired": chef.cert_expires < today,
            "cert_expiring": cert_expiring(chef.cert_expires, today),
            "trainings": n or 0,
            "last_trained_on": as_date(last).isoformat() if last else None,
        }
        for chef, code, village, n, last in session.execute(query.order_by(Jurisdiction.code, Chef.name))
    ]  # fmt: skip
    return {"total": len(chefs), "chefs": chefs}
