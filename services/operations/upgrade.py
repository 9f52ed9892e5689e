"""Upgrades on real data: before migrating a database that holds data, take a backup; then run
every pending migration in one transaction (services.core.schema.upgrade)."""

from typing import TypedDict

from sqlalchemy.engine import Engine

from services.core.schema import current_revision, head_revision, upgrade
from services.operations.backup import take_backup
from services.operations.tables import is_empty


class Upgraded(TypedDict):
    """The revisions before and after, and the backup taken first (None: none needed)."""

    before: str | None
    after: str
    changed: bool
    backup: str | None


def upgrade_with_backup(*, engine: Engine) -> Upgraded:
    """Create or migrate the database to head; a database with data is backed up first."""
    before = current_revision(engine=engine)
    backup = None
    if before is not None and before != head_revision() and not is_empty(engine=engine):
        backup = take_backup(engine=engine, reason=f"before-upgrade-from-{before}")["archive"]
    before, after = upgrade(engine=engine)
    return {"before": before, "after": after, "changed": before != after, "backup": backup}
