"""The one clock: every date the application uses comes from here (--today / BAOBAO_TODAY)."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

from config.settings import get_settings


def tz() -> ZoneInfo:
    """The office's time zone (Asia/Shanghai by default)."""
    return ZoneInfo(get_settings().timezone)


def today() -> dt.date:
    """Today's date in the office's time zone, or the configured override."""
    override = get_settings().today
    return override or dt.datetime.now(tz()).date()


def now() -> dt.datetime:
    """The current moment, time-zone aware; its date is today()."""
    moment = dt.datetime.now(tz())
    return dt.datetime.combine(today(), moment.timetz())


def epoch_ms() -> int:
    """Wall-clock milliseconds since the epoch, for protocol timestamps (not for dates)."""
    return int(time.time() * 1000)


def chinese_moment(moment: dt.datetime) -> str:
    """A moment as the office reads it, in its time zone: 2026年9月25日 10:09."""
    local = moment.astimezone(tz()) if moment.tzinfo is not None else moment
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
