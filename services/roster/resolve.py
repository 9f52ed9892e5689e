"""Resolve staged rows to database ids and to each other, and rebuild the jurisdiction tree.

Everything here writes only to the staging tables.
"""

from typing import NamedTuple

from models.enums import LABELS, JurisdictionLevel
from services.core.bulk import insert_rows
from services.roster.checks import RowError
from services.roster.dialect import Sql

LEVEL_RANK = {level: rank for rank, level in enumerate(JurisdictionLevel)}
LEVEL_LABEL = LABELS[JurisdictionLevel]

DUPLICATE_KEYS = (  # (sheet, table, column, header)
    ("区划", "rs_jurisdiction", "code", "区划代码"),
    ("包保干部", "rs_officer", "code", "干部编号"),
    ("食安办人员", "rs_user", "account", "账号"),
    ("包保主体", "rs_entity", "credit_code", "统一社会信用代码"),
    ("包保主体", "rs_entity", "licence_no", "许可证编号"),
    ("包保主体", "rs_entity", "registration_no", "登记备案编号"),
    ("信息员", "rs_informant", "mobile", "手机号"),
)


# The small tables get dup = 1 here; the large ones computed it when built.
UPDATED_IN_PLACE = ("rs_jurisdiction", "rs_user", "rs_informant")


def mark_duplicates(sql: Sql) -> list[RowError]:
    """Report each repeated key at its later rows (and mark them dup = 1 in small tables)."""
    errors = []
    for sheet, table, column, header in DUPLICATE_KEYS:
        found = sql.rows(f"""
            SELECT s.rn, s.{column}, f.first FROM {table} s JOIN (
                SELECT {column} AS k, MIN(rn) AS first FROM {table}
                WHERE {column} IS NOT NULL AND from_db = 0 GROUP BY {column} HAVING COUNT(*) > 1
            ) f ON f.k = s.{column}
            WHERE s.rn > f.first ORDER BY s.rn""")
        for rn, value, first in found:
            errors.append(RowError(sheet, rn, header, f"{header}“{value}”与第 {first} 行重复"))
        if found and table in UPDATED_IN_PLACE:
            sql.run(f"""UPDATE {table} SET dup = 1 WHERE from_db = 0 AND EXISTS (
                SELECT 1 FROM {table} t WHERE t.{column} = {table}.{column} AND t.rn < {table}.rn
                  AND t.from_db = 0)""")
    return errors


def resolve_ids(sql: Sql) -> None:
    """Match staged jurisdictions, users and informants to existing rows by key (the large
    tables were matched when built)."""
    sql.run("""UPDATE rs_jurisdiction SET id = (SELECT j.id FROM jurisdiction j
               WHERE j.code = rs_jurisdiction.code) WHERE from_db = 0""")
    sql.run("""UPDATE rs_user SET id = u.id FROM app_user u WHERE u.account = rs_user.account""")
    sql.run("""UPDATE rs_informant SET id = i.id FROM informant i
               WHERE i.mobile = rs_informant.mobile""")


def rebuild_tree(sql: Sql) -> list[RowError]:
    """Check the jurisdiction tree (unknown parents, cycles, level order) and store every
    node's new materialised path; nodes under a broken link get no path."""
    rows = sql.rows("""SELECT rn, code, level, parent_code, from_db FROM rs_jurisdiction
                       WHERE dup = 0 AND code IS NOT NULL ORDER BY rn""")
    nodes = {
        code: Node(rn, level, parent, bool(from_db)) for rn, code, level, parent, from_db in rows
    }
    paths: dict[str, str | None] = {}
    errors: list[RowError] = []
    cycles: set[str] = set()
    for code in nodes:
        _walk(code, nodes, paths, errors, cycles)
    for code, (rn, level, parent, from_db) in nodes.items():
        if from_db or code in cycles or not level or parent not in nodes:
            continue
        parent_level = nodes[parent].level
        if not parent_level:
            continue
        if LEVEL_RANK[JurisdictionLevel(parent_level)] >= LEVEL_RANK[JurisdictionLevel(level)]:
            errors.append(
                RowError(
                    "区划",
                    rn,
                    "层级",
                    (
                        f"{LEVEL_LABEL[level]}级区划不能隶属于{LEVEL_LABEL[parent_level]}级区划"
                        f" {parent}（上级层级必须高于本级）"
                    ),
                )
            )
    insert_rows(
        sql.connection, "rs_jpath", ("code", "new_path"), [(c, p) for c, p in paths.items() if p]
    )
    sql.analyze("rs_jpath")
    sql.run("""UPDATE rs_jurisdiction SET new_path = p.new_path FROM rs_jpath p
               WHERE p.code = rs_jurisdiction.code""")
    return errors


class Node(NamedTuple):
    """A jurisdiction of the tree being checked."""

    rn: int  # its row in the sheet
    level: str | None
    parent: str | None  # its parent's code
    from_db: bool  # already in the database, not in the file


def _walk(
    code: str,
    nodes: dict[str, Node],
    paths: dict[str, str | None],
    errors: list[RowError],
    cycles: set[str],
) -> None:
    """Follow code's parents up to a root, a known path, a missing parent or a cycle."""
    chain: list[str] = []
    seen: set[str] = set()
    current: str | None = code
    base: str | None = "/"
    while current is not None and current not in paths:
        if current in seen:
            cycle = chain[chain.index(current) :]
            text = " → ".join([*cycle, current])
            cycles.update(cycle)
            for member in cycle:
                paths[member] = None
                rn, _, _, from_db = nodes[member]
                if not from_db:
                    errors.append(RowError("区划", rn, "上级区划代码", f"上级区划形成循环：{text}"))
            chain = chain[: chain.index(current)]
            base = None
            break
        seen.add(current)
        chain.append(current)
        parent = nodes[current].parent
        if parent is not None and parent not in nodes:
            rn, _, _, from_db = nodes[current]
            if not from_db:
                errors.append(
                    RowError(
                        "区划",
                        rn,
                        "上级区划代码",
                        f"上级区划代码“{parent}”不在区划表中，数据库中也没有",
                    )
                )
            paths[current] = None
            chain.pop()
            base = None
            break
        current = parent
    if current is not None and current in paths:
        base = paths[current]
    for member in reversed(chain):
        base = None if base is None else f"{base}{member}/"
        paths[member] = base
