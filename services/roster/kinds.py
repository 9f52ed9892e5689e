"""The roster tables kept in step with a sheet (officers, users, entities, 信息员): their keys,
their plain columns and what the audit of a created row records."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A roster table kept in step with one sheet: its key and its plain columns."""

    name: str  # object_type in the audit log
    sheet: str
    table: str
    staging: str
    keys: tuple[str, ...]  # columns that identify a new row after insertion
    fields: tuple[str, ...]  # plain columns, same name in the table and in staging
    created: tuple[str, ...]  # what the audit event of a created row records (with the file)


OFFICER = Kind(
    "officer",
    "包保干部",
    "officer",
    "rs_officer",
    ("code",),
    ("code", "name", "tier", "title", "mobile", "email", "wecom_id"),
    ("code", "name", "tier"),
)
USER = Kind(
    "user",
    "食安办人员",
    "app_user",
    "rs_user",
    ("account",),
    ("account", "name", "role", "mobile", "email", "wecom_id"),
    ("account", "role"),
)
ENTITY = Kind(
    "entity",
    "包保主体",
    "entity",
    "rs_entity",
    ("credit_code", "licence_no", "registration_no"),
    (
        "credit_code",
        "licence_no",
        "registration_no",
        "name",
        "category",
        "package_grade",
        "risk_grade",
        "address",
        "status",
        "person_in_charge",
        "phone",
        "safety_director",
        "safety_officer",
    ),
    ("credit_code", "licence_no", "registration_no", "name", "package_grade"),
)
INFORMANT = Kind(
    "informant",
    "信息员",
    "informant",
    "rs_informant",
    ("mobile",),
    ("name", "mobile", "role"),
    ("name", "mobile", "role"),
)
MEMBERS = (OFFICER, USER, ENTITY, INFORMANT)
IN_PLACE = (USER, INFORMANT)  # small, staged as loaded; officers and entities were built
