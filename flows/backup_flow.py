"""The nightly backup: one archive of the database and the data directory, then retention.

Schedule (config/schedules.toml, job `backup`): every day at 02:30 Asia/Shanghai, when nobody
works. The flow is thin: services.operations.retention.nightly_backup takes the backup (SQLite's
online backup API or pg_dump, both consistent while the application writes) into
BAOBAO_BACKUP_DIR (default DATA_DIR/backups) and removes the archives `[backup] keep_daily` and
`keep_monthly` no longer keep. No SQL here. Copy the archives off the machine
(docs/operations.md).
Runs started by a Prefect deployment are recorded in job_run by @record_deployment_runs; runs
started by the embedded scheduler are recorded by the scheduler.
"""

from prefect import flow

from config.settings import get_settings
from flows import Detail
from models.db import get_engine
from services.operations.retention import nightly_backup
from services.scheduling.prefect_env import record_deployment_runs


@flow(name="backup")
@record_deployment_runs
def backup_flow() -> Detail:
    """Back up the database and data directory; returns the archive and what was removed."""
    return nightly_backup(engine=get_engine(get_settings().database_url))
