"""包保主体: a food business; 主体等级 (package_grade) and 风险等级 (risk_grade) are separate."""

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from models.enums import Category, EntityStatus, Grade, check_in


class Entity(SQLModel, table=True):
    __tablename__ = "entity"
    __table_args__ = (
        CheckConstraint(check_in("category", Category), name="ck_entity_category"),
        CheckConstraint(check_in("package_grade", Grade), name="ck_entity_package_grade"),
        CheckConstraint(
            f"risk_grade IS NULL OR {check_in('risk_grade', Grade)}", name="ck_entity_risk_grade"
        ),
        CheckConstraint(check_in("status", EntityStatus), name="ck_entity_status"),
        CheckConstraint(
            "credit_code IS NOT NULL OR licence_no IS NOT NULL", name="ck_entity_identified"
        ),
        Index("ix_entity_jurisdiction_status", "jurisdiction_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    credit_code: str | None = Field(default=None, max_length=18, unique=True)  # 统一社会信用代码
    licence_no: str | None = Field(default=None, max_length=32, unique=True)  # 许可证编号
    name: str = Field(max_length=200)
    category: str = Field(max_length=16)  # 业态
    package_grade: str = Field(max_length=1)  # 主体等级
    risk_grade: str | None = Field(default=None, max_length=1)  # 风险等级
    address: str | None = Field(default=None, max_length=300)
    status: str = Field(default=EntityStatus.OPERATING, max_length=16)
    jurisdiction_id: int = Field(foreign_key="jurisdiction.id")
    # False once a full roster import no longer lists it (kept, never deleted).
    active: bool = Field(default=True)
