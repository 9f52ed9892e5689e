"""Daily reminders (包保督导提醒) and overdue escalation (逾期督办), delivered exactly once.

Schedule (config/schedules.toml, job `remind`): every day at 09:00 Asia/Shanghai. On a day that
is not a working day the run does nothing (make-up workdays such as 2026-09-20 do send).
The flow is thin: services.reminders.daily builds today's officer and office digests, queues them in
the outbox (one row per dedupe key, so a second run the same day queues nothing) and delivers
it; rows that failed earlier are retried by the same delivery. No SQL here.
Runs started by a Prefect deployment are recorded in job_run by @record_deployment_runs; runs
started by the embedded scheduler are recorded by the scheduler.
"""

from prefect import flow

from config.settings import get_settings
from flows import Detail
from models.db import session_scope
from services.core import clock
from services.reminders.daily import remind
from services.scheduling.prefect_env import record_deployment_runs


@flow(name="remind")
@record_deployment_runs
def remind_flow(dry_run: bool = False) -> Detail:
    """Queue and deliver today's reminders; returns queued / sent / failed counts."""
    with session_scope(get_settings().database_url) as session:
        return remind(session=session, today=clock.today(), dry_run=dry_run, actor="scheduler")
