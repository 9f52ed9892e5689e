"""The demo roster's richer entity fields, as a real county has them: 小作坊 with a 登记证
(川GD…) instead of a credit code, 摊贩 with a 登记卡 (川TF…) or no code at all (names written
with a space, unique in their village), shops with a 仅销售预包装食品备案 (YB…), and 负责人,
联系电话 (mobile or landline), 食品安全总监 and 食品安全员 where they are kept."""

import random

from services.demo import names

DIRECTOR_CATEGORIES = ("食品厂", "学校食堂", "敬老院食堂", "单位食堂", "农贸市场", "超市")
AREA_CODES = ("028", "0813", "0816", "0817", "0831", "0838")


class EntityDetails:
    """Draws from its own random stream (the rest of the demo does not move with it)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.codeless: set[tuple[int, str]] = set()

    def person(self) -> str:
        return names.person(self.rng)

    def identifiers(
        self, kind: str, code: str, seq: int, credit: str | None, licence: str | None
    ) -> tuple[str | None, str | None, str | None]:
        """(credit code, licence, 登记备案编号) of one entity of a kind."""
        draw = self.rng.random()
        if kind == "作坊" and draw < 0.6:
            return None, None, f"川GD{code[:6]}{seq:06d}"
        if kind == "摊贩":
            if draw < 0.65:
                return None, None, None
            if draw < 0.85:
                return None, None, f"川TF{code[:6]}{seq:06d}"
        if kind == "经营户" and draw < 0.15:
            body = f"2{code[:6]}{seq % 1_000_000:06d}"
            keep = credit if self.rng.random() < 0.5 else None
            return keep, None, f"YB{body}{sum(map(int, body)) % 10}"
        return credit, licence, None

    def codeless_name(self, name: str, where: str, village: int) -> str:
        """A codeless stall's name, sometimes with a space, unique in its village."""
        if self.rng.random() < 0.4:
            name = f"{where} {name.removeprefix(where)}"
        base, n = name, 1
        while (village, name.replace(" ", "")) in self.codeless:
            n += 1
            name = f"{base}{n}号"
        self.codeless.add((village, name.replace(" ", "")))
        return name

    def people(
        self, kind: str, grade: str
    ) -> tuple[str | None, str | None, str | None, str | None]:
        """(负责人, 联系电话, 食品安全总监, 食品安全员)."""
        rng = self.rng
        head = names.person(rng) if rng.random() < 0.9 else None
        draw = rng.random()
        if draw < 0.6:
            phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"
        elif draw < 0.85:
            phone = f"{rng.choice(AREA_CODES)}-{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
        else:
            phone = None
        director = names.person(rng) if kind in DIRECTOR_CATEGORIES or grade in "AB" else None
        staff = None
        if kind != "摊贩" and rng.random() < 0.7:
            staff = names.person(rng)
            if rng.random() < 0.2:
                staff += "、" + names.person(rng)
        return head, phone, director, staff
