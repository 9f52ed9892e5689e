"""A village chef's (乡厨) health certificate is due a reminder while it is still valid and expires
within [banquets] chef_cert_warn_days: the register marks it and the village's officer hears of
it in the daily digest."""

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement

from config.files import load_policy


def _last_warned_day(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=load_policy().banquets.chef_cert_warn_days)


def cert_expiring(expires: dt.date, today: dt.date) -> bool:
    """Whether a certificate still valid today expires within [banquets] chef_cert_warn_days."""
    return today <= expires <= _last_warned_day(today)


def cert_expiring_sql(column: Any, today: dt.date) -> ColumnElement[bool]:
    """cert_expiring as a SQL condition on a certificate's expiry column."""
    condition: ColumnElement[bool] = column.between(today, _last_warned_day(today))
    return condition
