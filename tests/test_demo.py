"""Demo data: exact counts, valid codes and numbers, 层级对应 for every assignment, determinism."""

import hashlib
import re

import pytest
from sqlalchemy import text

from services.demo import dataset as demo
from services.roster.credit_code import is_valid_credit_code


def _scalar(engine, sql: str):
    with engine.connect() as connection:
        return connection.execute(text(sql)).scalar()


def _rows(engine, sql: str) -> list:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


@pytest.fixture
def town(engine):
    demo.fill(engine=engine, scale="town", seed=2)
    return engine


def test_town_has_the_town_of_the_second_seed(town):
    levels = dict(_rows(town, "SELECT level, COUNT(*) FROM jurisdiction GROUP BY level"))
    assert levels["township"] == 1 and levels["village"] == 25
    assert _scalar(town, "SELECT COUNT(*) FROM jurisdiction WHERE name LIKE '%社区'") == 5
    categories = dict(_rows(town, "SELECT category, COUNT(*) FROM entity GROUP BY category"))
    assert categories == {
        "餐饮服务": 83,
        "食品销售": 80,
        "小作坊": 31,
        "学校幼儿园食堂": 3,
        "养老机构食堂": 1,
    }
    tiers = dict(_rows(town, "SELECT tier, COUNT(*) FROM officer GROUP BY tier"))
    assert tiers["village"] == 24 and tiers["township"] >= 1


def test_every_entity_is_covered_per_tier_inside_the_officers_jurisdiction(town):
    uncovered = _scalar(
        town,
        """
        SELECT COUNT(*) FROM entity e WHERE NOT EXISTS (
            SELECT 1 FROM assignment a WHERE a.entity_id = e.id AND a.end_date IS NULL)""",
    )
    assert uncovered == 0
    mismatched = _rows(
        town,
        """
        SELECT e.package_grade, o.tier, ej.path, oj.path
        FROM assignment a
        JOIN entity e ON e.id = a.entity_id JOIN officer o ON o.id = a.officer_id
        JOIN jurisdiction ej ON ej.id = e.jurisdiction_id
        JOIN jurisdiction oj ON oj.id = o.jurisdiction_id
        WHERE NOT (ej.path LIKE oj.path || '%')
           OR NOT ((e.package_grade = 'A' AND o.tier = 'city')
                OR (e.package_grade = 'B' AND o.tier = 'county')
                OR (e.package_grade = 'C' AND o.tier = 'township')
                OR (e.package_grade = 'D' AND o.tier = 'village'))""",
    )
    assert mismatched == []


def test_officers_belong_to_a_jurisdiction_of_their_tier(town):
    assert (
        _scalar(
            town,
            """SELECT COUNT(*) FROM officer o JOIN jurisdiction j
                            ON j.id = o.jurisdiction_id WHERE j.level <> o.tier""",
        )
        == 0
    )


def test_codes_and_numbers_are_valid(town):
    codes = [c for (c,) in _rows(town, "SELECT credit_code FROM entity") if c]
    assert len(codes) > 150 and all(is_valid_credit_code(c) for c in codes)
    licences = [c for (c,) in _rows(town, "SELECT licence_no FROM entity") if c]
    assert all(re.fullmatch(r"(JY|SC)\d{14}", c) for c in licences)
    mobiles = [m for (m,) in _rows(town, "SELECT mobile FROM officer")]
    assert all(re.fullmatch(r"1[3-9]\d{9}", m) for m in mobiles)
    assert len(set(mobiles)) == len(mobiles)
    names = [n for (n,) in _rows(town, "SELECT name FROM officer")]
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n) for n in names)


def test_history_is_kept_and_ids_continue(town):
    assert _scalar(town, "SELECT COUNT(*) FROM assignment WHERE end_date IS NOT NULL") > 0
    with town.begin() as connection:  # sequences were moved past the bulk-written ids
        connection.execute(
            text(
                "INSERT INTO jurisdiction (code, name, level, path) "
                "VALUES ('999', '新区', 'county', '/999/')"
            )
        )


def _fingerprint(engine) -> str:
    digest = hashlib.sha256()
    for table in ("jurisdiction", "officer", "entity", "assignment", "app_user"):
        for row in _rows(engine, f"SELECT * FROM {table} ORDER BY id"):
            normal = [int(v) if isinstance(v, bool) else v for v in row]
            digest.update(repr([None if v is None else str(v) for v in normal]).encode())
    return digest.hexdigest()


def test_same_seed_same_data_other_seed_other_data(engine, tmp_path):
    from models.db import get_engine
    from services.core.schema import upgrade

    demo.fill(engine=engine, scale="town", seed=7)
    twins = []
    for seed in (7, 8):
        other = get_engine(f"sqlite:///{tmp_path}/seed{seed}.db")
        upgrade(engine=other)
        demo.fill(engine=other, scale="town", seed=seed)
        twins.append(_fingerprint(other))
    assert _fingerprint(engine) == twins[0] != twins[1]


def test_county_scale_counts(engine):
    counts = demo.fill(engine=engine, scale="county", seed=2)
    assert counts["包保主体"] == 2192
    grades = dict(
        _rows(engine, "SELECT package_grade, COUNT(*) FROM entity GROUP BY package_grade")
    )
    assert grades == {"A": 3, "B": 85, "C": 613, "D": 1491}
    levels = dict(_rows(engine, "SELECT level, COUNT(*) FROM jurisdiction GROUP BY level"))
    assert levels["township"] == 15 and levels["village"] == 225
    tiers = dict(_rows(engine, "SELECT tier, COUNT(*) FROM officer GROUP BY tier"))
    assert tiers["county"] == 15 and tiers["township"] == 110 and tiers["village"] == 1400
    users = _scalar(
        engine,
        """SELECT COUNT(DISTINCT u.jurisdiction_id) FROM app_user u
                               JOIN jurisdiction j ON j.id = u.jurisdiction_id
                               WHERE j.level = 'township'""",
    )
    assert users == 15
