"""A year's holiday schedule as published by the State Council (国务院办公厅关于 YYYY 年部分节假日
安排的通知), read from TOML or CSV and checked: every date in the year, holiday ranges in order
(weekends inside them allowed), 调休 workdays on a Saturday or Sunday, no day twice.

TOML: `year = 2027`, then `[[holidays]]` tables (name, start, end — end defaults to start) and
`[[workdays]]` tables (name, date). CSV: a header row 类型,名称,开始日期,结束日期 (类型 放假 or
调休上班; 结束日期 may be empty), UTF-8 or GBK as Excel saves it.
"""

import csv
import datetime as dt
import io
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from models.enums import CalendarDayKind
from services.core.calendar_store import HeldYear, held_year
from services.core.errors import BadInput

KINDS = {
    "放假": CalendarDayKind.HOLIDAY,
    "休": CalendarDayKind.HOLIDAY,
    "holiday": CalendarDayKind.HOLIDAY,
}
KINDS |= {
    "调休上班": CalendarDayKind.WORKDAY,
    "上班": CalendarDayKind.WORKDAY,
    "班": CalendarDayKind.WORKDAY,
    "workday": CalendarDayKind.WORKDAY,
}
HEADERS = {
    "类型": "kind",
    "kind": "kind",
    "名称": "name",
    "节日": "name",
    "name": "name",
    "开始日期": "start",
    "日期": "start",
    "start": "start",
    "date": "start",
    "结束日期": "end",
    "end": "end",
}
WEEKDAYS = "一二三四五六日"
MAX_SHOWN = 20


@dataclass
class Entry:
    """One line of the schedule: a holiday range or a 调休 workday, with where it came from."""

    where: str
    kind: CalendarDayKind
    name: str
    start: dt.date
    end: dt.date


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}：{message}" if where else message)


