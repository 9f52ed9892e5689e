"""Row generation for the demo roster, one city or one county at a time (see services.demo.dataset)."""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any, Protocol

from models.enums import UserRole
from services.demo import names
from services.demo.details import EntityDetails
from services.roster.credit_code import make_credit_code


class Scale(Protocol):
    """What the builder reads of a demo scale (services.demo.dataset.Scale)."""

    @property
    def cities(self) -> int: ...
    @property
    def counties_per_city(self) -> int: ...
    @property
    def townships(self) -> int: ...
    @property
    def villages(self) -> int: ...
    @property
    def communities(self) -> int: ...
    @property
    def mix(self) -> tuple[tuple[str, str, int], ...]: ...
    @property
    def city_officers(self) -> int: ...
    @property
    def county_officers(self) -> int: ...
    @property
    def township_officers(self) -> int: ...
    @property
    def village_officers(self) -> int: ...


Row = tuple[Any, ...]  # a table row in its columns' order (J_COLS, O_COLS …): id first
Batch = dict[str, tuple[tuple[str, ...], list[Row]]]  # table → (columns, rows)
Town = tuple[int, str, str]  # (id, name, path)
Village = tuple[int, str, str, int]  # (id, name, path, township index)
PROVINCE = "51"
START = dt.date(2024, 1, 1)
START_SPAN_DAYS = 912  # start dates up to mid-2026
TITLES = {
    "city": ("副市长", "市市场监管局局长", "市食安办主任"),
    "county": ("副县长", "县市场监管局局长", "县委常委", "县人大副主任"),
    "township": ("镇长", "副镇长", "镇党委委员", "镇人大主席"),
    "village": ("村食品安全联络员", "村食品安全协管员", "村食品安全信息员", "社区食品安全联络员"),
}
RISK_HIGH = ("学校食堂", "敬老院食堂", "食品厂", "农贸市场", "单位食堂")

J_COLS = ("id", "code", "name", "level", "parent_id", "path")
O_COLS = (
    "id",
    "code",
    "name",
    "tier",
    "title",
    "mobile",
    "email",
    "wecom_id",
    "jurisdiction_id",
    "active",
)
U_COLS = (
    "id",
    "account",
    "name",
    "role",
    "mobile",
    "email",
    "wecom_id",
    "jurisdiction_id",
    "active",
)
E_COLS = (
    "id",
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
    "jurisdiction_id",
    "active",
)
A_COLS = ("id", "officer_id", "entity_id", "start_date", "end_date", "settled_on")
I_COLS = ("id", "name", "mobile", "role", "jurisdiction_id", "active")
INFORMANT_ROLES = ("liaison", "assistant", "informant")


@dataclass
class Pools:
    """The officers an entity of each 主体等级 may get: the city's and the county's, each
    township's and each village's (by jurisdiction id)."""

    county: list[int]
    city: list[int]
    township: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    village: defaultdict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


