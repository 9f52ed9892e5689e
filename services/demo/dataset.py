"""Demo data: a realistic, fictional, deterministic city → county → township → village roster.

Every entity is assigned per 层级对应 (A→市级, B→县级, C→乡级, D→村级) to an officer whose
jurisdiction contains it. Rows are generated county by county and bulk-written.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from models.jurisdiction import Jurisdiction
from services.core.bulk import insert_rows, reset_sequences
from services.demo import rows as demo_rows
from services.roster.entity_history import record_history

if TYPE_CHECKING:
    from rich.progress import Progress

Mix = tuple[tuple[str, str, int], ...]  # (business kind, 主体等级, count) per county

COUNTY_MIX: Mix = (
    ("食品厂", "A", 2),
    ("农贸市场", "A", 1),
    ("学校食堂", "B", 40),
    ("敬老院食堂", "B", 10),
    ("食品厂", "B", 15),
    ("超市", "B", 20),
    ("餐馆", "C", 300),
    ("超市", "C", 80),
    ("单位食堂", "C", 60),
    ("作坊", "C", 80),
    ("农贸市场", "C", 13),
    ("学校食堂", "C", 80),
    ("小吃店", "D", 600),
    ("经营户", "D", 550),
    ("作坊", "D", 150),
    ("摊贩", "D", 191),
)
TOWN_MIX: Mix = (
    ("学校食堂", "B", 3),
    ("敬老院食堂", "B", 1),
    ("超市", "C", 6),
    ("餐馆", "C", 20),
    ("餐馆", "D", 63),
    ("经营户", "D", 74),
    ("作坊", "C", 6),
    ("作坊", "D", 25),
)


@dataclass(frozen=True)
class Scale:
    cities: int
    counties_per_city: int
    townships: int  # per county
    villages: int  # per township
    communities: int  # of the villages, how many are 社区
    mix: Mix
    city_officers: int  # per city
    county_officers: int  # per county
    township_officers: int  # per county
    village_officers: int  # per county


SCALES: dict[str, Scale] = {
    "town": Scale(1, 1, 1, 25, 5, TOWN_MIX, 1, 2, 6, 24),
    "county": Scale(1, 1, 15, 15, 2, COUNTY_MIX, 3, 15, 110, 1400),
    "province": Scale(
        19, 8, 18, 15, 2, tuple((k, g, n * 3) for k, g, n in COUNTY_MIX), 30, 20, 130, 640
    ),
}

COUNTY_BANQUETS_PER_YEAR = 2400  # the seed town filed 230 a year; a county of 15 such
TABLES = ("jurisdiction", "officer", "app_user", "entity", "informant", "assignment")


def is_empty(*, engine: Engine) -> bool:
    """Whether the database holds no jurisdiction yet."""
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Jurisdiction)).scalar() == 0


def fill(*, engine: Engine, scale: str, seed: int, progress: bool = False) -> dict[str, int]:
    """Write the demo roster of a scale; returns row counts per table."""
    spec = SCALES[scale]
    rng = random.Random(seed)
    builder = demo_rows.Builder(rng=rng, scale=spec)
    counts = dict.fromkeys(TABLES, 0)
    total = spec.cities * spec.counties_per_city
    with _progress(progress, total) as advance, engine.begin() as connection:
        for city in range(spec.cities):
            _write(connection, builder.city(city), counts)
            for county in range(spec.counties_per_city):
                _write(connection, builder.county(city, county), counts)
                advance()
        reset_sequences(connection, TABLES)
        # The demo roster is held as listed since the first assignments began.
        record_history(connection=connection, day=demo_rows.START)
        filed = _banquet_season(connection, scale, seed)
    return {_LABELS[t]: n for t, n in counts.items()} | ({"聚餐备案": filed} if filed else {})


def _banquet_season(connection: Connection, scale: str, seed: int) -> int:
    """The county demo's year of rural banquets (the town and province demos have none)."""
    if scale != "county":
        return 0
    from services.core import clock
    from services.demo.banquets import season

    return season(connection=connection, rng=random.Random(seed + 18), today=clock.today(),
                  per_year=COUNTY_BANQUETS_PER_YEAR)  # fmt: skip


_LABELS = {
    "jurisdiction": "区划",
    "officer": "包保干部",
    "app_user": "食安办人员",
    "entity": "包保主体",
    "informant": "信息员",
    "assignment": "包保关系",
}


def _write(connection: Connection, batch: demo_rows.Batch, counts: dict[str, int]) -> None:
    for table in TABLES:
        if table in batch:
            columns, rows = batch[table]
            counts[table] += insert_rows(connection, table, columns, rows)


class _progress:
    """A Rich progress bar on stderr over counties, or nothing."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total = enabled and total > 1, total
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[], None]:
        if not self.enabled:
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = bar = Progress(console=Console(stderr=True), transient=False)
        bar.start()
        task = bar.add_task("生成演示数据（按县）", total=self.total)
        return lambda: bar.advance(task)

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.bar:
            self.bar.stop()
        return False