def read_schedule(*, path: Path) -> HeldYear:
    """The checked schedule of one year; BadInput listing every problem otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"日历文件 {path} 不存在")
    problems = Problems()
    suffix = path.suffix.lower()
    if suffix == ".toml":
        year, entries = _from_toml(path, problems)
    elif suffix == ".csv":
        year, entries = _from_csv(path, problems)
    else:
        raise BadInput(f"日历文件 {path.name} 应为 .toml 或 .csv")
    held = _checked(year, entries, problems)
    if problems.items:
        shown = problems.items[:MAX_SHOWN]
        more = len(problems.items) - len(shown)
        lines = "\n".join(f"  {item}" for item in shown) + (f"\n  另有 {more} 处" if more else "")
        raise BadInput(f"日历文件 {path.name} 有 {len(problems.items)} 处错误，未导入：\n{lines}")
    return held


def _from_toml(path: Path, problems: Problems) -> tuple[int | None, list[Entry]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"日历文件 {path.name} 不是有效的 TOML：{exc}") from None
    unknown = sorted(set(data) - {"year", "holidays", "workdays"})
    if unknown:
        problems.add("", f"不认识的配置项 {'、'.join(unknown)}（可用：year、holidays、workdays）")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.add("year", "缺少年份或不是整数，例如 year = 2027")
        year = None
    entries = []
    for key, start_key in (("holidays", "start"), ("workdays", "date")):
        tables = data.get(key, [])
        if not isinstance(tables, list):
            problems.add(key, f"应写成 [[{key}]] 表")
            continue
        for index, table in enumerate(tables, start=1):
            entry = _toml_entry(f"{key} 第 {index} 项", key, start_key, table, problems)
            if entry:
                entries.append(entry)
    return year, entries


def _toml_entry(
    where: str, key: str, start_key: str, table: object, problems: Problems
) -> Entry | None:
    allowed = {"name", start_key} | ({"end"} if key == "holidays" else set())
    if not isinstance(table, dict) or set(table) - allowed:
        problems.add(where, f"只能包含 {'、'.join(sorted(allowed))}")
        return None
    start, end = table.get(start_key), table.get("end", table.get(start_key))
    if not (_is_day(start) and _is_day(end)):
        problems.add(where, f"{start_key} 和 end 应为日期，例如 {start_key} = 2027-01-01")
        return None
    kind = CalendarDayKind.HOLIDAY if key == "holidays" else CalendarDayKind.WORKDAY
    return Entry(where, kind, str(table.get("name", "")).strip(), start, end)


def _from_csv(path: Path, problems: Problems) -> tuple[int | None, list[Entry]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadInput(f"日历文件 {path.name} 的编码无法识别，请另存为 UTF-8 的 CSV")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise BadInput(f"日历文件 {path.name} 是空的")
    columns = [HEADERS.get(cell.strip().lower(), HEADERS.get(cell.strip())) for cell in rows[0]]
    missing = {"kind", "name", "start"} - set(columns)
    if missing:
        raise BadInput(
            f"日历文件 {path.name} 的第 1 行应为表头：类型,名称,开始日期,结束日期"
            f"（缺少 {'、'.join(_header_names(missing))}）"
        )
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {col: (row[i].strip() if i < len(row) else "") for i, col in enumerate(columns)}
        entry = _csv_entry(f"第 {number} 行", cells, problems)
        if entry:
            entries.append(entry)
    starts = Counter(e.start.year for e in entries)
    return (starts.most_common(1)[0][0] if starts else None), entries


def _is_day(value: object) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _header_names(keys: set[str]) -> list[str]:
    names = {"kind": "类型", "name": "名称", "start": "开始日期"}
    return [names[k] for k in sorted(keys)]


def _csv_entry(where: str, cells: dict[str | None, str], problems: Problems) -> Entry | None:
    kind = KINDS.get(cells.get("kind", "").lower())
    if kind is None:
        problems.add(where, f"类型 {cells.get('kind')!r} 无效，应为 放假 或 调休上班")
        return None
    start = _date(cells.get("start", ""))
    end = _date(cells.get("end") or cells.get("start", ""))
    if start is None or end is None:
        problems.add(where, "日期无效，应为 YYYY-MM-DD（或 YYYY/M/D）")
        return None
    return Entry(where, kind, cells.get("name", ""), start, end)


def _date(text: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def _checked(year: int | None, entries: list[Entry], problems: Problems) -> HeldYear:
    if year is None and not problems.items:
        problems.add("", "无法确定年份：文件中没有有效的日期")
    if not any(e.kind == CalendarDayKind.HOLIDAY for e in entries) and not problems.items:
        problems.add("", "没有任何放假安排")
    days: dict[dt.date, tuple[str, str, str]] = {}  # day -> (kind, name, where)
    for entry in entries:
        for day in _entry_days(entry, year, problems):
            if day in days:
                problems.add(entry.where, f"{_cn(day)} 已在 {days[day][2]} 中出现")
            else:
                days[day] = (entry.kind, entry.name, entry.where)
    rows = [(day, kind, name) for day, (kind, name, _) in days.items()]
    return held_year(year or 0, rows)


def _entry_days(entry: Entry, year: int | None, problems: Problems) -> list[dt.date]:
    if not entry.name:
        problems.add(entry.where, "缺少名称（如 春节）")
    if entry.end < entry.start:
        problems.add(entry.where, f"结束日期 {_cn(entry.end)} 早于开始日期 {_cn(entry.start)}")
        return []
    outside = [d for d in (entry.start, entry.end) if year is not None and d.year != year]
    if outside:
        problems.add(entry.where, f"{_cn(outside[0])} 不在 {year} 年内")
        return []
    if entry.kind == CalendarDayKind.WORKDAY:
        if entry.end != entry.start:
            problems.add(entry.where, "调休上班日每项只写一天")
        elif entry.start.weekday() < 5:
            problems.add(entry.where, f"{_cn(entry.start)} 调休上班日必须是星期六或星期日")
        return [entry.start]
    count = (entry.end - entry.start).days + 1
    return [entry.start + dt.timedelta(days=n) for n in range(count)]


def _cn(day: dt.date) -> str:
    return f"{day.isoformat()}（星期{WEEKDAYS[day.weekday()]}）"