class Builder:
    """Generates rows with explicit ids so that foreign keys need no look-ups."""

    def __init__(self, *, rng: random.Random, scale: Scale) -> None:
        self.rng, self.scale = rng, scale
        self.ids: defaultdict[str, Iterator[int]] = defaultdict(lambda: count(1))
        self.city_row: tuple[int, str, str, str, None, str] | None = None
        self.city_officers: list[int] = []
        self.mobile_seq = count(1)
        self.entity_seq = count(1)
        self.taken: set[str] = set()
        self.single_county = scale.cities * scale.counties_per_city == 1
        # The roster's richer fields draw from their own stream, so that the rest of the demo
        # stays what it always was for a seed.
        self.details = EntityDetails(random.Random(repr(rng.getstate()[1][:8])))

    def _id(self, table: str) -> int:
        return next(self.ids[table])

    def city(self, index: int) -> Batch:
        code = f"{PROVINCE}{index + 1:02d}00000000"
        jid = self._id("jurisdiction")
        self.city_row = city_row = (
            jid,
            code,
            names.place(self.rng, "市", self.taken),
            "city",
            None,
            f"/{code}/",
        )
        officers = [
            self._officer(jid, "city", f"{code[:4]}", n) for n in range(self.scale.city_officers)
        ]
        self.city_officers = [o[0] for o in officers]
        users = [self._user(jid, code, "admin", "cityadmin" if self.single_county else None)]
        return {
            "jurisdiction": (J_COLS, [city_row]),
            "officer": (O_COLS, officers),
            "app_user": (U_COLS, users),
        }

    def county(self, city: int, index: int) -> Batch:
        assert self.city_row is not None, "city() first"
        c_id, c_code, _, _, _, c_path = self.city_row
        code = f"{c_code[:4]}{index + 1:02d}000000"
        jid = self._id("jurisdiction")
        county_name = names.place(self.rng, "县", self.taken)
        path = f"{c_path}{code}/"
        juris: list[Row] = [(jid, code, county_name, "county", c_id, path)]
        single = self.single_county
        users = [
            self._user(jid, code, "admin", "admin" if single else None),
            self._user(jid, code, "supervisor", "duban" if single else None),
        ]
        towns: list[Town] = []
        villages: list[Village] = []
        for t in range(self.scale.townships):
            t_code = f"{code[:6]}{t + 1:03d}000"
            t_id, t_name = self._id("jurisdiction"), names.place(self.rng, "镇", self.taken)
            t_path = f"{path}{t_code}/"
            juris.append((t_id, t_code, t_name, "township", jid, t_path))
            towns.append((t_id, t_name, t_path))
            users.append(self._user(t_id, t_code, "supervisor", None))
            for v in range(self.scale.villages):
                v_code = f"{t_code[:9]}{v + 1:03d}"
                kind = "社区" if v < self.scale.communities else "村"
                v_id, v_name = self._id("jurisdiction"), names.place(self.rng, kind, self.taken)
                juris.append((v_id, v_code, v_name, "village", t_id, f"{t_path}{v_code}/"))
                villages.append((v_id, v_name, f"{t_path}{v_code}/", t))
        officers, pools = self._county_officers(jid, code, towns, villages)
        entities, assignments = self._entities(code, county_name, towns, villages, pools)
        informants = [self._informant(v_id, n) for n, (v_id, *_) in enumerate(villages)]
        return {
            "jurisdiction": (J_COLS, juris),
            "officer": (O_COLS, officers),
            "app_user": (U_COLS, users),
            "entity": (E_COLS, entities),
            "informant": (I_COLS, informants),
            "assignment": (A_COLS, assignments),
        }

    def _informant(self, village_id: int, n: int) -> Row:
        """A village's 联络员 / 协管员 / 信息员 (one person, one 手机号)."""
        role = INFORMANT_ROLES[n % len(INFORMANT_ROLES)]
        mobile = names.mobile(next(self.mobile_seq))
        return (self._id("informant"), self.details.person(), mobile, role, village_id, True)

    def _county_officers(
        self, jid: int, code: str, towns: list[Town], villages: list[Village]
    ) -> tuple[list[Row], "Pools"]:
        s = self.scale
        officers = [self._officer(jid, "county", code, n) for n in range(s.county_officers)]
        pools = Pools(county=[o[0] for o in officers], city=self.city_officers)
        for n in range(s.township_officers):
            t_id = towns[n % len(towns)][0]
            officers.append(self._officer(t_id, "township", code, len(officers)))
            pools.township[t_id].append(officers[-1][0])
        for n in range(s.village_officers):
            v_id = villages[n % len(villages)][0]
            officers.append(self._officer(v_id, "village", code, len(officers)))
            pools.village[v_id].append(officers[-1][0])
        return officers, pools

    def _officer(self, jid: int, tier: str, area: str, n: int) -> Row:
        oid, rng = self._id("officer"), self.rng
        code = f"BB{area[:6]}{n + 1:04d}"
        email = f"{code.lower()}@example.cn" if rng.random() < 0.6 else None
        wecom = f"wx{code.lower()}" if rng.random() < 0.3 else None
        return (
            oid,
            code,
            names.person(rng),
            tier,
            rng.choice(TITLES[tier]),
            names.mobile(next(self.mobile_seq)),
            email,
            wecom,
            jid,
            True,
        )

    def _user(self, jid: int, code: str, role: str, account: str | None) -> Row:
        uid = self._id("app_user")
        account = account or f"{'gly' if role == UserRole.ADMIN else 'db'}{code}"
        return (
            uid,
            account,
            names.person(self.rng),
            role,
            names.mobile(next(self.mobile_seq)),
            f"{account}@example.cn",
            None,
            jid,
            True,
        )

    def _entities(
        self,
        code: str,
        county_name: str,
        towns: list[Town],
        villages: list[Village],
        pools: "Pools",
    ) -> tuple[list[Row], list[Row]]:
        rng = self.rng
        entities: list[Row] = []
        assignments: list[Row] = []
        staffed = [v for v in villages if pools.village[v[0]]]
        town_of = {t[0]: t for t in towns}
        town_ids = [t[0] for t in towns]
        for kind, grade, n in self.scale.mix:
            for _ in range(n):
                v_id, v_name, _, t_index = rng.choice(staffed if grade == "D" else villages)
                t_id, t_name, _ = town_of[town_ids[t_index]]
                officer_pool = {
                    "A": pools.city,
                    "B": pools.county,
                    "C": pools.township[t_id],
                    "D": pools.village[v_id],
                }[grade]
                entity = self._entity(kind, grade, code, county_name, t_name, v_name, v_id)
                entities.append(entity)
                assignments.extend(self._assignments(entity[0], officer_pool))
        return entities, assignments

    def _entity(
        self,
        kind: str,
        grade: str,
        code: str,
        county_name: str,
        t_name: str,
        v_name: str,
        v_id: int,
    ) -> Row:
        rng, seq = self.rng, next(self.entity_seq)
        category, _, licence_prefix, credit_kind = names.KINDS[kind]
        org = f"{(seq * 48_271 + 9_173) % 100_000_000:08d}"
        credit: str | None = make_credit_code(
            registry="9", kind=credit_kind, area=code[:6], org_base=org
        )
        licence: str | None = None
        if licence_prefix:
            body = f"{1 if licence_prefix == 'SC' else 2}{code[:6]}{seq % 1_000_000:06d}"
            licence = f"{licence_prefix}{body}{sum(map(int, body)) % 10}"
        if licence and rng.random() < 0.08:
            credit = None
        high = kind in RISK_HIGH
        risk = rng.choices("ABCD", (5, 35, 45, 15) if high else (35, 40, 18, 7))[0]
        status = rng.choices(("operating", "suspended", "deregistered"), (97, 2, 1))[0]
        where = v_name if grade == "D" else t_name
        address = f"{county_name}{t_name}{v_name}{rng.randint(1, 300)}号"
        name = names.business(rng, kind, where)
        credit, licence, registration = self.details.identifiers(kind, code, seq, credit, licence)
        if credit is licence is registration is None:
            name = self.details.codeless_name(name, where, v_id)
        return (
            self._id("entity"),
            credit,
            licence,
            registration,
            name,
            category,
            grade,
            risk,
            address,
            status,
            *self.details.people(kind, grade),
            v_id,
            True,
        )

    def _assignments(self, entity_id: int, pool: list[int]) -> list[Row]:
        rng = self.rng
        start = START + dt.timedelta(days=rng.randrange(START_SPAN_DAYS))
        current = (self._id("assignment"), rng.choice(pool), entity_id, start, None, None)
        if rng.random() >= 0.05 or start - START < dt.timedelta(days=30):
            return [current]
        earlier = START + dt.timedelta(days=rng.randrange((start - START).days - 1))
        ended = (
            self._id("assignment"),
            rng.choice(pool),
            entity_id,
            earlier,
            start - dt.timedelta(days=1),
            start,  # settled (handed over) the day the successor started
        )
        return [ended, current]
