"""包保主体: a food business; 主体等级 (package_grade) and 风险等级 (risk_grade) are separate.

An entity is known by any of its identifiers (统一社会信用代码, 许可证编号, 登记备案编号); an
entity of a codeless 业态 ([roster] codeless_categories, e.g. 食品摊贩) may have none and is then
known by its name and jurisdiction (the roster import keeps that pair unique).
"""

from sqlalchemy import CheckConstraint, Index, func, text
from sqlmodel import Field, SQLModel

from models.enums import Category, EntityStatus, Grade, check_in

CODELESS = "credit_code IS NULL AND licence_no IS NULL AND registration_no IS NULL"


class Entity(SQLModel, table=True):
    __tablename__ = "entity"
    __table_args__ = (
        CheckConstraint(check_in("category", Category), name="ck_entity_category"),
        CheckConstraint(check_in("package_grade", Grade), name="ck_entity_package_grade"),
        CheckConstraint(
            f"risk_grade IS NULL OR {check_in('risk_grade', Grade)}", name="ck_entity_risk_grade"
        ),
        CheckConstraint(check_in("status", EntityStatus), name="ck_entity_status"),
        Index("ix_entity_jurisdiction_status", "jurisdiction_id", "status"),
        # A codeless entity is its name in its jurisdiction: never two of them.
        Index(
            "uq_entity_codeless",
            "jurisdiction_id",
            "name",
            unique=True,
            sqlite_where=text(CODELESS),
            postgresql_where=text(CODELESS),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    credit_code: str | None = Field(default=None, max_length=18, unique=True)  # 统一社会信用代码
    licence_no: str | None = Field(default=None, max_length=32, unique=True)  # 许可证编号
    # 登记备案编号: 小作坊登记证, 食品摊贩登记卡, 仅销售预包装食品备案 (shapes by province policy)
    registration_no: str | None = Field(default=None, max_length=40, unique=True)
    name: str = Field(max_length=200)
    category: str = Field(max_length=16)  # 业态
    package_grade: str = Field(max_length=1)  # 主体等级
    risk_grade: str | None = Field(default=None, max_length=1)  # 风险等级
    address: str | None = Field(default=None, max_length=300)
    status: str = Field(default=EntityStatus.OPERATING, max_length=16)
    person_in_charge: str | None = Field(default=None, max_length=50)  # 负责人
    phone: str | None = Field(default=None, max_length=24)  # 联系电话: mobile or landline
    safety_director: str | None = Field(default=None, max_length=50)  # 食品安全总监
    safety_officer: str | None = Field(default=None, max_length=100)  # 食品安全员
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")
    # False once a full roster import no longer lists it (kept, never deleted).
    active: bool = Field(default=True)


def key_of(credit: str | None, licence: str | None, registration: str | None) -> str | None:
    """The identifier an entity is shown by: its credit code, else licence, else 登记备案编号
    (None for a codeless entity, shown by its name and place)."""
    return credit or licence or registration


def key_sql(alias: str) -> str:
    """key_of in SQL over a table alias."""
    return f"COALESCE({alias}.credit_code, {alias}.licence_no, {alias}.registration_no)"


KEY = func.coalesce(Entity.credit_code, Entity.licence_no, Entity.registration_no)
